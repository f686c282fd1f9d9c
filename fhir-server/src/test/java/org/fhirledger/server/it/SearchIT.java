package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fhirledger.server.cli.LocalNetwork;
import org.fhirledger.server.config.FhirContexts;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Search through HAPI's generic client against a 4-hospital network: data written at one hospital is found by
 * searches at the others, and a search's pages stay put while new resources are written between them.
 */
class SearchIT {
  private static final FhirContext FHIR = FhirContexts.r4();
  private static final String MRN = "urn:oid:2.16.840.1.113883.4.642.77";
  private static final String LOINC = "http://loinc.org";
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

  /** Waits until every node has indexed what node {@code writer} has applied. */
  private static void awaitIndexedEverywhere(final int writer) {
    final long height = network.node(writer).node().ledger().store().height();
    await().atMost(Duration.ofSeconds(30)).until(() -> network.nodes().stream().allMatch(n -> n.node().index().indexedHeight() >= height));
  }

  private static String create(final int node, final org.hl7.fhir.r4.model.Resource r) {
    return client(node).create().resource(r).execute().getId().toUnqualifiedVersionless().getValue();
  }

  private static Patient patient(final String mrn, final String family, final String birthDate) {
    final Patient p = new Patient();
    p.addIdentifier().setSystem(MRN).setValue(mrn);
    p.addName().setFamily(family).addGiven("Test");
    p.setBirthDateElement(new DateType(birthDate));
    return p;
  }

  private static List<String> ids(final Bundle b) {
    return b.getEntry().stream().map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue()).toList();
  }

  private static Bundle search(final int node, final String url) {
    return client(node).search().byUrl(url).returnBundle(Bundle.class).execute();
  }

  @Test
  void patientsWrittenAtOneHospitalAreFoundByIdentifierNameAndBirthdateAtTheOthers() {
    final String muller = create(0, patient("s1-1", "Qxmüller", "1970-03-04"));
    final String mueller = create(0, patient("s1-2", "QXMUELLER", "1980-12-31"));
    final String smith = create(0, patient("s1-3", "Qxsmith", "1970-11-20"));
    awaitIndexedEverywhere(0);

    final Bundle byIdentifier = client(1).search().forResource(Patient.class)
        .where(Patient.IDENTIFIER.exactly().systemAndCode(MRN, "s1-2")).returnBundle(Bundle.class).execute();
    assertThat(ids(byIdentifier)).containsExactly(mueller);
    assertThat(byIdentifier.getTotal()).isEqualTo(1);

    assertThat(ids(search(2, "Patient?family=qxmu&_sort=_lastUpdated"))).containsExactly(muller, mueller);
    assertThat(ids(search(2, "Patient?family=QXMÜ"))).containsExactlyInAnyOrder(muller, mueller);
    assertThat(ids(search(2, "Patient?family:exact=Qxmüller"))).containsExactly(muller);
    assertThat(ids(search(3, "Patient?family=qx&birthdate=1970&_sort=_lastUpdated"))).containsExactly(muller, smith);
    assertThat(ids(search(3, "Patient?family=qx&birthdate=gt1970-03-04&_sort=_lastUpdated"))).containsExactly(mueller, smith);
    assertThat(ids(search(3, "Patient?family=qx&birthdate=lt1970-11-20"))).containsExactly(muller);
    assertThat(ids(search(3, "Patient?family=qx&birthdate=ge1970-01-01&birthdate=le1970-12-31&_sort=_lastUpdated")))
        .containsExactly(muller, smith);
  }

  @Test
  void observationsAreFoundBySubjectReferenceAndCodeToken() {
    final String patient = create(1, patient("s2-1", "Qyobs", "1990-01-01"));
    final String other = create(1, patient("s2-2", "Qyobs", "1990-01-01"));
    final String heartRate = create(1, observation(patient, "8867-4"));
    final String bodyWeight = create(1, observation(patient, "29463-7"));
    final String othersHeartRate = create(1, observation(other, "8867-4"));
    awaitIndexedEverywhere(1);

    final Bundle bySubject = client(0).search().forResource(Observation.class)
        .where(Observation.SUBJECT.hasId(patient)).returnBundle(Bundle.class).execute();
    assertThat(ids(bySubject)).containsExactlyInAnyOrder(heartRate, bodyWeight);
    final Bundle bySubjectAndCode = client(2).search().forResource(Observation.class)
        .where(Observation.SUBJECT.hasId(patient)).and(Observation.CODE.exactly().systemAndCode(LOINC, "8867-4"))
        .returnBundle(Bundle.class).execute();
    assertThat(ids(bySubjectAndCode)).containsExactly(heartRate);
    assertThat(ids(search(3, "Observation?patient=" + new IdType(other).getIdPart()))).containsExactly(othersHeartRate);
    assertThat(ids(search(3, "Observation?subject=" + patient + "&code:not=" + LOINC + "|8867-4"))).containsExactly(bodyWeight);
  }

  private static Observation observation(final String subject, final String loinc) {
    final Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setSubject(new Reference(subject));
    o.setCode(new CodeableConcept().addCoding(new Coding(LOINC, loinc, null)));
    return o;
  }

  @Test
  void lastUpdatedSelectsByTheTimeTheServerRecorded() {
    final String first = create(2, patient("s3-1", "Qzlast", "2000-01-01"));
    awaitIndexedEverywhere(2);
    final String second = create(2, patient("s3-2", "Qzlast", "2000-01-01"));
    awaitIndexedEverywhere(2);
    final Patient read = client(0).read().resource(Patient.class).withId(second).execute();
    final String at = java.net.URLEncoder.encode(new InstantType(read.getMeta().getLastUpdated()).getValueAsString(),
        java.nio.charset.StandardCharsets.UTF_8);

    assertThat(ids(search(0, "Patient?family=qzlast&_lastUpdated=ge" + at))).containsExactly(second);
    assertThat(ids(search(0, "Patient?family=qzlast&_lastUpdated=lt" + at))).containsExactly(first);
    assertThat(ids(search(0, "Patient?family=qzlast&_sort=-_lastUpdated"))).containsExactly(second, first);
  }

  @Test
  void pagesOfASearchDoNotShiftWhenResourcesAreWrittenBetweenThem() {
    final Set<String> written = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      written.add(create(0, patient("s4-" + i, "Qwpager", "2001-01-01")));
    }
    awaitIndexedEverywhere(0);

    Bundle page = search(1, "Patient?family=qwpager&_count=3");
    assertThat(page.getTotal()).isEqualTo(7);
    final List<String> seen = new ArrayList<>(ids(page));
    // Newest-first order: without pinning, these would push the first page's rows onto the next pages.
    for (int i = 0; i < 3; i++) {
      create(0, patient("s4-late-" + i, "Qwpager", "2001-01-01"));
    }
    awaitIndexedEverywhere(0);
    while (page.getLink(Bundle.LINK_NEXT) != null) {
      page = client(1).loadPage().next(page).execute();
      assertThat(page.getTotal()).isEqualTo(7);
      seen.addAll(ids(page));
    }

    assertThat(seen).doesNotHaveDuplicates().hasSize(7);
    assertThat(new HashSet<>(seen)).isEqualTo(written);
    assertThat(search(1, "Patient?family=qwpager&_count=3").getTotal()).isEqualTo(10);
  }

  @Test
  void unknownParametersAreRejectedUnlessHandlingIsLenientAndTotalNoneOmitsTheTotal() {
    create(3, patient("s5-1", "Qvlenient", "2002-01-01"));
    awaitIndexedEverywhere(3);

    assertThatThrownBy(() -> search(0, "Patient?family=qvlenient&nonsense=1"))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("nonsense");
    final Bundle lenient = client(0).search().byUrl("Patient?family=qvlenient&nonsense=1").withAdditionalHeader("Prefer", "handling=lenient")
        .returnBundle(Bundle.class).execute();
    assertThat(lenient.getEntry()).hasSize(1);
    final Bundle noTotal = search(0, "Patient?family=qvlenient&_total=none");
    assertThat(noTotal.hasTotal()).isFalse();
    assertThat(noTotal.getEntry()).hasSize(1);
  }

  @Test
  void theCapabilityStatementListsTheSupportedSearchParameters() {
    final org.hl7.fhir.r4.model.CapabilityStatement cs =
        client(0).capabilities().ofType(org.hl7.fhir.r4.model.CapabilityStatement.class).execute();
    final List<String> patientParams = cs.getRestFirstRep().getResource().stream().filter(r -> "Patient".equals(r.getType()))
        .flatMap(r -> r.getSearchParam().stream()).map(p -> p.getName()).toList();
    assertThat(patientParams).contains("_id", "_lastUpdated", "identifier", "family", "birthdate", "general-practitioner")
        .doesNotContain("near", "_content").doesNotHaveDuplicates();
  }
}
