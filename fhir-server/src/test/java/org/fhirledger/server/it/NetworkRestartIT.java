package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Path;
import java.time.Duration;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.server.cli.FhirLedgerMain;
import org.fhirledger.server.cli.LocalNetwork;
import org.fhirledger.server.config.FhirContexts;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `demo` stopped and started again on the same data folder keeps every record and the same chain, and in
 * between `verify` audits every node's chain offline.
 */
class NetworkRestartIT {
  private static final FhirContext FHIR = FhirContexts.r4();
  @TempDir
  Path dir;

  @Test
  void aWholeNetworkRestartedOnTheSameFolderKeepsEveryRecord() throws Exception {
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    final IdType id;
    final long height;
    final Hash32 lastHash;
    try (LocalNetwork network = LocalNetwork.start(dir, 4, 0)) {
      final Patient p = new Patient();
      p.addName().setFamily("Persistent");
      id = (IdType) FHIR.newRestfulGenericClient(network.node(1).fhirBaseUrl()).create().resource(p).execute().getId();
      height = network.node(1).node().ledger().store().height();
      await().atMost(Duration.ofSeconds(20)).until(() -> network.nodes().stream()
          .allMatch(n -> n.node().ledger().store().height() == height));
      lastHash = network.node(0).node().ledger().store().blockHash(height).orElseThrow();
    }
    for (int i = 0; i < 4; i++) {
      assertThat(FhirLedgerMain.run("verify", "--data", dir.resolve("node-" + i).resolve("data").toString()))
          .as("offline audit of node %d's chain while the network is down", i).isZero();
    }
    try (LocalNetwork network = LocalNetwork.start(dir, 4, 0)) {
      for (int i = 0; i < 4; i++) {
        assertThat(network.node(i).node().ledger().store().blockHash(height)).contains(lastHash);
        final Patient read = FHIR.newRestfulGenericClient(network.node(i).fhirBaseUrl()).read().resource(Patient.class)
            .withId(id.getIdPart()).execute();
        assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Persistent");
      }
    }
  }
}
