package org.fhirledger.server.cli;

import java.io.PrintStream;
import java.util.List;
import org.fhirledger.server.cli.NodeLauncher.RunningNode;

/** Prints the table of FHIR endpoints and peer-to-peer ports that `demo` and `node` show at start. */
final class EndpointTable {
  private EndpointTable() {}

  static void print(final PrintStream out, final String chainId, final List<RunningNode> nodes) {
    out.println();
    out.println("FHIR Ledger: " + nodes.size() + " hospital node(s) on chain '" + chainId + "'");
    out.printf("  %-12s %-36s %-9s %s%n", "node", "FHIR endpoint", "p2p port", "node id");
    for (final RunningNode n : nodes) {
      out.printf("  %-12s %-36s %-9d %s%n", n.name(), n.fhirBaseUrl(), n.p2pPort(),
          n.node().ledger().publicKey().nodeIdHex().substring(0, 16));
    }
    out.println("Try: curl -s " + nodes.get(0).fhirBaseUrl() + "/$ledger-status");
    out.println();
    out.flush();
  }
}
