package org.fhirledger.server.it.corpus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Every resource the corpus loaded, as the server stored it (read back by id from the ledger's world state after
 * loading, so ids, resolved references and meta.lastUpdated are the server's), by type and by {@code Type/id}.
 */
public final class CorpusResources {
  private final Map<String, Resource> byRef = new LinkedHashMap<>();
  private final Map<String, List<Resource>> byType = new TreeMap<>();

  public CorpusResources(final Collection<? extends Resource> resources) {
    final List<Resource> sorted = new ArrayList<>(resources);
    sorted.sort(Comparator.comparing(CorpusResources::ref));
    for (final Resource r : sorted) {
      if (byRef.put(ref(r), r) != null) {
        continue; // a batch's conditional create that found the resource an earlier entry wrote
      }
      byType.computeIfAbsent(r.fhirType(), t -> new ArrayList<>()).add(r);
    }
  }

  public static String ref(final Resource r) {
    return r.fhirType() + "/" + r.getIdElement().getIdPart();
  }

  /** The resources of {@code type} in {@code Type/id} order. */
  @SuppressWarnings("unchecked")
  public <T extends Resource> List<T> all(final Class<T> type) {
    return (List<T>) byType.getOrDefault(type.getSimpleName(), List.of());
  }

  public List<Resource> all(final String type) {
    return byType.getOrDefault(type, List.of());
  }

  public Resource get(final String ref) {
    return byRef.get(ref);
  }

  public int size() {
    return byRef.size();
  }

  public Map<String, Integer> countsByType() {
    final Map<String, Integer> out = new TreeMap<>();
    byType.forEach((t, l) -> out.put(t, l.size()));
    return out;
  }

  /** A reference as the index sees it: {@code Type/id} without base or version, or the absolute URL as written. */
  public static String target(final Reference r) {
    if (r == null || !r.hasReference()) {
      return null;
    }
    String s = r.getReference();
    final int history = s.indexOf("/_history/");
    if (history > 0) {
      s = s.substring(0, history);
    }
    return s;
  }

  public static List<String> targets(final List<Reference> refs) {
    return refs.stream().map(CorpusResources::target).filter(java.util.Objects::nonNull).toList();
  }

  public static List<String> targets(final Reference... refs) {
    return targets(java.util.Arrays.asList(refs));
  }

  /** The resource a reference points at, or null when it is not one of the loaded resources. */
  public Resource resolve(final String target) {
    return target == null ? null : byRef.get(target);
  }
}
