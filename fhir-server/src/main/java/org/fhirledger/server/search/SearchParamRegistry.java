package org.fhirledger.server.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The search parameters of this server at one moment: every R4 parameter HAPI's {@link FhirContext} defines, plus
 * the active custom ones ({@code SearchParameter} resources of the ig module and of the chain), as HAPI
 * {@link RuntimeSearchParam}s so that extraction and query parsing treat both alike. Immutable: a node swaps in a
 * new registry when the chain activates or retires a custom parameter.
 *
 * <p>A custom parameter is extracted from the block after it was written on (see {@code NodeSearchParams}), but it
 * becomes searchable only once the background reindex of the resources written before it is done on this node:
 * until then {@link #searchParam} answers 400 naming the reindex, rather than a partial result.
 */
public final class SearchParamRegistry {
  private final FhirContext fhir;
  /** Custom parameters by resource type, then code. */
  private final Map<String, Map<String, RuntimeSearchParam>> custom;
  /** {@code type.code} of the custom parameters whose reindex is not done on this node. */
  private final Set<String> reindexing;
  /** When set, {@link #forType} lists only the parameter of this code (a reindex extracts one parameter). */
  private final String onlyCode;

  private SearchParamRegistry(final FhirContext fhir, final Map<String, Map<String, RuntimeSearchParam>> custom, final Set<String> reindexing,
      final String onlyCode) {
    this.fhir = fhir;
    this.custom = custom;
    this.reindexing = Set.copyOf(reindexing);
    this.onlyCode = onlyCode;
  }

  /** The R4 parameters of HAPI's FhirContext only. */
  public static SearchParamRegistry base(final FhirContext fhir) {
    return new SearchParamRegistry(fhir, Map.of(), Set.of(), null);
  }

  /**
   * This registry with {@link #forType} narrowed to the parameter {@code code}: an extractor of it computes that
   * parameter's values only, while a composite's components are still found by url among all.
   */
  public SearchParamRegistry onlyExtracting(final String code) {
    return new SearchParamRegistry(fhir, custom, reindexing, code);
  }

  /**
   * The base parameters plus {@code customParams}, each listed under every type of its base. A custom parameter
   * never replaces a base one: one whose code a base type already defines is left out of that type.
   *
   * @param reindexing the custom parameters (by url) not yet searchable on this node
   */
  public static SearchParamRegistry of(final FhirContext fhir, final Collection<RuntimeSearchParam> customParams, final Set<String> reindexing) {
    final Map<String, Map<String, RuntimeSearchParam>> byType = new LinkedHashMap<>();
    final java.util.HashSet<String> pending = new java.util.HashSet<>();
    for (final RuntimeSearchParam sp : customParams) {
      for (final String type : sp.getBase()) {
        if (!fhir.getResourceTypes().contains(type) || fhir.getResourceDefinition(type).getSearchParam(sp.getName()) != null) {
          continue;
        }
        byType.computeIfAbsent(type, t -> new LinkedHashMap<>()).putIfAbsent(sp.getName(), sp);
        if (reindexing.contains(sp.getUri())) {
          pending.add(type + "." + sp.getName());
        }
      }
    }
    final Map<String, Map<String, RuntimeSearchParam>> frozen = new LinkedHashMap<>();
    byType.forEach((t, m) -> frozen.put(t, Map.copyOf(m)));
    return new SearchParamRegistry(fhir, Map.copyOf(frozen), pending, null);
  }

  public FhirContext fhirContext() {
    return fhir;
  }

  /** Every parameter to extract from a resource of {@code type}: the base ones, then the custom ones. */
  public List<RuntimeSearchParam> forType(final String type) {
    if (onlyCode != null) {
      return allOf(type).stream().filter(sp -> onlyCode.equals(sp.getName())).toList();
    }
    return allOf(type);
  }

  private List<RuntimeSearchParam> allOf(final String type) {
    final Map<String, RuntimeSearchParam> extra = custom.getOrDefault(type, Map.of());
    final List<RuntimeSearchParam> base = fhir.getResourceDefinition(type).getSearchParams();
    if (extra.isEmpty()) {
      return base;
    }
    final List<RuntimeSearchParam> out = new ArrayList<>(base);
    extra.values().stream().sorted(java.util.Comparator.comparing(RuntimeSearchParam::getName)).forEach(out::add);
    return out;
  }

  /** The parameter {@code name} of {@code type}, base or custom (searchable or not), or null. */
  public RuntimeSearchParam get(final String type, final String name) {
    final RuntimeSearchParam base = fhir.getResourceDefinition(type).getSearchParam(name);
    return base != null ? base : custom.getOrDefault(type, Map.of()).get(name);
  }

  /**
   * The parameter {@code name} of {@code type} for a search, or null if there is none.
   *
   * @throws InvalidRequestException (400) for a custom parameter whose reindex is still running on this node
   */
  public RuntimeSearchParam searchParam(final String type, final String name) {
    final RuntimeSearchParam sp = get(type, name);
    if (sp != null && reindexing.contains(type + "." + name)) {
      throw new InvalidRequestException("Search parameter '" + name + "' of " + type + " (" + sp.getUri() + ") is not searchable yet:"
          + " this node is still reindexing the resources written before it (see 'reindex' in $ledger-status); try again when it is done");
    }
    return sp;
  }

  /** Whether {@code name} of {@code type} is a custom parameter still being reindexed on this node. */
  public boolean isReindexing(final String type, final String name) {
    return reindexing.contains(type + "." + name);
  }

  /** A parameter of {@code type} by its canonical url (a composite's components name theirs). */
  public Optional<RuntimeSearchParam> byUrl(final String type, final String url) {
    for (final RuntimeSearchParam sp : allOf(type)) {
      if (url.equals(sp.getUri())) {
        return Optional.of(sp);
      }
    }
    return Optional.empty();
  }

  /** The custom parameters of {@code type}, by code. */
  public Map<String, RuntimeSearchParam> customOf(final String type) {
    return custom.getOrDefault(type, Map.of());
  }

  /** Whether the parameter is one of the custom ones (not one of HAPI's R4 definitions). */
  public boolean isCustom(final String type, final String name) {
    return fhir.getResourceDefinition(type).getSearchParam(name) == null && customOf(type).containsKey(name);
  }
}
