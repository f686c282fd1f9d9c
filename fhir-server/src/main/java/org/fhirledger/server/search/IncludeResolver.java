package org.fhirledger.server.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fhirledger.server.index.Include;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.ReferenceIndex;
import org.fhirledger.server.index.ResourceKey;

/**
 * The resources that a page's {@code _include} and {@code _revinclude} parameters add, as of the search's height:
 * one statement for the page's matches, then one per {@code :iterate} round over what the round before added.
 * No resource is returned twice, nor one that is already a match of the page.
 */
final class IncludeResolver {
  /** Rounds of {@code :iterate} after the first: a cycle of references ends here at the latest. */
  static final int MAX_ITERATE_ROUNDS = 3;
  /** Most resources included in one page; the rest of a larger fan-out is left out. */
  static final int MAX_INCLUDED_PER_PAGE = 1000;

  private final ReferenceIndex references;

  IncludeResolver(final ReferenceIndex references) {
    this.references = references;
  }

  List<IndexedVersion> included(final List<IndexedVersion> matches, final List<Include> includes, final long height) {
    if (includes.isEmpty() || matches.isEmpty()) {
      return List.of();
    }
    final Set<ResourceKey> seen = new LinkedHashSet<>();
    matches.forEach(m -> seen.add(ResourceKey.of(m)));
    final Map<ResourceKey, IndexedVersion> added = new LinkedHashMap<>();
    final List<Include> iterating = includes.stream().filter(Include::iterate).toList();
    List<ResourceKey> sources = new ArrayList<>(seen);
    List<Include> round = includes;
    for (int r = 0; r <= MAX_ITERATE_ROUNDS && !sources.isEmpty() && !round.isEmpty(); r++) {
      final List<ResourceKey> fresh = new ArrayList<>();
      for (final IndexedVersion v : references.included(sources, round, height)) {
        final ResourceKey key = ResourceKey.of(v);
        if (seen.add(key) && added.size() < MAX_INCLUDED_PER_PAGE) {
          added.put(key, v);
          fresh.add(key);
        }
      }
      sources = fresh;
      round = iterating;
    }
    return List.copyOf(added.values());
  }
}
