package org.fhirledger.server.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Keys, genesis and one config per hospital, for networks whose nodes run as separate processes. */
@Command(name = "init-network", mixinStandardHelpOptions = true,
    description = {"Write Ed25519 keys, genesis.json and DIR/node-i/node.yaml for a new consortium.",
        "With --join: write the key and config of one more hospital (not in the genesis) into an existing DIR,"
            + " and the $ledger-membership request that the manager node's operator posts to add it."})
final class InitNetworkCommand implements Callable<Integer> {
  @Option(names = "--nodes", defaultValue = "4", description = "number of hospitals (default ${DEFAULT-VALUE})")
  int nodes;

  @Option(names = "--base-port", defaultValue = "8080", description = "FHIR port of hospital 0; hospital i gets base-port+i, p2p base-port+1000+i")
  int basePort;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address the nodes bind and reach each other on (default ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--chain-id", defaultValue = "fhirledger", description = "chain id (default ${DEFAULT-VALUE})")
  String chainId;

  @Option(names = "--tls", description = "also write a consortium CA and a TLS certificate per hospital, and turn on TLS for peer-to-peer connections")
  boolean tls;

  @Option(names = "--large-content-threshold", defaultValue = "" + org.fhirledger.ledger.chain.Genesis.DEFAULT_LARGE_CONTENT_THRESHOLD,
      description = "bytes above which a resource's content is placed on the 2f+1 XOR-closest validators with signed receipts "
          + "instead of travelling with its block; a chain parameter written into the genesis (default ${DEFAULT-VALUE})")
  long largeContentThreshold;

  @Option(names = "--out", required = true, description = "folder to write (must not hold a network already, unless --join)")
  Path out;

  @Option(names = "--join", description = "add one hospital that is not in the genesis to the network in --out")
  boolean join;

  @Override
  public Integer call() throws Exception {
    if (join) {
      final NetworkInitializer.JoiningNode joining = NetworkInitializer.addJoiningNode(out, basePort, host);
      System.out.println("Wrote " + joining.member().name() + " (key " + joining.member().publicKey().toShortHex()
          + ", p2p " + joining.member().host() + ":" + joining.member().p2pPort() + "), not in the genesis");
      System.out.println("  start:   java -jar fhir-ledger.jar node --config " + joining.config());
      System.out.println("  admit:   at the manager node (hospital-0), POST the request to its $ledger-membership, e.g.");
      System.out.println("           curl -X POST -H 'Content-Type: application/fhir+json' --data @" + joining.membershipRequest()
          + " http://" + host + ":" + (basePort > 0 ? basePort : 8080) + "/fhir/\\$ledger-membership");
      return 0;
    }
    final NetworkInitializer.Network network = NetworkInitializer.initialize(out, nodes, basePort, host, chainId, tls,
        largeContentThreshold);
    System.out.println("Wrote a " + nodes + "-hospital network to " + out.toAbsolutePath().normalize());
    System.out.println("  genesis: " + out.resolve(NetworkInitializer.GENESIS_FILE) + " (hash " + network.genesis().hash().toHex() + ")");
    if (tls) {
      System.out.println("  TLS:     consortium CA " + out.resolve(NetworkInitializer.TLS_CA_CERT_FILE)
          + "; move " + out.resolve(NetworkInitializer.TLS_CA_KEY_FILE) + " offline (needed only to admit a hospital)");
    }
    for (final Path config : network.nodeConfigs()) {
      System.out.println("  start:   java -jar fhir-ledger.jar node --config " + config);
    }
    return 0;
  }
}
