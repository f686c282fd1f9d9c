package org.fhirledger.server.index;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.fhirledger.server.config.FhirContexts;

/**
 * R4 search parameters whose index rows would repeat other parameters' rows, so they are not written: a search,
 * {@code :missing} or {@code _sort} on one reads the rows of the parameters that hold its values.
 *
 * <ul>
 *   <li>the same path as another parameter of the type and kind: {@code phonetic} (Patient, Person, Practitioner,
 *       RelatedPerson) has {@code name}'s path and is matched as {@code name} here, so it reads {@code name}'s rows
 *       (the first of such parameters by code holds them);
 *   <li>a path that is the union of other parameters' paths: Observation's {@code combo-code} is
 *       {@code Observation.code | Observation.component.code}, so it reads the rows of {@code code} and
 *       {@code component-code}; likewise {@code combo-value-quantity}, {@code combo-value-concept},
 *       {@code combo-data-absent-reason} and the composites {@code combo-code-value-quantity} and
 *       {@code combo-code-value-concept} (whose parts must also pair the same kinds of component).
 * </ul>
 *
 * References are left out (their rows are named in the SQL of {@code _include} and {@code _has} too); composites
 * share only when their components do. A union of rows answers every search form as the combined rows did: a resource matches if any row matches,
 * {@code :missing} asks whether there is any row, and {@code _sort} takes the lowest or highest of them. Only HAPI's
 * base R4 parameters are considered; a custom parameter always has rows of its own. Rows derived from a parameter
 * under a suffixed name ({@code combo-code:text}) follow the parameter.
 */
public final class SharedParamRows {
  private static final List<String> SUFFIXES = List.of(IndexedParam.TEXT_SUFFIX, IndexedParam.OF_TYPE_SUFFIX, IndexedParam.IDENTIFIER_SUFFIX);
  private static final Map<String, Map<String, List<String>>> BY_TYPE = new ConcurrentHashMap<>();

  private SharedParamRows() {}

  /** The names whose rows hold the values of parameter (or derived row name) {@code name} of {@code type}: usually just {@code name}. */
  public static List<String> storedAs(final String type, final String name) {
    for (final String suffix : SUFFIXES) {
      if (name.endsWith(suffix)) {
        final List<String> base = of(type).get(name.substring(0, name.length() - suffix.length()));
        return base == null ? List.of(name) : base.stream().map(n -> n + suffix).toList();
      }
    }
    final List<String> shared = of(type).get(name);
    return shared == null ? List.of(name) : shared;
  }

  /** Whether the rows of this parameter are other parameters' rows (so extraction skips it). */
  public static boolean isShared(final String type, final String name) {
    return of(type).containsKey(name);
  }

  private static Map<String, List<String>> of(final String type) {
    return BY_TYPE.computeIfAbsent(type, SharedParamRows::compute);
  }

  private static Map<String, List<String>> compute(final String type) {
    final FhirContext fhir = FhirContexts.r4();
    if (!fhir.getResourceTypes().contains(type)) {
      return Map.of();
    }
    final List<RuntimeSearchParam> params = new ArrayList<>(fhir.getResourceDefinition(type).getSearchParams());
    // references keep their own rows: _include, _revinclude and _has name them in SQL of their own (ReferenceIndex)
    params.removeIf(sp -> sp.getParamType() == RestSearchParameterTypeEnum.REFERENCE || paths(sp).isEmpty());
    params.sort(Comparator.comparing(RuntimeSearchParam::getName));
    final Map<String, List<String>> shared = new HashMap<>();
    // composites last: whether two pair the same values depends on what their components share
    share(fhir, type, params.stream().filter(sp -> sp.getParamType() != RestSearchParameterTypeEnum.COMPOSITE).toList(), shared);
    share(fhir, type, params.stream().filter(sp -> sp.getParamType() == RestSearchParameterTypeEnum.COMPOSITE).toList(), shared);
    return Map.copyOf(shared);
  }

  private static void share(final FhirContext fhir, final String type, final List<RuntimeSearchParam> params, final Map<String, List<String>> shared) {
    final Map<String, String> firstWithPaths = new HashMap<>();
    for (final RuntimeSearchParam sp : params) {
      final String first = firstWithPaths.putIfAbsent(sp.getParamType() + " " + components(fhir, type, sp) + " " + paths(sp), sp.getName());
      if (first != null) {
        shared.put(sp.getName(), List.of(first));
      }
    }
    for (final RuntimeSearchParam sp : params) {
      final Set<String> paths = paths(sp);
      if (paths.size() < 2 || shared.containsKey(sp.getName())) {
        continue;
      }
      final List<String> parts = new ArrayList<>();
      final Set<String> covered = new LinkedHashSet<>();
      for (final RuntimeSearchParam part : params) {
        final Set<String> partPaths = paths(part);
        if (part != sp && !shared.containsKey(part.getName()) && part.getParamType() == sp.getParamType() && partPaths.size() < paths.size()
            && paths.containsAll(partPaths) && pairsWithin(components(fhir, type, part), components(fhir, type, sp), shared)) {
          parts.add(part.getName());
          covered.addAll(partPaths);
        }
      }
      if (covered.equals(paths)) {
        shared.put(sp.getName(), List.copyOf(parts));
      }
    }
  }

  /** Whether each component of a part is the whole's component there, or one whose rows that component reads. */
  private static boolean pairsWithin(final List<String> part, final List<String> whole, final Map<String, List<String>> shared) {
    if (part.size() != whole.size()) {
      return false;
    }
    for (int i = 0; i < part.size(); i++) {
      if (!part.get(i).equals(whole.get(i)) && !shared.getOrDefault(whole.get(i), List.of()).contains(part.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static Set<String> paths(final RuntimeSearchParam sp) {
    final Set<String> out = new LinkedHashSet<>();
    for (final String p : sp.getPathsSplit()) {
      if (!p.isBlank()) {
        out.add(p.trim());
      }
    }
    return out;
  }

  /** A composite's component parameters in order (its rows pair their values); empty for the other parameters. */
  private static List<String> components(final FhirContext fhir, final String type, final RuntimeSearchParam sp) {
    if (sp.getParamType() != RestSearchParameterTypeEnum.COMPOSITE) {
      return List.of();
    }
    final List<String> out = new ArrayList<>();
    for (final RuntimeSearchParam.Component c : sp.getComponents()) {
      out.add(fhir.getResourceDefinition(type).getSearchParams().stream()
          .filter(p -> c.getReference() != null && c.getReference().equals(p.getUri())).map(RuntimeSearchParam::getName).findFirst().orElse("?" + c.getReference()));
    }
    return out;
  }
}
