package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.server.cli.LocalNetwork;
import org.fhirledger.server.cli.NodeLauncher.RunningNode;
import org.fhirledger.server.config.FhirContexts;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end: a 4-hospital network in one JVM on ephemeral ports, real T-io sockets,
 * real RocksDB and PostgreSQL, written and read through HAPI's generic client at different hospitals.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalNetworkIT {
  private static final FhirContext FHIR = FhirContexts.r4();
  @TempDir
  static Path dir;
  private static LocalNetwork network;

  @BeforeAll
  static void startNetwork() throws Exception {
    network = Hospitals.start(dir, java.util.Map.of());
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

  /** Waits until every running node has applied what node `from` has: other hospitals follow within moments. */
  private static void awaitOthersCaughtUpWith(final int from) {
    final long height = network.node(from).node().ledger().store().height();
    await().atMost(Duration.ofSeconds(20)).until(() -> stores().stream().allMatch(s -> s.height() >= height));
  }

  private static List<LedgerStore> stores() {
    return network.nodes().stream().map(n -> n.node().ledger().store()).toList();
  }

  @Test
  @Order(1)
  void resourcesWrittenAtAnyHospitalReadTheSameAtEveryHospital() {
    final List<IdType> created = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      final MethodOutcome outcome = client(i % 4).create().resource(sample(i)).execute();
      assertThat(outcome.getCreated()).isTrue();
      assertThat(outcome.getId().getVersionIdPart()).isEqualTo("1");
      created.add((IdType) outcome.getId());
    }
    final long height = network.node(0).node().ledger().store().height();
    await().atMost(Duration.ofSeconds(20)).until(() -> stores().stream().allMatch(s -> s.height() >= height));

    for (final IdType id : created) {
      final List<String> bodies = new ArrayList<>();
      for (int n = 0; n < 4; n++) {
        final Resource r = (Resource) client(n).read().resource(id.getResourceType()).withId(id.getIdPart()).execute();
        assertThat(r.getMeta().getVersionId()).isEqualTo("1");
        bodies.add(FHIR.newJsonParser().encodeResourceToString(r));
      }
      assertThat(bodies).as("the same JSON at every hospital for %s", id).containsOnly(bodies.get(0));
    }
    FhirAssertions.assertIdenticalCertifiedChains(network.node(0).node().genesis(), stores());
  }

  @Test
  @Order(2)
  void updateAndDeleteAreVersionedOnEveryHospital() {
    final Patient p = new Patient();
    p.addName().setFamily("Versioned");
    final IdType id = (IdType) client(1).create().resource(p).execute().getId();
    awaitOthersCaughtUpWith(1); // the update below is made at another hospital, on the version it has applied
    p.setId(id.toUnqualifiedVersionless());
    p.setGender(Enumerations.AdministrativeGender.FEMALE);
    final MethodOutcome updated = client(2).update().resource(p).execute();
    assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");
    // A write answers once applied where it was made; another hospital applies the block a moment later, and
    // a write there based on the version it still sees would (rightly) get 409. Wait for it, as a client would.
    awaitOthersCaughtUpWith(2);
    client(3).delete().resourceById(id.toUnqualifiedVersionless()).execute();

    final long height = network.node(3).node().ledger().store().height();
    await().atMost(Duration.ofSeconds(20)).until(() -> stores().stream().allMatch(s -> s.height() >= height));
    for (int n = 0; n < 4; n++) {
      final Patient v2 = client(n).read().resource(Patient.class).withIdAndVersion(id.getIdPart(), "2").execute();
      assertThat(v2.getGender()).isEqualTo(Enumerations.AdministrativeGender.FEMALE);
      final int node = n;
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> client(node).read().resource(Patient.class).withId(id.getIdPart()).execute())
          .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.ResourceGoneException.class);
    }
  }

  @Test
  @Order(3)
  void ledgerStatusReportsTheChain() {
    final Parameters status = client(2).operation().onServer().named("$ledger-status").withNoParameters(Parameters.class)
        .useHttpGet().execute();
    assertThat(((IntegerType) status.getParameter("validators").getValue()).getValue()).isEqualTo(4);
    assertThat(((IntegerType) status.getParameter("connectedPeers").getValue()).getValue()).isEqualTo(3);
    assertThat(((IntegerType) status.getParameter("height").getValue()).getValue())
        .isEqualTo((int) network.node(2).node().ledger().store().height()).isPositive();
    assertThat(status.getParameter("lastBlockHash").getValue().primitiveValue()).hasSize(64);
    final int indexed = ((IntegerType) status.getParameter("indexedHeight").getValue()).getValue();
    assertThat(indexed).isPositive().isLessThanOrEqualTo(((IntegerType) status.getParameter("height").getValue()).getValue());
    assertThat(status.getParameter("nodeId").getValue().primitiveValue()).hasSize(40);
  }

  @Test
  @Order(4)
  void aStoppedHospitalCatchesUpAndTheOthersKeepCommitting() {
    network.stopNode(3);
    final List<IdType> whileDown = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      whileDown.add((IdType) client(i % 3).create().resource(sample(i)).execute().getId());
    }
    network.startNode(3);
    final RunningNode restarted = network.node(3);
    final long height = network.node(0).node().ledger().store().height();
    await().atMost(Duration.ofSeconds(30)).until(() -> restarted.node().ledger().store().height() >= height);
    for (final IdType id : whileDown) {
      final Resource r = (Resource) client(3).read().resource(id.getResourceType()).withId(id.getIdPart()).execute();
      assertThat(r.getIdElement().getIdPart()).isEqualTo(id.getIdPart());
    }
    // and it takes part again: a write at the restarted node commits
    final IdType after = (IdType) client(3).create().resource(sample(7)).execute().getId();
    awaitOthersCaughtUpWith(3);
    assertThat(client(0).read().resource(after.getResourceType()).withId(after.getIdPart()).execute()).isNotNull();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      final long h = stores().get(0).height();
      return stores().stream().allMatch(s -> s.height() == h);
    });
    FhirAssertions.assertIdenticalCertifiedChains(network.node(0).node().genesis(), stores());
  }

  @Test
  @Order(5)
  void typeSearchListsWhatWasCreated() {
    final org.hl7.fhir.r4.model.Bundle bundle = client(1).search().forResource(Organization.class)
        .returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute();
    assertThat(bundle.getTotal()).isGreaterThanOrEqualTo(4);
    assertThat(bundle.getEntry()).allSatisfy(e -> assertThat(e.getResource()).isInstanceOf(Organization.class));
  }

  static Resource sample(final int i) {
    return switch (i % 6) {
      case 0 -> {
        final Patient p = new Patient();
        p.addName().setFamily("Family" + i).addGiven("Given" + i);
        p.addIdentifier().setSystem("urn:oid:1.2.36.146.595.217.0.1").setValue("MRN-" + i);
        yield p;
      }
      case 1 -> {
        final Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4").setDisplay("Heart rate");
        o.setValue(new org.hl7.fhir.r4.model.Quantity(60 + i).setUnit("/min"));
        yield o;
      }
      case 2 -> new Organization().setName("Hospital " + i);
      case 3 -> {
        final Practitioner pr = new Practitioner();
        pr.addName().setFamily("Doctor" + i);
        yield pr;
      }
      case 4 -> {
        final Encounter e = new Encounter();
        e.setStatus(Encounter.EncounterStatus.FINISHED);
        e.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("AMB");
        yield e;
      }
      default -> {
        final Condition c = new Condition();
        c.getCode().setText("Condition " + i);
        c.setSubject(new Reference().setDisplay("Patient " + i));
        yield c;
      }
    };
  }
}
