package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.SearchIndex;
import org.fhirledger.server.index.SearchQuery;
import org.hl7.fhir.r4.model.Resource;

/**
 * A search index on a real PostgreSQL database to which tests apply blocks of resources (through the real
 * extractor, as a node does) and send query strings (through the real parser).
 */
final class IndexedSearchFixture {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final SearchParamExtractor EXTRACTOR = new SearchParamExtractor(FhirContexts.r4());
  static final SearchRequestParser PARSER = new SearchRequestParser(FhirContexts.r4());

  final SearchIndex index;
  private final Map<String, Long> versions = new HashMap<>();
  private long height;

  IndexedSearchFixture(final SearchIndex index) {
    this.index = index;
  }

  /** Applies one block writing these resources (new versions of those that exist); block h is stamped T0 + h minutes. */
  void block(final Resource... resources) {
    height++;
    final Map<IndexedVersion, Resource> content = new LinkedHashMap<>();
    for (final Resource r : resources) {
      final String key = r.fhirType() + "/" + r.getIdElement().getIdPart();
      final long v = versions.merge(key, 1L, Long::sum);
      content.put(new IndexedVersion(r.fhirType(), r.getIdElement().getIdPart(), v, false, T0.plusSeconds(height * 60),
          "bafy" + key + v, height, "ab".repeat(32), "cd".repeat(32)), r);
    }
    index.applyBlock(height, String.format("%064x", height), new ArrayList<>(content.keySet()), v -> EXTRACTOR.extract(content.get(v)));
  }

  /** Applies one block deleting the resource. */
  void deleteBlock(final String type, final String id) {
    height++;
    final long v = versions.merge(type + "/" + id, 1L, Long::sum);
    index.applyBlock(height, String.format("%064x", height),
        List.of(new IndexedVersion(type, id, v, true, T0.plusSeconds(height * 60), null, height, "ab".repeat(32), "cd".repeat(32))),
        x -> List.of());
  }

  long height() {
    return height;
  }

  static Map<String, String[]> query(final String qs) {
    final Map<String, List<String>> m = new LinkedHashMap<>();
    for (final String pair : qs.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      final int eq = pair.indexOf('=');
      m.computeIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), k -> new ArrayList<>())
          .add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    final Map<String, String[]> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v.toArray(String[]::new)));
    return out;
  }

  /** The ids a search finds (sorted by id unless the query sorts), checked against its count. */
  List<String> ids(final String type, final String qs) {
    final String sorted = qs.contains("_sort=") ? qs : qs + (qs.isEmpty() ? "" : "&") + "_sort=_id";
    return idsAt(type, sorted, index.indexedHeight());
  }

  /** The ids a search finds as of height {@code at}, in the query's own order, checked against its count. */
  List<String> idsAt(final String type, final String qs, final long at) {
    final SearchQuery q = PARSER.parse(type, query(qs), false, at).query();
    final List<String> ids = index.search(q, 0, 1000).stream().map(IndexedVersion::resourceId).toList();
    assertThat(index.count(q)).as("count of " + qs).isEqualTo(ids.size());
    return ids;
  }
}
