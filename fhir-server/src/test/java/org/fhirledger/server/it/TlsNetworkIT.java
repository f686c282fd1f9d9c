package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fhirledger.server.cli.LocalNetwork;
import org.fhirledger.server.cli.NetworkInitializer;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.index.NodeLogEntry;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 4-hospital network made by {@code init-network --tls}: every node's peer-to-peer connections run inside TLS
 * with certificates of the consortium CA, FHIR writes commit and replicate as without TLS, and each node keeps
 * its connection log in PostgreSQL (peer.up when a member authenticates, peer.down when it goes away).
 */
class TlsNetworkIT {
  private static final FhirContext FHIR = FhirContexts.r4();
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @Test
  void aTlsNetworkCommitsReplicatesAndLogsItsConnections() throws Exception {
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    NetworkInitializer.initialize(dir, 4, 0, "127.0.0.1", LocalNetwork.DEMO_CHAIN_ID, true);
    assertThat(dir.resolve(NetworkInitializer.TLS_CA_CERT_FILE)).exists();
    assertThat(Files.readString(dir.resolve("node-2").resolve(NetworkInitializer.NODE_CONFIG_FILE))).contains("p2p-tls-cert-file");

    try (LocalNetwork network = LocalNetwork.start(dir, 4, 0)) {
      for (int i = 0; i < 4; i++) {
        assertThat(network.node(i).node().p2pTls()).as("node %d runs TLS", i).isTrue();
      }
      final Patient p = new Patient();
      p.addName().setFamily("Encrypted");
      final IdType id = (IdType) FHIR.newRestfulGenericClient(network.node(0).fhirBaseUrl()).create().resource(p).execute().getId();
      final long height = network.node(0).node().ledger().store().height();
      await().atMost(WAIT).until(() -> network.nodes().stream().allMatch(n -> n.node().ledger().store().height() >= height));
      final Patient read = FHIR.newRestfulGenericClient(network.node(2).fhirBaseUrl()).read().resource(Patient.class)
          .withId(id.getIdPart()).execute();
      assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Encrypted");

      await().atMost(WAIT).untilAsserted(() -> assertThat(details(network, 0, "peer.up"))
          .anyMatch(d -> d.contains("peer=hospital-1")).anyMatch(d -> d.contains("peer=hospital-2"))
          .anyMatch(d -> d.contains("peer=hospital-3")));
      // Registered at start-up; a peer's authenticated connection moves its last_seen past that.
      assertThat(network.node(0).node().index().nodes()).filteredOn(n -> !n.name().equals("hospital-0"))
          .hasSize(3).allSatisfy(n -> assertThat(n.lastSeen()).isAfter(n.firstSeen()));

      // t-io once wrote a fresh connection's first frames and its last handshake records as one wrongly
      // encrypted run ("Tag mismatch" at the peer, connection dropped): none may fail that way now
      for (int i = 0; i < 4; i++) {
        assertThat(network.node(i).node().p2pStats().connectionErrors()).as("node %d: connections lost to a failed read", i).isZero();
      }

      network.stopNode(3);
      await().atMost(WAIT).untilAsserted(() -> assertThat(details(network, 0, "peer.down"))
          .anyMatch(d -> d.contains("peer=hospital-3")));
    }
  }

  private static List<String> details(final LocalNetwork network, final int node, final String event) {
    return network.node(node).node().index().recentLogs(100).stream()
        .filter(e -> e.event().equals(event)).map(NodeLogEntry::detail).toList();
  }
}
