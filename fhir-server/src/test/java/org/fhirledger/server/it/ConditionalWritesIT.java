package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.server.cli.LocalNetwork;
import org.fhirledger.server.config.FhirContexts;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conditional operations, referential integrity and Bundles against a 4-hospital network, through HAPI's
 * generic client. The races that FHIR servers' issue trackers are full of (duplicate conditional creates,
 * lost updates) are run here with concurrent clients at different hospitals: the ledger decides them once,
 * the same way on every node.
 */
class ConditionalWritesIT {
  private static final FhirContext FHIR = FhirContexts.r4();
  private static final String SYSTEM = "urn:oid:2.16.840.1.113883.4.642.99";
  @TempDir
  static Path dir;
  private static LocalNetwork network;
  private static ExecutorService clients;

  @BeforeAll
  static void startNetwork() throws Exception {
    network = Hospitals.start(dir, Map.of("fhirledger.node.cascade-delete", "true"));
    clients = Executors.newFixedThreadPool(50);
  }

  @AfterAll
  static void stopNetwork() {
    if (clients != null) {
      clients.shutdownNow();
    }
    if (network != null) {
      network.close();
    }
  }

  private static IGenericClient client(final int node) {
    return Hospitals.client(network, node);
  }

  private static List<LedgerStore> stores() {
    return network.nodes().stream().map(n -> n.node().ledger().store()).toList();
  }

  private static void awaitAllAtHeightOf(final int node) {
    Hospitals.awaitAllAtHeightOf(network, node);
  }

  private static Patient patient(final String mrn) {
    final Patient p = new Patient();
    p.addIdentifier().setSystem(SYSTEM).setValue(mrn);
    p.addName().setFamily("Cond-" + mrn);
    return p;
  }

  private static String criteria(final String mrn) {
    return "Patient?identifier=" + SYSTEM + "|" + mrn;
  }

  @Test
  void aConditionalCreateReturnsTheExistingResourceAtAnyHospital() {
    final MethodOutcome first = client(0).create().resource(patient("cc-1")).conditionalByUrl(criteria("cc-1")).execute();
    assertThat(first.getCreated()).isTrue();
    awaitAllAtHeightOf(0);
    final MethodOutcome second = client(2).create().resource(patient("cc-1")).conditionalByUrl(criteria("cc-1")).execute();
    assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
    assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
  }

  @Test
  void fiftyConcurrentConditionalCreatesAtFourHospitalsGiveExactlyOnePatient() throws Exception {
    final CountDownLatch start = new CountDownLatch(1);
    final List<Future<MethodOutcome>> results = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      final int node = i % 4;
      results.add(clients.submit(() -> {
        start.await();
        return client(node).create().resource(patient("race-1")).conditionalByUrl(criteria("race-1")).execute();
      }));
    }
    start.countDown();
    final Set<String> ids = new HashSet<>();
    int created = 0;
    for (final Future<MethodOutcome> r : results) {
      final MethodOutcome o = r.get(120, TimeUnit.SECONDS);
      ids.add(o.getId().getIdPart());
      created += Boolean.TRUE.equals(o.getCreated()) ? 1 : 0;
    }
    assertThat(ids).as("every client is told about the same patient").hasSize(1);
    assertThat(created).as("exactly one client created it").isEqualTo(1);
    for (int n = 0; n < 4; n++) {
      awaitAllAtHeightOf(n);
    }
    for (final LedgerStore s : stores()) {
      assertThat(s.idsWithKey("Patient", "identifier=" + SYSTEM + "|race-1")).containsExactlyElementsOf(ids);
    }
    FhirAssertions.assertIdenticalCertifiedChains(network.node(0).node().genesis(), stores());
  }

  @Test
  void fiftyConcurrentIfMatchUpdatesHaveOneWinnerPerVersionAndLoseNoWrite() throws Exception {
    final IdType id = (IdType) client(0).create().resource(patient("im-1")).execute().getId().toUnqualifiedVersionless();
    awaitAllAtHeightOf(0);
    final CountDownLatch start = new CountDownLatch(1);
    final Map<String, Integer> winnerOfVersion = new ConcurrentHashMap<>();
    final List<Future<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      final int clientNo = i;
      results.add(clients.submit(() -> {
        start.await();
        final IGenericClient c = client(clientNo % 4);
        int refused = 0;
        while (true) {
          final Patient current = c.read().resource(Patient.class).withId(id.getIdPart()).execute();
          current.getNameFirstRep().addGiven("c" + clientNo);
          try {
            final MethodOutcome o = c.update().resource(current).withId(current.getIdElement()) // carries If-Match
                .execute();
            final Integer previous = winnerOfVersion.putIfAbsent(o.getId().getVersionIdPart(), clientNo);
            assertThat(previous).as("two clients told they wrote version %s", o.getId().getVersionIdPart()).isNull();
            return refused;
          } catch (final PreconditionFailedException | ResourceVersionConflictException e) {
            refused++; // someone else won this version: read again, as a client must
          }
        }
      }));
    }
    start.countDown();
    int refusals = 0;
    for (final Future<Integer> r : results) {
      refusals += r.get(180, TimeUnit.SECONDS);
    }
    assertThat(refusals).as("stale If-Match writes were refused").isPositive();
    assertThat(winnerOfVersion).hasSize(50).containsOnlyKeys(versions(2, 51));
    for (int n = 0; n < 4; n++) {
      awaitAllAtHeightOf(n);
    }
    for (int n = 0; n < 4; n++) {
      final Patient last = client(n).read().resource(Patient.class).withId(id.getIdPart()).execute();
      assertThat(last.getMeta().getVersionId()).isEqualTo("51");
      assertThat(last.getNameFirstRep().getGiven()).as("no write lost").hasSize(50);
    }
  }

  private static List<String> versions(final int from, final int to) {
    final List<String> v = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      v.add(String.valueOf(i));
    }
    return v;
  }

  @Test
  void anIfMatchUpdateAtAnotherHospitalRightAfterAWriteWaitsForThatVersionInsteadOfRefusingIt() {
    for (int i = 0; i < 10; i++) {
      final MethodOutcome created = client(i % 4).create().resource(patient("next-" + i)).execute();
      final Patient next = patient("next-" + i);
      next.setId(created.getId()); // versioned id: the client sends If-Match W/"1" at once, at another hospital
      next.setActive(true);
      final MethodOutcome updated = client((i + 1) % 4).update().resource(next).withId(created.getId()).execute();
      assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");
    }
  }

  @Test
  void aConditionalUpdateCreatesUpdatesOrRefusesByTheNumberOfMatches() {
    final MethodOutcome created = client(1).update().resource(patient("cu-1")).conditionalByUrl(criteria("cu-1")).execute();
    assertThat(created.getCreated()).isTrue();
    final Patient changed = patient("cu-1");
    changed.setActive(true);
    final MethodOutcome updated = client(1).update().resource(changed).conditionalByUrl(criteria("cu-1")).execute();
    assertThat(updated.getId().getIdPart()).isEqualTo(created.getId().getIdPart());
    assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");
    client(1).create().resource(patient("cu-2")).execute();
    client(1).create().resource(patient("cu-2")).execute();
    assertThatThrownBy(() -> client(1).update().resource(patient("cu-2")).conditionalByUrl(criteria("cu-2")).execute())
        .isInstanceOf(PreconditionFailedException.class);
  }

  @Test
  void aConditionalDeleteRemovesOneMatchAndRefusesSeveral() {
    final IdType id = (IdType) client(3).create().resource(patient("cd-1")).execute().getId();
    client(3).delete().resourceConditionalByUrl(criteria("cd-1")).execute();
    assertThatThrownBy(() -> client(3).read().resource(Patient.class).withId(id.getIdPart()).execute())
        .isInstanceOf(ResourceGoneException.class);
    // nothing matches any more: nothing to do, and no error
    client(3).delete().resourceConditionalByUrl(criteria("cd-1")).execute();
    client(3).create().resource(patient("cd-2")).execute();
    client(3).create().resource(patient("cd-2")).execute();
    assertThatThrownBy(() -> client(3).delete().resourceConditionalByUrl(criteria("cd-2")).execute())
        .isInstanceOf(PreconditionFailedException.class);
  }

  @Test
  void referencesMustPointAtLiveResourcesAndReferencedResourcesCannotBeDeletedWithoutCascade() {
    final Observation dangling = observationOf("Patient/does-not-exist");
    assertThatThrownBy(() -> client(0).create().resource(dangling).execute()).isInstanceOf(UnprocessableEntityException.class);

    final IdType patient = (IdType) client(0).create().resource(patient("ri-1")).execute().getId().toUnqualifiedVersionless();
    final IdType obs = (IdType) client(0).create().resource(observationOf(patient.getValue())).execute().getId().toUnqualifiedVersionless();
    assertThatThrownBy(() -> client(0).delete().resourceById(patient).execute()).isInstanceOf(ResourceVersionConflictException.class);

    client(0).delete().resourceById(patient).withAdditionalHeader("X-Cascade", "delete").execute();
    assertThatThrownBy(() -> client(0).read().resource(Observation.class).withId(obs.getIdPart()).execute())
        .isInstanceOf(ResourceGoneException.class);
    assertThatThrownBy(() -> client(0).read().resource(Patient.class).withId(patient.getIdPart()).execute())
        .isInstanceOf(ResourceGoneException.class);
  }

  private static Observation observationOf(final String subject) {
    final Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.getCode().setText("weight");
    o.setSubject(new Reference(subject));
    return o;
  }

  @Test
  void aTransactionResolvesItsFullUrlsAndCommitsInOneBlockOrNotAtAll() {
    final Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    final Patient p = patient("tx-1");
    tx.addEntry().setFullUrl("urn:uuid:0b1c6a1e-0000-4000-8000-000000000001").setResource(p)
        .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient").setIfNoneExist("identifier=" + SYSTEM + "|tx-1");
    tx.addEntry().setResource(observationOf("urn:uuid:0b1c6a1e-0000-4000-8000-000000000001"))
        .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
    final Bundle response = client(2).transaction().withBundle(tx).execute();
    assertThat(response.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
    assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus()).containsExactly("201 Created", "201 Created");
    final String patientId = new IdType(response.getEntry().get(0).getResponse().getLocation()).toUnqualifiedVersionless().getValue();
    final IdType obsId = new IdType(response.getEntry().get(1).getResponse().getLocation());
    final Observation stored = client(2).read().resource(Observation.class).withId(obsId.getIdPart()).execute();
    assertThat(stored.getSubject().getReference()).isEqualTo(patientId);
    final LedgerStore store = network.node(2).node().ledger().store();
    final ResourceVersion pv = store.head("Patient", new IdType(patientId).getIdPart()).orElseThrow();
    final ResourceVersion ov = store.head("Observation", obsId.getIdPart()).orElseThrow();
    assertThat(pv.txHash()).as("one ledger transaction").isEqualTo(ov.txHash());

    FhirAssertions.valid(response);

    // the same Bundle again: the conditional create finds its patient, the observation is new
    final Bundle again = client(2).transaction().withBundle(tx).execute();
    FhirAssertions.valid(again);
    assertThat(again.getEntry().get(0).getResponse().getStatus()).isEqualTo("200 OK");
    assertThat(again.getEntry().get(0).getResponse().getLocation()).startsWith(patientId + "/");

    // a stale If-Match in one entry fails the whole transaction: the new patient in it is not written
    final Bundle failing = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    failing.addEntry().setResource(patient("tx-2")).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    final Patient stale = patient("tx-1");
    stale.setId(patientId);
    failing.addEntry().setResource(stale).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(patientId).setIfMatch("W/\"7\"");
    assertThatThrownBy(() -> client(2).transaction().withBundle(failing).execute())
        .isInstanceOf(PreconditionFailedException.class).hasMessageContaining("entry 1");
    assertThat(store.idsWithKey("Patient", "identifier=" + SYSTEM + "|tx-2")).isEmpty();
  }

  /**
   * Concurrent transactions that each create one patient conditionally and an Observation pointing at it by its
   * {@code urn:uuid:} full URL. All but one lose the race: their first attempt is rejected (condition-changed) and
   * resolved again. The second attempt must start from the Bundle the client sent, not from the first attempt's
   * rewritten references, or the Observation would point at the patient id of an attempt that never committed.
   */
  @Test
  void transactionsThatLoseAConditionalCreateRaceAreResolvedAgainFromTheBundleTheClientSent() throws Exception {
    final int bundles = 24;
    awaitAllAtHeightOf(0);
    final long rejectedBefore = conditionChangedRejections(network.node(0).node().ledger().store());
    final CountDownLatch start = new CountDownLatch(1);
    final List<Future<Bundle>> results = new ArrayList<>();
    for (int i = 0; i < bundles; i++) {
      final int node = i % 4;
      final String fullUrl = "urn:uuid:" + java.util.UUID.randomUUID();
      final Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      tx.addEntry().setFullUrl(fullUrl).setResource(patient("tx-race")).getRequest()
          .setMethod(Bundle.HTTPVerb.POST).setUrl("Patient").setIfNoneExist("identifier=" + SYSTEM + "|tx-race");
      tx.addEntry().setResource(observationOf(fullUrl)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
      results.add(clients.submit(() -> {
        start.await();
        return client(node).transaction().withBundle(tx).execute();
      }));
    }
    start.countDown();
    final Set<String> patients = new HashSet<>();
    final List<IdType> observations = new ArrayList<>();
    for (final Future<Bundle> r : results) {
      final Bundle response = r.get(120, TimeUnit.SECONDS);
      patients.add(new IdType(response.getEntry().get(0).getResponse().getLocation()).toUnqualifiedVersionless().getValue());
      observations.add(new IdType(response.getEntry().get(1).getResponse().getLocation()).toUnqualifiedVersionless());
    }
    assertThat(patients).as("every transaction is told about the same patient").hasSize(1);
    final String patient = patients.iterator().next();
    for (int n = 0; n < 4; n++) {
      awaitAllAtHeightOf(n);
    }
    final LedgerStore store = network.node(0).node().ledger().store();
    for (final IdType obs : observations) {
      final Observation stored = client(0).read().resource(Observation.class).withId(obs.getIdPart()).execute();
      assertThat(stored.getSubject().getReference()).as("the subject of " + obs.getValue()).isEqualTo(patient);
    }
    assertThat(conditionChangedRejections(store) - rejectedBefore).as("some transactions lost the race and were resolved again").isPositive();
  }

  private static long conditionChangedRejections(final LedgerStore store) {
    long rejected = 0;
    for (long h = 1; h <= store.height(); h++) {
      for (final org.fhirledger.ledger.chain.Transaction t : store.block(h).orElseThrow().transactions()) {
        final String why = store.outcome(t.hash()).orElseThrow().rejection();
        rejected += why != null && why.startsWith("condition-changed") ? 1 : 0;
      }
    }
    return rejected;
  }

  @Test
  void aTransactionNamingOnePatientByCriteriaOnEveryEntryCommitsAndOneWithTooManyConditionsIsA422() {
    final IdType subject = (IdType) client(1).create().resource(patient("many-refs")).execute().getId().toUnqualifiedVersionless();
    awaitAllAtHeightOf(1);
    // 1,200 entries reference one patient by the same criteria: one resolution, one condition, one transaction
    final Bundle same = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < 1_200; i++) {
      same.addEntry().setResource(observationOf(criteria("many-refs"))).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
    }
    final Bundle committed = client(1).transaction().withBundle(same).execute();
    assertThat(committed.getEntry()).hasSize(1_200).allSatisfy(e -> assertThat(e.getResponse().getStatus()).isEqualTo("201 Created"));
    final IdType last = new IdType(committed.getEntry().get(1_199).getResponse().getLocation());
    assertThat(client(1).read().resource(Observation.class).withId(last.getIdPart()).execute().getSubject().getReference())
        .isEqualTo(subject.getValue());

    // 1,001 conditional creates are 1,001 distinct conditions: more than a ledger transaction holds, a clear 422
    final Bundle tooMany = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < 1_001; i++) {
      tooMany.addEntry().setResource(patient("limit-" + i)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient")
          .setIfNoneExist("identifier=" + SYSTEM + "|limit-" + i);
    }
    assertThatThrownBy(() -> client(1).transaction().withBundle(tooMany).execute())
        .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("at most 1000");
    assertThat(network.node(1).node().ledger().store().idsWithKey("Patient", "identifier=" + SYSTEM + "|limit-0")).isEmpty();
  }

  @Test
  void aTransactionPatchesAndDeletesAlongsideItsCreates() {
    final IdType target = (IdType) client(0).create().resource(patient("px-1")).execute().getId().toUnqualifiedVersionless();
    final IdType doomed = (IdType) client(0).create().resource(patient("px-2")).execute().getId().toUnqualifiedVersionless();
    final Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    final org.hl7.fhir.r4.model.Parameters fhirPathPatch = new org.hl7.fhir.r4.model.Parameters();
    final var op = fhirPathPatch.addParameter().setName("operation");
    op.addPart().setName("type").setValue(new org.hl7.fhir.r4.model.CodeType("replace"));
    op.addPart().setName("path").setValue(new org.hl7.fhir.r4.model.StringType("Patient.active"));
    op.addPart().setName("value").setValue(new org.hl7.fhir.r4.model.BooleanType(false));
    final Patient withActive = patient("px-1");
    withActive.setActive(true);
    withActive.setId(target);
    client(0).update().resource(withActive).execute();
    tx.addEntry().setResource(fhirPathPatch).getRequest().setMethod(Bundle.HTTPVerb.PATCH).setUrl(target.getValue());
    final org.hl7.fhir.r4.model.Binary jsonPatch = new org.hl7.fhir.r4.model.Binary().setContentType("application/json-patch+json");
    jsonPatch.setData("[{\"op\":\"add\",\"path\":\"/gender\",\"value\":\"female\"}]".getBytes(StandardCharsets.UTF_8));
    final IdType other = (IdType) client(0).create().resource(patient("px-3")).execute().getId().toUnqualifiedVersionless();
    tx.addEntry().setResource(jsonPatch).getRequest().setMethod(Bundle.HTTPVerb.PATCH).setUrl(other.getValue());
    tx.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl(doomed.getValue());
    tx.addEntry().setResource(patient("px-4")).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    final Bundle response = FhirAssertions.valid(client(0).transaction().withBundle(tx).execute());
    assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus())
        .containsExactly("200 OK", "200 OK", "204 No Content", "201 Created");
    final Patient patched = client(0).read().resource(Patient.class).withId(target.getIdPart()).execute();
    assertThat(patched.getActive()).isFalse();
    assertThat(patched.getMeta().getVersionId()).isEqualTo("3");
    assertThat(client(0).read().resource(Patient.class).withId(other.getIdPart()).execute().getGender())
        .isEqualTo(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
    assertThatThrownBy(() -> client(0).read().resource(Patient.class).withId(doomed.getIdPart()).execute())
        .isInstanceOf(ResourceGoneException.class);
  }

  @Test
  void aBatchAnswersEachEntryOnItsOwn() {
    final Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
    batch.addEntry().setResource(patient("b-1")).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    batch.addEntry().setResource(observationOf("Patient/nobody")).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
    batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/nobody");
    final Bundle response = client(1).transaction().withBundle(batch).execute();
    FhirAssertions.valid(response);
    assertThat(response.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
    assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus().substring(0, 3)).containsExactly("201", "422", "404");
    assertThat(response.getEntry().get(1).getResponse().getOutcome()).isNotNull();
  }

  @Test
  void aSyntheaPatientLoadsAsOneTransactionAfterItsPractitionersAndHospitals() throws IOException {
    for (final String batch : List.of("practitioner-batch.json", "hospital-batch.json")) {
      final Bundle response = client(3).transaction().withBundle(load(batch)).execute();
      assertThat(response.getEntry()).allSatisfy(e -> assertThat(e.getResponse().getStatus()).matches("20[01].*"));
    }
    final Bundle patient = load("patient-bundle.json");
    final Bundle response = FhirAssertions.valid(client(3).transaction().withBundle(patient).execute());
    assertThat(response.getEntry()).hasSize(patient.getEntry().size())
        .allSatisfy(e -> assertThat(e.getResponse().getStatus()).isEqualTo("201 Created"));
    final LedgerStore store = network.node(3).node().ledger().store();
    final Set<Object> txs = new HashSet<>();
    for (final BundleEntryComponent e : response.getEntry()) {
      final IdType id = new IdType(e.getResponse().getLocation());
      txs.add(store.head(id.getResourceType(), id.getIdPart()).orElseThrow().txHash());
    }
    assertThat(txs).as("all %d resources in one ledger transaction", response.getEntry().size()).hasSize(1);
    awaitAllAtHeightOf(3);
    final IdType encounter = response.getEntry().stream().map(e -> new IdType(e.getResponse().getLocation()))
        .filter(id -> id.getResourceType().equals("Encounter")).findFirst().orElseThrow();
    final org.hl7.fhir.r4.model.Encounter read = client(0).read().resource(org.hl7.fhir.r4.model.Encounter.class)
        .withId(encounter.getIdPart()).execute();
    assertThat(read.getSubject().getReference()).startsWith("Patient/");
    assertThat(read.getParticipantFirstRep().getIndividual().getReference()).as("conditional reference resolved").matches("Practitioner/[-0-9a-f]+");
  }

  private static Bundle load(final String name) throws IOException {
    try (InputStream in = ConditionalWritesIT.class.getResourceAsStream("/synthea/" + name)) {
      return FHIR.newJsonParser().parseResource(Bundle.class, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
