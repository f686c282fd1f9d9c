package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.api.SearchStyleEnum;
import ca.uhn.fhir.rest.api.SearchTotalModeEnum;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.ReferenceClientParam;
import ca.uhn.fhir.rest.gclient.StringClientParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.fhirledger.server.cli.LocalNetwork;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Result shaping and navigation through HAPI's generic client on a 4-hospital network: chains and _has, _include
 * and _revinclude, _sort, _total, _summary=count, _elements, _count limits, POST _search, Patient $everything,
 * page links that expire (the network is started with 20 s links), the SQL statements a search costs, and paging
 * while other hospitals write.
 */
class SearchNavigationIT {
  private static final String LOINC = "http://loinc.org";
  private static final int MAX_PAGE_SIZE = 50;
  private static final int LINK_TTL_SECONDS = 20;
  @TempDir
  static Path dir;
  private static LocalNetwork network;
  private static String parentOrg;
  private static String childOrg;
  private static String adams;
  private static String baker;
  private static String adamson;
  private static String encounterA;
  private static String encounterB;
  private static final List<String> adamsObservations = new ArrayList<>();
  private static String bakerObservation;

  @BeforeAll
  static void startNetworkAndWriteAClinic() throws Exception {
    network = Hospitals.start(dir, Map.of("fhirledger.node.search-max-page-size", String.valueOf(MAX_PAGE_SIZE),
        "fhirledger.node.search-page-link-ttl-seconds", String.valueOf(LINK_TTL_SECONDS)));
    parentOrg = create(0, organization("Navmercy Health", null));
    childOrg = create(0, organization("Navmercy Clinic", parentOrg));
    adams = create(0, patient("Navadams", "1970-01-01", childOrg));
    baker = create(0, patient("Navbaker", "1980-01-01", parentOrg));
    adamson = create(0, patient("Navadamson", "1990-01-01", null));
    encounterA = create(0, encounter(adams));
    encounterB = create(0, encounter(baker));
    adamsObservations.add(create(0, observation(adams, encounterA, "8867-4")));
    adamsObservations.add(create(0, observation(adams, null, "29463-7")));
    bakerObservation = create(0, observation(baker, encounterB, "8867-4"));
    awaitIndexedEverywhere(0);
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

  private static void awaitIndexedEverywhere(final int writer) {
    final long height = network.node(writer).node().ledger().store().height();
    await().atMost(Duration.ofSeconds(30)).until(() -> network.nodes().stream().allMatch(n -> n.node().index().indexedHeight() >= height));
  }

  private static String create(final int node, final Resource r) {
    return client(node).create().resource(r).execute().getId().toUnqualifiedVersionless().getValue();
  }

  private static Organization organization(final String name, final String partOf) {
    final Organization o = new Organization();
    o.setName(name);
    if (partOf != null) {
      o.setPartOf(new Reference(partOf));
    }
    return o;
  }

  private static Patient patient(final String family, final String birthDate, final String org) {
    final Patient p = new Patient();
    p.addName().setFamily(family).addGiven("Given");
    p.setBirthDateElement(new DateType(birthDate));
    if (org != null) {
      p.setManagingOrganization(new Reference(org));
    }
    return p;
  }

  private static Encounter encounter(final String subject) {
    final Encounter e = new Encounter();
    e.setStatus(Encounter.EncounterStatus.FINISHED);
    e.setSubject(new Reference(subject));
    return e;
  }

  private static Observation observation(final String subject, final String encounter, final String code) {
    final Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setSubject(new Reference(subject));
    if (encounter != null) {
      o.setEncounter(new Reference(encounter));
    }
    o.setCode(new CodeableConcept().addCoding(new Coding(LOINC, code, null)));
    return o;
  }

  private static List<String> ids(final Bundle b, final Bundle.SearchEntryMode mode) {
    return b.getEntry().stream().filter(e -> e.getSearch().getMode() == mode)
        .map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue()).toList();
  }

  private static List<String> matches(final Bundle b) {
    return ids(b, Bundle.SearchEntryMode.MATCH);
  }

  private static Bundle search(final int node, final String url) {
    return client(node).search().byUrl(url).returnBundle(Bundle.class).execute();
  }

  @Test
  void chainedParametersAndReverseChainsAtEveryHospital() {
    final Bundle chained = client(1).search().forResource(Observation.class)
        .where(Observation.SUBJECT.hasChainedProperty("Patient", Patient.FAMILY.matchesExactly().value("Navadams")))
        .returnBundle(Bundle.class).execute();
    assertThat(matches(chained)).containsExactlyInAnyOrderElementsOf(adamsObservations);
    assertThat(matches(search(2, "Observation?encounter.subject:Patient.family=navbaker"))).containsExactly(bakerObservation);
    assertThat(matches(search(3, "Observation?patient.organization.partof.name=navmercy%20health&_sort=_lastUpdated")))
        .containsExactlyElementsOf(adamsObservations);
    assertThat(matches(search(1, "Patient?_has:Observation:patient:code=8867-4&_sort=family"))).containsExactly(adams, baker);
    assertThat(matches(search(2, "Organization?_has:Patient:organization:_has:Observation:patient:code=29463-7"))).containsExactly(childOrg);
    assertThatThrownBy(() -> search(0, "Observation?subject.name=navadams")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("ambiguous");
  }

  @Test
  void includesComeWithTheirPageMarkedIncludeAndNeverTwice() {
    final Bundle withPatients = client(1).search().forResource(Observation.class)
        .where(Observation.PATIENT.hasAnyOfIds(adams, baker)).include(Observation.INCLUDE_PATIENT).include(Observation.INCLUDE_ENCOUNTER)
        .sort().ascending("_lastUpdated").returnBundle(Bundle.class).execute();
    assertThat(matches(withPatients)).containsExactly(adamsObservations.get(0), adamsObservations.get(1), bakerObservation);
    assertThat(ids(withPatients, Bundle.SearchEntryMode.INCLUDE)).containsExactlyInAnyOrder(adams, baker, encounterA, encounterB);
    assertThat(withPatients.getTotal()).isEqualTo(3);

    final Bundle revAndIterate = client(2).search().forResource(Patient.class).where(new StringClientParam("_id").matches().value(
            new IdType(adams).getIdPart())).revInclude(Observation.INCLUDE_PATIENT).include(new Include("Patient:organization"))
        .include(new Include("Organization:partof").asRecursive()).returnBundle(Bundle.class).execute();
    assertThat(matches(revAndIterate)).containsExactly(adams);
    assertThat(ids(revAndIterate, Bundle.SearchEntryMode.INCLUDE))
        .containsExactlyInAnyOrder(adamsObservations.get(0), adamsObservations.get(1), childOrg, parentOrg);

    // paged: each page carries the includes of its own matches, and no page repeats a resource
    Bundle page = search(3, "Observation?patient=" + new IdType(adams).getIdPart() + "," + new IdType(baker).getIdPart()
        + "&_include=Observation:patient&_sort=_lastUpdated&_count=2");
    final List<String> allMatches = new ArrayList<>(matches(page));
    assertThat(ids(page, Bundle.SearchEntryMode.INCLUDE)).containsExactly(adams);
    page = client(3).loadPage().next(page).execute();
    allMatches.addAll(matches(page));
    assertThat(ids(page, Bundle.SearchEntryMode.INCLUDE)).containsExactly(baker);
    assertThat(page.getLink(Bundle.LINK_NEXT)).isNull();
    assertThat(allMatches).containsExactly(adamsObservations.get(0), adamsObservations.get(1), bakerObservation);
  }

  @Test
  void sortOnSeveralParametersWithDescendingKeys() {
    final Bundle byFamily = client(0).search().forResource(Patient.class).where(Patient.FAMILY.matches().value("nav"))
        .sort().descending(Patient.FAMILY).returnBundle(Bundle.class).execute();
    assertThat(matches(byFamily)).containsExactly(baker, adamson, adams);
    assertThat(matches(search(1, "Patient?family=nav&_sort=-birthdate"))).containsExactly(adamson, baker, adams);
    assertThat(matches(search(1, "Observation?patient=" + new IdType(adams).getIdPart() + "&_sort=-code,_id")))
        .containsExactly(adamsObservations.get(0), adamsObservations.get(1));
  }

  @Test
  void totalsSummaryCountElementsAndCountLimits() {
    final Bundle estimate = client(2).search().forResource(Patient.class).where(Patient.FAMILY.matches().value("nav"))
        .totalMode(SearchTotalModeEnum.ESTIMATED).returnBundle(Bundle.class).execute();
    assertThat(estimate.getTotal()).isEqualTo(3);
    final Bundle none = search(2, "Patient?family=nav&_total=none");
    assertThat(none.hasTotal()).isFalse();
    assertThat(matches(none)).hasSize(3);

    final Bundle count = client(3).search().forResource(Patient.class).where(Patient.FAMILY.matches().value("nav"))
        .summaryMode(SummaryEnum.COUNT).returnBundle(Bundle.class).execute();
    assertThat(count.getTotal()).isEqualTo(3);
    assertThat(count.getEntry()).isEmpty();
    assertThat(search(3, "Patient?family=nav&_summary=count&_total=none").getTotal()).isEqualTo(3);

    final Bundle elements = client(0).search().forResource(Patient.class).where(Patient.FAMILY.matches().value("navbaker"))
        .elementsSubset("name").returnBundle(Bundle.class).execute();
    final Patient slim = (Patient) elements.getEntryFirstRep().getResource();
    assertThat(slim.getNameFirstRep().getFamily()).isEqualTo("Navbaker");
    assertThat(slim.hasBirthDate()).isFalse();
    assertThat(slim.hasManagingOrganization()).isFalse();

    // _count above the node's maximum is cut to it; _count=0 answers the total only
    final Bundle big = search(1, "Observation?_count=" + (MAX_PAGE_SIZE * 10));
    assertThat(big.getEntry().size()).isLessThanOrEqualTo(MAX_PAGE_SIZE);
    final Bundle zero = search(1, "Patient?family=nav&_count=0");
    assertThat(zero.getTotal()).isEqualTo(3);
    assertThat(zero.getEntry()).isEmpty();
  }

  @Test
  void postSearchWithAFormBodyAnswersAsGetDoes() {
    final Bundle get = client(1).search().forResource(Observation.class)
        .where(Observation.SUBJECT.hasChainedProperty("Patient", Patient.FAMILY.matches().value("navadams")))
        .include(Observation.INCLUDE_PATIENT).sort().ascending("_id").returnBundle(Bundle.class).execute();
    final Bundle post = client(1).search().forResource(Observation.class)
        .where(Observation.SUBJECT.hasChainedProperty("Patient", Patient.FAMILY.matches().value("navadams")))
        .include(Observation.INCLUDE_PATIENT).sort().ascending("_id").usingStyle(SearchStyleEnum.POST).returnBundle(Bundle.class).execute();
    assertThat(matches(post)).isNotEmpty().isEqualTo(matches(get));
    assertThat(ids(post, Bundle.SearchEntryMode.INCLUDE)).isEqualTo(ids(get, Bundle.SearchEntryMode.INCLUDE));

    final RawFhirHttp http = new RawFhirHttp(network.node(2).fhirBaseUrl());
    final HttpResponse<String> raw = http.send("POST", "/Patient/_search", "family=navada&_sort=family",
        "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/fhir+json");
    RawFhirHttp.assertStatus(raw, 200);
    final Bundle fromForm = Hospitals.FHIR.newJsonParser().parseResource(Bundle.class, raw.body());
    assertThat(matches(fromForm)).containsExactly(adams, adamson);
  }

  @Test
  void patientEverythingIsThePatientAndItsCompartmentPaged() {
    final Bundle first = client(3).operation().onInstance(new IdType(adams)).named("$everything")
        .withParameter(Parameters.class, "_count", new IntegerType(2)).useHttpGet().returnResourceType(Bundle.class).execute();
    final List<String> all = new ArrayList<>(ids(first, Bundle.SearchEntryMode.MATCH));
    assertThat(all).hasSize(2).startsWith(adams);
    Bundle page = first;
    while (page.getLink(Bundle.LINK_NEXT) != null) {
      page = client(3).loadPage().next(page).execute();
      all.addAll(ids(page, Bundle.SearchEntryMode.MATCH));
    }
    assertThat(all).doesNotHaveDuplicates()
        .containsExactlyInAnyOrder(adams, encounterA, adamsObservations.get(0), adamsObservations.get(1));
    assertThat(first.getTotal()).isEqualTo(4);
    assertThatThrownBy(() -> client(0).operation().onInstance(new IdType("Patient", "no-such-patient")).named("$everything")
        .withNoParameters(Parameters.class).useHttpGet().returnResourceType(Bundle.class).execute())
        .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException.class);
  }

  @Test
  void aSearchCostsTheSameFewSqlStatementsWhateverTheNumberOfMatchesAndIncludes() {
    final var index = network.node(1).node().index();
    final long before = index.statementsExecuted();
    search(1, "Observation?patient=" + new IdType(adams).getIdPart() + "&_include=Observation:patient&_include=Observation:encounter");
    final long small = index.statementsExecuted() - before;
    final long beforeLarger = index.statementsExecuted();
    final Bundle larger = search(1, "Observation?code=8867-4,29463-7&_include=Observation:patient&_include=Observation:encounter"
        + "&_revinclude=Provenance:target");
    final long large = index.statementsExecuted() - beforeLarger;
    assertThat(matches(larger)).hasSizeGreaterThanOrEqualTo(3);
    // the indexed height, the count, the page, one statement for all the includes of the page
    assertThat(small).isEqualTo(4);
    assertThat(large).isEqualTo(4);
    final long beforeChain = index.statementsExecuted();
    search(1, "Observation?encounter.subject:Patient.family=navbaker&_sort=-code&_total=none");
    assertThat(index.statementsExecuted() - beforeChain).as("height and page").isEqualTo(2);
  }

  @Test
  void pageLinksExpireWithA410ThatSaysSo() {
    final Bundle first = search(0, "Patient?family=nav&_count=1");
    assertThat(first.getLink(Bundle.LINK_NEXT)).isNotNull();
    assertThat(client(0).loadPage().next(first).execute().getEntry()).hasSize(1);
    await().atMost(Duration.ofSeconds(LINK_TTL_SECONDS * 4L)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThatThrownBy(() -> client(0).loadPage().next(first).execute()).isInstanceOf(ResourceGoneException.class)
            .hasMessageContaining("expired"));
    // a link of another node's search is unknown here
    final String otherNodesLink = search(0, "Patient?family=nav&_count=1").getLink(Bundle.LINK_NEXT).getUrl()
        .replace(network.node(0).fhirBaseUrl(), network.node(1).fhirBaseUrl());
    assertThat(otherNodesLink).startsWith(network.node(1).fhirBaseUrl());
    assertThatThrownBy(() -> client(1).loadPage().byUrl(otherNodesLink).andReturnBundle(Bundle.class).execute())
        .isInstanceOf(ResourceGoneException.class).hasMessageContaining("not known at this node");
  }

  @Test
  void pagesNeitherRepeatNorSkipWhileOtherHospitalsWriteAndUpdate() throws Exception {
    final List<String> initial = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      initial.add(create(i % 4, patient("Loadnav", "2000-01-01", null)));
    }
    awaitIndexedEverywhere(0);
    awaitIndexedEverywhere(3);
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger writes = new AtomicInteger();
    final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch writing = new CountDownLatch(2);
    final List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      final int writer = w;
      final int node = w + 2;
      final Thread t = new Thread(() -> {
        for (int i = 0; !stop.get(); i++) {
          try {
            // new matches, and updates (each writer its own half of the initial patients) that move existing
            // matches to the front of the default newest-first order
            if (i % 2 == 0) {
              create(node, patient("Loadnav", "2000-01-01", null));
            } else {
              final String id = initial.get((2 * i + writer) % initial.size());
              final Patient p = client(node).read().resource(Patient.class).withId(new IdType(id).toVersionless()).execute();
              p.setBirthDateElement(new DateType("2001-01-" + String.format("%02d", 1 + i % 28)));
              p.setIdElement(p.getIdElement().toVersionless());
              client(node).update().resource(p).execute();
            }
            writes.incrementAndGet();
          } catch (final RuntimeException e) {
            failures.add(e);
          }
          if (i == 1) {
            writing.countDown();
          }
        }
      }, "writer-" + w);
      t.start();
      writers.add(t);
    }
    try {
      assertThat(writing.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("writers started").isTrue();
      Bundle page = search(1, "Patient?family=loadnav&_count=5");
      final int total = page.getTotal();
      final List<String> seen = new ArrayList<>(matches(page));
      while (page.getLink(Bundle.LINK_NEXT) != null) {
        page = client(1).loadPage().next(page).execute();
        assertThat(page.getTotal()).isEqualTo(total);
        seen.addAll(matches(page));
      }
      assertThat(seen).doesNotHaveDuplicates().hasSize(total).containsAll(initial);
      assertThat(writes.get()).isGreaterThan(2);
      assertThat(failures).isEmpty();
    } finally {
      stop.set(true);
      for (final Thread t : writers) {
        t.join(60_000);
      }
    }
  }
}
