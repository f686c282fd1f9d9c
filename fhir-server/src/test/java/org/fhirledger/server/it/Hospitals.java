package org.fhirledger.server.it;

import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.fhirledger.server.cli.LocalNetwork;
import org.fhirledger.server.config.FhirContexts;

/** The 4-hospital network the FHIR ITs run against, and the HAPI clients and waits they share. */
final class Hospitals {
  static final FhirContext FHIR = FhirContexts.r4();

  private Hospitals() {}

  /** Starts four hospitals on ephemeral ports and waits until each is connected to the three others. */
  static LocalNetwork start(final Path dir, final Map<String, String> overrides) throws IOException {
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    FHIR.getRestfulClientFactory().setSocketTimeout(60_000);
    FHIR.getRestfulClientFactory().setPoolMaxTotal(200);
    FHIR.getRestfulClientFactory().setPoolMaxPerRoute(100);
    final LocalNetwork network = LocalNetwork.start(dir, 4, 0, overrides);
    await().atMost(Duration.ofSeconds(30)).until(() -> network.nodes().stream()
        .allMatch(n -> n.node().ledger().status().connectedPeers() == 3));
    return network;
  }

  static IGenericClient client(final LocalNetwork network, final int node) {
    return FHIR.newRestfulGenericClient(network.node(node).fhirBaseUrl());
  }

  /** Waits until every running hospital has applied what hospital {@code from} has. */
  static void awaitAllAtHeightOf(final LocalNetwork network, final int from) {
    final long height = network.node(from).node().ledger().store().height();
    await().atMost(Duration.ofSeconds(30)).until(() -> network.nodes().stream()
        .allMatch(n -> n.node().ledger().store().height() >= height));
  }
}
