package org.fhirledger.server.rest;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.fhirledger.server.search.SearchParamExtractor;
import org.fhirledger.server.search.SearchParamRegistry;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;

/**
 * The search part of a resource's CapabilityStatement entry, from the search parameter registry (the one generic
 * search method declares no parameters, so HAPI lists none): every parameter the index supports (R4 and custom,
 * each with its definition url), {@code searchInclude} and {@code searchRevInclude}, and on each reference
 * parameter the types a chain may continue into.
 */
final class SearchCapabilities {
  /**
   * On a reference parameter, one per resource type whose parameters a chain through it may name
   * ({@code subject:Patient.name}); R4's CapabilityStatement has no element for chains.
   */
  static final String CHAIN_EXTENSION = "http://fhirledger.org/fhir/StructureDefinition/capabilitystatement-search-chain-target";

  /** The chain target of a {@code Reference(Any)} parameter. */
  static final String ANY_TYPE = "*";

  private SearchCapabilities() {}

  static void describe(final CapabilityStatementRestResourceComponent resource, final SearchParamRegistry registry) {
    final String type = resource.getType();
    resource.addSearchParam().setName("_id").setType(SearchParamType.TOKEN);
    resource.addSearchParam().setName("_lastUpdated").setType(SearchParamType.DATE);
    resource.addSearchParam().setName(SearchParamExtractor.SOURCE).setType(SearchParamType.URI);
    final Set<String> types = registry.fhirContext().getResourceTypes();
    resource.addSearchInclude("*");
    for (final RuntimeSearchParam sp : registry.forType(type)) {
      if (!SearchParamExtractor.INDEXED_TYPES.contains(sp.getParamType()) || sp.getName().startsWith("_id") || "_lastUpdated".equals(sp.getName())) {
        continue;
      }
      final CapabilityStatementRestResourceSearchParamComponent param = resource.addSearchParam().setName(sp.getName())
          .setType(SearchParamType.fromCode(sp.getParamType().getCode())).setDefinition(sp.getUri()).setDocumentation(documentation(registry, type, sp));
      if (sp.getParamType() == RestSearchParameterTypeEnum.REFERENCE) {
        resource.addSearchInclude(type + ":" + sp.getName());
        if (sp.getTargets().isEmpty()) {
          // Reference(Any): a chain names its type (focus:Patient.name), any type will do
          param.addExtension(CHAIN_EXTENSION, new CodeType(ANY_TYPE));
        }
        for (final String target : new TreeSet<>(sp.getTargets())) {
          if (types.contains(target)) {
            param.addExtension(CHAIN_EXTENSION, new CodeType(target));
          }
        }
      }
    }
    for (final String revInclude : revIncludes(registry, type)) {
      resource.addSearchRevInclude(revInclude);
    }
  }

  private static String documentation(final SearchParamRegistry registry, final String type, final RuntimeSearchParam sp) {
    if (!registry.isCustom(type, sp.getName())) {
      return sp.getDescription();
    }
    final String what = "Custom search parameter (" + sp.getUri() + ", expression " + sp.getPath() + ")"
        + (registry.isReindexing(type, sp.getName()) ? "; not searchable until this node has reindexed the resources written before it" : "");
    return sp.getDescription() == null || sp.getDescription().isBlank() ? what : sp.getDescription() + " " + what;
  }

  /** {@code Source:param} of every reference parameter of every type that may refer to {@code type}. */
  static List<String> revIncludes(final SearchParamRegistry registry, final String type) {
    final List<String> out = new ArrayList<>();
    for (final String source : new TreeSet<>(registry.fhirContext().getResourceTypes())) {
      for (final RuntimeSearchParam sp : registry.forType(source)) {
        if (sp.getParamType() == RestSearchParameterTypeEnum.REFERENCE && (sp.getTargets().isEmpty() || sp.getTargets().contains(type))) {
          out.add(source + ":" + sp.getName());
        }
      }
    }
    return out;
  }
}
