package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.consensus.messages.ConsensusCodec;
import org.fhirledger.ledger.consensus.messages.Prepare;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.node.NodeMessage;
import org.fhirledger.ledger.p2p.tio.TioPeerTransport;
import org.fhirledger.ledger.p2p.tio.TransportConfig;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.server.cli.LocalNetwork;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four hospitals (f = 1) losing members one at a time, through HAPI's client: with one down writes commit; with
 * two down (no quorum) a write waits the configured time and answers 503 with a {@code transient}
 * OperationOutcome, and nothing of it is on any chain or readable; when one hospital returns, the waiting write
 * commits after all (it stayed in the mempools: the 503 says "it may still commit") and new writes commit again.
 * Finally an impostor holding hospital 3's key sends two conflicting signed PREPAREs, and {@code $ledger-status}
 * of every other hospital lists them as evidence.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuorumLossIT {
  private static final long WRITE_TIMEOUT_MILLIS = 4_000;
  private static final String WAITING_ID = "quorum-loss-waiting";
  @TempDir
  static Path dir;
  private static LocalNetwork network;
  private static Signer hospital3Key;
  private static int hospital3Port;

  @BeforeAll
  static void startNetwork() throws Exception {
    network = Hospitals.start(dir, Map.of("fhirledger.node.write-timeout-millis", Long.toString(WRITE_TIMEOUT_MILLIS),
        "fhirledger.node.round-timeout-millis", "300"));
    hospital3Key = network.node(3).node().ledger().signer();
    hospital3Port = network.node(3).p2pPort();
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

  private static LedgerStore store(final int node) {
    return network.node(node).node().ledger().store();
  }

  private static Patient patient(final String family) {
    final Patient p = new Patient();
    p.addName().setFamily(family);
    return p;
  }

  @Test
  @Order(1)
  void withOneHospitalDownWritesKeepCommitting() {
    network.stopNode(3);
    for (int i = 0; i < 3; i++) {
      final IdType id = (IdType) client(i).create().resource(patient("OneDown" + i)).execute().getId();
      assertThat(id.getVersionIdPart()).isEqualTo("1");
    }
  }

  @Test
  @Order(2)
  void withTwoDownAWriteAnswers503AfterTheTimeoutAndNothingIsWritten() {
    Hospitals.awaitAllAtHeightOf(network, 0);
    network.stopNode(2);
    final long height0 = store(0).height();
    final long height1 = store(1).height();
    final Patient waiting = patient("Waiting");
    waiting.setId(WAITING_ID);

    final long started = System.nanoTime();
    final BaseServerResponseException refused = catchThrowableOfType(
        () -> client(0).update().resource(waiting).execute(), BaseServerResponseException.class);
    final long waitedMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(refused).as("a write without a quorum").isNotNull();
    assertThat(refused.getStatusCode()).isEqualTo(503);
    assertThat(waitedMillis).as("it waited the configured time first").isGreaterThanOrEqualTo(WRITE_TIMEOUT_MILLIS);
    final OperationOutcome outcome = (OperationOutcome) refused.getOperationOutcome();
    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TRANSIENT);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("within " + WRITE_TIMEOUT_MILLIS + " ms").contains("may still commit");
    // nothing half-written: no block was added, no world state for it, not readable at either live hospital
    for (final int node : new int[] {0, 1}) {
      assertThat(store(node).height()).isEqualTo(node == 0 ? height0 : height1);
      assertThat(store(node).head("Patient", WAITING_ID)).isEmpty();
      assertThat(catchThrowableOfType(() -> client(node).read().resource(Patient.class).withId(WAITING_ID).execute(),
          ResourceNotFoundException.class)).isNotNull();
    }
  }

  @Test
  @Order(3)
  void whenOneReturnsTheWaitingWriteCommitsAndNewWritesCommit() {
    network.startNode(2);
    // The refused write stayed in the mempools of hospitals 0 and 1; with a quorum again it is ordered after all.
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
        "Waiting".equals(client(0).read().resource(Patient.class).withId(WAITING_ID).execute().getNameFirstRep().getFamily()));
    for (int i = 0; i < 3; i++) {
      assertThat(client(i).create().resource(patient("Resumed" + i)).execute().getId().getVersionIdPart()).isEqualTo("1");
    }
    Hospitals.awaitAllAtHeightOf(network, 0);
    assertThat(client(2).read().resource(Patient.class).withId(WAITING_ID).execute().getMeta().getVersionId()).isEqualTo("1");
  }

  @Test
  @Order(4)
  void conflictingSignedVotesAreKeptAndShownByLedgerStatus() throws Exception {
    final Genesis genesis = network.node(0).node().genesis();
    final TioPeerTransport impostor = new TioPeerTransport(TransportConfig.of("127.0.0.1", hospital3Port, genesis.chainId(), genesis.hash()),
        hospital3Key, Ed25519Keys.verifier(), genesis::validators);
    final Hash32 a = Hash32.sha256("block A".getBytes(StandardCharsets.UTF_8));
    final Hash32 b = Hash32.sha256("block B".getBytes(StandardCharsets.UTF_8));
    try {
      impostor.start((from, payload) -> { });
      // the peers whose keys sort lower redial hospital 3's port on their backoff (up to 30 s after a long absence)
      await().atMost(Duration.ofSeconds(90)).until(() -> impostor.connectedPeers().size() == 3);
      Hospitals.awaitAllAtHeightOf(network, 0);
      final long height = store(0).height() + 1;
      final int round = network.node(0).node().ledger().status().consensusRound();
      for (final Hash32 hash : List.of(a, b)) {
        impostor.broadcast(new NodeMessage.ConsensusPayload(
            ConsensusCodec.encode(Prepare.create(hospital3Key, genesis.chainId(), height, round, hash))).encode());
      }
      for (int node = 0; node < 3; node++) {
        final IGenericClient client = client(node);
        await().atMost(Duration.ofSeconds(20)).until(() -> evidenceCount(ledgerStatus(client)) > 0);
        final ParametersParameterComponent item = ledgerStatus(client).getParameter().stream()
            .filter(p -> p.getName().equals("evidenceItem")).findFirst().orElseThrow();
        assertThat(part(item, "validator")).isEqualTo(hospital3Key.publicKey().toHex());
        assertThat(part(item, "message")).isEqualTo("Prepare");
        assertThat(part(item, "height")).isEqualTo(Long.toString(height));
        assertThat(List.of(part(item, "first"), part(item, "second"))).containsExactlyInAnyOrder(a.toHex(), b.toHex());
      }
    } finally {
      impostor.close();
    }
    // The real hospital 3 comes back, catches up and writes again.
    network.startNode(3);
    await().atMost(Duration.ofSeconds(90)).until(() -> network.node(3).node().ledger().status().connectedPeers() == 3);
    final IdType id = (IdType) client(3).create().resource(patient("Back")).execute().getId();
    Hospitals.awaitAllAtHeightOf(network, 3);
    assertThat(client(0).read().resource(Patient.class).withId(id.getIdPart()).execute().getNameFirstRep().getFamily()).isEqualTo("Back");
    FhirAssertions.assertIdenticalCertifiedChains(genesis, network.nodes().stream().map(n -> n.node().ledger().store()).toList());
  }

  private static Parameters ledgerStatus(final IGenericClient client) {
    return client.operation().onServer().named("$ledger-status").withNoParameters(Parameters.class).useHttpGet().execute();
  }

  private static int evidenceCount(final Parameters status) {
    return ((org.hl7.fhir.r4.model.IntegerType) status.getParameter("evidence").getValue()).getValue();
  }

  private static String part(final ParametersParameterComponent item, final String name) {
    return item.getPart().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow().getValue().primitiveValue();
  }
}
