package org.fhirledger.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.search.CustomSearchParams;
import org.fhirledger.server.search.SearchParamRegistry;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.junit.jupiter.api.Test;

class SearchCapabilitiesTest {
  private static final SearchParamRegistry WITH_IG = SearchParamRegistry.of(FhirContexts.r4(),
      CustomSearchParams.fromIg(FhirContexts.r4()).stream().map(sp -> CustomSearchParams.toRuntime(FhirContexts.r4(), sp)).toList(),
      Set.of("http://fhirledger.org/fhir/SearchParameter/observation-interpretation"));

  private static CapabilityStatementRestResourceComponent described(final String type) {
    final CapabilityStatementRestResourceComponent resource = new CapabilityStatementRestResourceComponent().setType(type);
    SearchCapabilities.describe(resource, WITH_IG);
    return resource;
  }

  private static CapabilityStatementRestResourceSearchParamComponent param(final CapabilityStatementRestResourceComponent r, final String name) {
    return r.getSearchParam().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow();
  }

  private static List<String> chainTargets(final CapabilityStatementRestResourceSearchParamComponent p) {
    return p.getExtensionsByUrl(SearchCapabilities.CHAIN_EXTENSION).stream().map(e -> e.getValue().primitiveValue()).toList();
  }

  @Test
  void aResourceListsItsParametersWithDefinitionsAndItsIncludesAndRevIncludes() {
    final CapabilityStatementRestResourceComponent patient = described("Patient");

    assertThat(patient.getSearchParam()).extracting(CapabilityStatementRestResourceSearchParamComponent::getName)
        .contains("_id", "_lastUpdated", "_source", "name", "birthdate", "birthplace").doesNotContain("interpretation");
    assertThat(param(patient, "name").getDefinition()).isEqualTo("http://hl7.org/fhir/SearchParameter/Patient-name");
    assertThat(param(patient, "birthplace").getDefinition()).isEqualTo("http://fhirledger.org/fhir/SearchParameter/patient-birthplace");
    assertThat(param(patient, "birthplace").getDocumentation()).contains("Custom search parameter").doesNotContain("not searchable");
    assertThat(patient.getSearchInclude()).extracting(PrimitiveType::getValue)
        .contains("*", "Patient:general-practitioner", "Patient:link", "Patient:organization").doesNotContain("Patient:name");
    assertThat(patient.getSearchRevInclude()).extracting(PrimitiveType::getValue)
        .contains("Observation:subject", "Observation:patient", "Encounter:subject", "Provenance:target").doesNotContain("Observation:code");
    assertThat(chainTargets(param(patient, "general-practitioner"))).containsExactly("Organization", "Practitioner", "PractitionerRole");
  }

  @Test
  void aCustomParameterStillReindexingSaysSoAndAnAnyReferenceChainsIntoAnyType() {
    final CapabilityStatementRestResourceComponent observation = described("Observation");

    assertThat(param(observation, "interpretation").getDocumentation()).contains("not searchable until");
    assertThat(chainTargets(param(observation, "focus"))).containsExactly(SearchCapabilities.ANY_TYPE);
    assertThat(chainTargets(param(observation, "subject"))).contains("Patient", "Group").doesNotContain(SearchCapabilities.ANY_TYPE);
  }

  @Test
  void theWholeStatementStaysSmallEnoughToServe() {
    final CapabilityStatement cs = new CapabilityStatement();
    for (final String type : FhirContexts.r4().getResourceTypes()) {
      SearchCapabilities.describe(cs.getRestFirstRep().addResource().setType(type), WITH_IG);
    }
    final int bytes = FhirContexts.r4().newJsonParser().encodeResourceToString(cs).length();
    assertThat(bytes).as("JSON size of the search part of /metadata").isLessThan(2_000_000);
  }
}
