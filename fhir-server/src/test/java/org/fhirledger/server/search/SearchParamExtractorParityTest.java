package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.index.IndexedParam;
import org.hl7.fhir.r4.model.Age;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedArtifact;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walk of simple paths ({@link CompiledPath}) gives exactly the rows that HAPI's FHIRPath engine gives, in the
 * same order, for every search parameter of every resource of the Synthea samples and of resources made to hit
 * the walk's edges (contained references, several values under where(), type filters, choice types).
 */
class SearchParamExtractorParityTest {
  private static final FhirContext FHIR = FhirContexts.r4();
  private static final SearchParamExtractor WALKING = new SearchParamExtractor(FHIR);
  private static final SearchParamExtractor ENGINE_ONLY = new SearchParamExtractor(FHIR, false);

  static Stream<Resource> resources() throws IOException {
    final List<Resource> out = new ArrayList<>();
    for (final String file : List.of("patient-bundle.json", "hospital-batch.json", "practitioner-batch.json")) {
      try (InputStream in = SearchParamExtractorParityTest.class.getResourceAsStream("/synthea/" + file)) {
        final Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        bundle.getEntry().forEach(e -> out.add(e.getResource()));
      }
    }
    out.addAll(edgeCases());
    return out.stream();
  }

  private static List<Resource> edgeCases() {
    final Patient patient = new Patient();
    patient.setId("p1");
    patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("555-1");
    patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue("a@example.org");
    patient.addTelecom().setValue("no-system");
    patient.setDeceased(new BooleanType(false));
    patient.addGeneralPractitioner(new Reference("#org1"));
    patient.addGeneralPractitioner(new Reference("http://elsewhere.example/fhir/Practitioner/9"));
    patient.addGeneralPractitioner(new Reference().setIdentifier(new Identifier().setSystem("urn:npi").setValue("77")));
    patient.setManagingOrganization(new Reference("Organization/o1"));
    final org.hl7.fhir.r4.model.Organization contained = new org.hl7.fhir.r4.model.Organization();
    contained.setId("org1");
    contained.setName("Contained clinic");
    patient.addContained(contained);
    patient.getMeta().setSource("urn:fhirledger:node:ab");

    final Observation observation = new Observation();
    observation.setSubject(new Reference("Patient/p1"));
    observation.setCode(new CodeableConcept(new Coding("http://loinc.org", "85354-9", "Blood pressure")).setText("BP"));
    observation.addComponent().setCode(new CodeableConcept(new Coding("http://loinc.org", "8480-6", null)))
        .setValue(new Quantity().setValue(120).setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));
    observation.addComponent().setCode(new CodeableConcept(new Coding("http://loinc.org", "8462-4", null)))
        .setValue(new Quantity().setValue(80).setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));
    observation.addComponent().setCode(new CodeableConcept(new Coding("http://loinc.org", "x", null)))
        .setValue(new CodeableConcept().setText("text value"));
    observation.setValue(new StringType("a string value"));
    observation.addFocus(new Reference("#nowhere"));

    final Condition condition = new Condition();
    condition.setSubject(new Reference("Patient/p1"));
    condition.setOnset(new Age().setValue(42).setSystem("http://unitsofmeasure.org").setCode("a"));
    condition.setAbatement(new StringType("in remission"));

    final PlanDefinition plan = new PlanDefinition();
    plan.addRelatedArtifact().setType(RelatedArtifact.RelatedArtifactType.DEPENDSON).setResource("http://example.org/Library/lib");
    plan.addRelatedArtifact().setType(RelatedArtifact.RelatedArtifactType.COMPOSEDOF).setResource("http://example.org/Library/part");
    return List.of(patient, observation, condition, plan);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("resources")
  void walkingGivesTheEnginesRows(final Resource resource) {
    final List<IndexedParam> expected = ENGINE_ONLY.extract(resource.copy());

    final List<IndexedParam> walked = WALKING.extract(resource.copy());

    assertThat(walked).containsExactlyElementsOf(expected);
  }
}
