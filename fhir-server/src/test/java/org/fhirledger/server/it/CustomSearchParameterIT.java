package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fhirledger.server.cli.LocalNetwork;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom search parameters on a 4-hospital network, through HAPI's generic client: a SearchParameter posted at one
 * hospital becomes, once each hospital has reindexed what was written before it ({@code reindex} in
 * {@code $ledger-status}), a parameter every hospital searches alike; the ig module's parameters work from the start.
 */
class CustomSearchParameterIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String MAIDEN_NAME = "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName";
  private static final String CODE = "mothers-maiden-name";
  private static final String URL = "http://example.org/fhir/SearchParameter/patient-mothers-maiden-name";
  /** More than one reindex batch (200) of patients written before the parameter. */
  private static final int FILLERS = 230;

  @TempDir
  static Path dir;
  private static LocalNetwork network;

  @BeforeAll
  static void startNetwork() throws Exception {
    network = Hospitals.start(dir, Map.of());
  }

  @AfterAll
  static void stopNetwork() {
    if (network != null) {
      network.close();
    }
  }

  private static IGenericClient client(final int node) {
    return Hospitals.client(network, node);
  }

  private static String create(final int node, final Resource r) {
    return client(node).create().resource(r).execute().getId().toUnqualifiedVersionless().getIdPart();
  }

  private static Patient patient(final String family, final String maidenName) {
    final Patient p = new Patient();
    p.addName().setFamily(family);
    if (maidenName != null) {
      p.addExtension(MAIDEN_NAME, new StringType(maidenName));
    }
    return p;
  }

  private static List<String> ids(final int node, final String query) {
    final Bundle b = client(node).search().byUrl(query).returnBundle(Bundle.class).execute();
    assertThat(b.getLink(Bundle.LINK_NEXT)).as("one page").isNull();
    return b.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
  }

  private static Parameters status(final int node) {
    return client(node).operation().onServer().named("$ledger-status").withNoParameters(Parameters.class).execute();
  }

  private static Optional<ParametersParameterComponent> reindex(final Parameters status, final String code) {
    return status.getParameter().stream().filter(p -> p.getName().equals("reindex"))
        .filter(p -> part(p, "parameter").equals(code)).findFirst();
  }

  private static String part(final ParametersParameterComponent p, final String name) {
    return p.getPart().stream().filter(x -> x.getName().equals(name)).findFirst().map(x -> x.getValue().primitiveValue()).orElse("");
  }

  @Test
  void aPostedSearchParameterFindsResourcesWrittenBeforeAndAfterItAtEveryHospital() {
    final String smith = create(1, patient("A", "Smith"));
    final String smythe = create(1, patient("B", "Smythe"));
    final String jones = create(3, patient("C", "Jones"));
    final Bundle fillers = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < FILLERS; i++) {
      fillers.addEntry().setResource(patient("Filler" + i, null)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    }
    client(2).transaction().withBundle(fillers).execute();
    Hospitals.awaitAllAtHeightOf(network, 2);
    assertThatThrownBy(() -> ids(2, "Patient?" + CODE + "=Smith")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("'" + CODE + "' is not supported");

    final SearchParameter sp = new SearchParameter();
    sp.setUrl(URL).setName("MothersMaidenName").setStatus(Enumerations.PublicationStatus.ACTIVE).setDescription("Mother's maiden name")
        .setCode(CODE).setType(Enumerations.SearchParamType.STRING).setExpression("Patient.extension('" + MAIDEN_NAME + "').value");
    sp.addBase("Patient");
    final String spId = create(0, sp);
    final long activation = network.node(0).node().ledger().store().head("SearchParameter", spId).orElseThrow().height();
    // written after the parameter: the live indexer gives it the parameter's rows
    final String smithson = create(3, patient("D", "Smithson"));

    await().atMost(WAIT).until(() -> reindex(status(2), CODE).map(r -> part(r, "state").equals("done")).orElse(false));
    final ParametersParameterComponent done = reindex(status(2), CODE).orElseThrow();
    assertThat(part(done, "url")).isEqualTo(URL);
    assertThat(part(done, "base")).isEqualTo("Patient");
    assertThat(part(done, "height")).isEqualTo(Long.toString(activation));
    // every patient written before it (the other test's too, should it have run first), in two batches or more
    assertThat(Integer.parseInt(part(done, "resourcesDone"))).isGreaterThanOrEqualTo(FILLERS + 3);
    assertThat(part(done, "resourcesDone")).isEqualTo(part(done, "resourcesTotal"));

    assertThat(ids(2, "Patient?" + CODE + "=Smith&_sort=_id")).containsExactlyInAnyOrder(smith, smithson);
    assertThat(ids(2, "Patient?" + CODE + ":exact=Smith")).containsExactly(smith);
    assertThat(ids(2, "Patient?" + CODE + "=smy,jon")).containsExactlyInAnyOrder(smythe, jones);
    assertThat(ids(2, "Patient?" + CODE + ":missing=false&_sort=-" + CODE)).containsExactly(smythe, smithson, smith, jones);
    // every hospital decided the activation from the chain, so all answer alike once their reindex is done
    for (int node = 0; node < 4; node++) {
      final int n = node;
      await().atMost(WAIT).until(() -> reindex(status(n), CODE).map(r -> part(r, "state").equals("done")).orElse(false));
      assertThat(part(reindex(status(n), CODE).orElseThrow(), "height")).isEqualTo(Long.toString(activation));
      assertThat(ids(n, "Patient?" + CODE + "=Smith")).as("node %d", n).containsExactlyInAnyOrder(smith, smithson);
    }

    // CapabilityStatement (first generated at this node now, so it lists the parameter)
    final CapabilityStatementRestResourceComponent patient = patientCapabilities(2);
    final CapabilityStatementRestResourceSearchParamComponent custom =
        patient.getSearchParam().stream().filter(p -> p.getName().equals(CODE)).findFirst().orElseThrow();
    assertThat(custom.getDefinition()).isEqualTo(URL);
    assertThat(custom.getType()).isEqualTo(Enumerations.SearchParamType.STRING);

    // retired by a new version: the parameter is gone at every hospital
    client(0).update().resource(sp.setStatus(Enumerations.PublicationStatus.RETIRED).setId(new IdType("SearchParameter", spId))).execute();
    Hospitals.awaitAllAtHeightOf(network, 0);
    await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> ids(1, "Patient?" + CODE + "=Smith"))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("is not supported"));
    await().atMost(WAIT).until(() -> reindex(status(1), CODE).isEmpty());
  }

  @Test
  void theIgParametersSearchFromTheStartAndTheCapabilityStatementListsIncludesAndChains() {
    final Patient bornInBoston = patient("E", null);
    bornInBoston.addExtension("http://hl7.org/fhir/StructureDefinition/patient-birthPlace", new Address().setCity("Boston").setState("MA"));
    final String boston = create(0, bornInBoston);
    create(0, patient("F", null));
    final Observation high = new Observation();
    high.setStatus(Observation.ObservationStatus.FINAL);
    high.getCode().addCoding().setSystem("http://loinc.org").setCode("2339-0");
    high.addInterpretation(new CodeableConcept().addCoding(
        new Coding("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "H", "High")));
    final String highId = create(0, high);
    Hospitals.awaitAllAtHeightOf(network, 0);

    assertThat(ids(3, "Patient?birthplace=bost")).containsExactly(boston);
    assertThat(ids(3, "Patient?birthplace=MA")).containsExactly(boston);
    assertThat(ids(3, "Observation?interpretation=http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation|H")).containsExactly(highId);
    assertThat(reindex(status(3), "birthplace")).hasValueSatisfying(r -> {
      assertThat(part(r, "state")).isEqualTo("done");
      assertThat(part(r, "height")).isEqualTo("0");
    });

    final CapabilityStatementRestResourceComponent patient = patientCapabilities(3);
    assertThat(patient.getSearchParam()).filteredOn(p -> p.getName().equals("birthplace")).singleElement()
        .satisfies(p -> assertThat(p.getDefinition()).isEqualTo("http://fhirledger.org/fhir/SearchParameter/patient-birthplace"));
    assertThat(patient.getSearchInclude()).extracting(s -> s.getValue()).contains("*", "Patient:general-practitioner", "Patient:organization");
    assertThat(patient.getSearchRevInclude()).extracting(s -> s.getValue()).contains("Observation:subject", "Encounter:patient");
    final CapabilityStatementRestResourceSearchParamComponent gp =
        patient.getSearchParam().stream().filter(p -> p.getName().equals("general-practitioner")).findFirst().orElseThrow();
    assertThat(gp.getExtension()).extracting(e -> e.getValue().primitiveValue())
        .containsExactly("Organization", "Practitioner", "PractitionerRole");
  }

  private static CapabilityStatementRestResourceComponent patientCapabilities(final int node) {
    final CapabilityStatement cs = client(node).capabilities().ofType(CapabilityStatement.class).execute();
    return cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Patient")).findFirst().orElseThrow();
  }
}
