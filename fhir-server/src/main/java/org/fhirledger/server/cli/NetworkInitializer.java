package org.fhirledger.server.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.KeyFiles;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.p2p.tls.ConsortiumCa;
import org.fhirledger.server.config.GenesisFile;

/**
 * Writes a new consortium: one Ed25519 key per hospital, the genesis naming the validators and the trusted
 * manager (hospital 0), and {@code node-i/node.yaml} for each hospital, like Besu's
 * {@code operator generate-blockchain-config}. Paths inside node.yaml are relative to its folder.
 */
public final class NetworkInitializer {
  public static final String GENESIS_FILE = "genesis.json";
  public static final String NODE_CONFIG_FILE = "node.yaml";
  /** Peer-to-peer ports sit this far above the FHIR ports: FHIR 8080 -> p2p 9080. */
  public static final int P2P_PORT_OFFSET = 1000;
  public static final String TLS_CA_CERT_FILE = "consortium-ca.pem";
  public static final String TLS_CA_KEY_FILE = "consortium-ca-key.pem";
  public static final String TLS_CERT_FILE = "tls-cert.pem";
  public static final String TLS_KEY_FILE = "tls-key.pem";

  private NetworkInitializer() {}

  /** What was written: the genesis and each node's config file. */
  public record Network(Path directory, Genesis genesis, List<Path> nodeConfigs) {}

  /**
   * @param basePort FHIR port of node 0 (node i gets basePort + i, p2p basePort + 1000 + i); 0 picks free
   *     ephemeral ports for p2p and lets each FHIR server bind an ephemeral port (tests)
   */
  public static Network initialize(final Path out, final int nodes, final int basePort, final String host, final String chainId)
      throws IOException {
    return initialize(out, nodes, basePort, host, chainId, false);
  }

  /**
   * As above; with {@code tls}, also a consortium CA ({@value #TLS_CA_CERT_FILE}, and its key
   * {@value #TLS_CA_KEY_FILE}, to be moved offline to the manager) and a TLS key and certificate per hospital,
   * referenced from its node.yaml so its peer-to-peer connections run inside TLS.
   */
  public static Network initialize(final Path out, final int nodes, final int basePort, final String host, final String chainId,
      final boolean tls) throws IOException {
    return initialize(out, nodes, basePort, host, chainId, tls, Genesis.DEFAULT_LARGE_CONTENT_THRESHOLD);
  }

  /** As above, with the chain's large-content threshold (bytes; larger content is placed on 2f+1 holders). */
  public static Network initialize(final Path out, final int nodes, final int basePort, final String host, final String chainId,
      final boolean tls, final long largeContentThreshold) throws IOException {
    if (nodes < 1) {
      throw new IllegalArgumentException("a network has at least one node");
    }
    if (Files.exists(out.resolve(GENESIS_FILE))) {
      throw new IllegalStateException(out.resolve(GENESIS_FILE) + " exists: refusing to overwrite a network's keys");
    }
    Files.createDirectories(out);
    final SecureRandom random = new SecureRandom();
    final List<Signer> keys = new ArrayList<>();
    final List<Validator> validators = new ArrayList<>();
    final List<Integer> fhirPorts = new ArrayList<>();
    final java.util.Set<Integer> picked = new java.util.HashSet<>();
    for (int i = 0; i < nodes; i++) {
      final Signer key = Ed25519Keys.generate(random);
      keys.add(key);
      final int p2p = basePort > 0 ? basePort + P2P_PORT_OFFSET + i : freePort(picked);
      fhirPorts.add(basePort > 0 ? basePort + i : 0);
      validators.add(new Validator("hospital-" + i, key.publicKey(), host, p2p));
    }
    final Genesis genesis = new Genesis(chainId, System.currentTimeMillis(), validators, keys.get(0).publicKey(),
        largeContentThreshold);
    GenesisFile.write(out.resolve(GENESIS_FILE), genesis);
    final ConsortiumCa ca = tls ? ConsortiumCa.generate(chainId, random) : null;
    if (ca != null) {
      ca.write(out.resolve(TLS_CA_CERT_FILE), out.resolve(TLS_CA_KEY_FILE));
    }
    final List<Path> configs = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      final Path dir = out.resolve("node-" + i);
      Files.createDirectories(dir);
      KeyFiles.writePrivateKey(dir.resolve("node.key"), keys.get(i));
      KeyFiles.writePublicKey(dir.resolve("node.pub"), keys.get(i).publicKey());
      if (ca != null) {
        ca.issue(validators.get(i).name(), List.of(host), random).write(dir.resolve(TLS_CERT_FILE), dir.resolve(TLS_KEY_FILE));
      }
      final Path config = dir.resolve(NODE_CONFIG_FILE);
      Files.writeString(config, nodeYaml(validators.get(i), fhirPorts.get(i), host) + (ca != null ? tlsYaml() : ""));
      configs.add(config);
    }
    return new Network(out, genesis, configs);
  }

  /** One more hospital for an existing network: its config, its member record, and the request that adds it. */
  public record JoiningNode(Path config, Validator member, Path membershipRequest) {}

  /**
   * Writes the key and config of a hospital that is not in the genesis into an existing network folder, as
   * {@code node-i} with the next free i (ports as {@link #initialize} would give hospital i), and beside them
   * {@code membership-request.json}: the Parameters body of {@code POST [manager]/fhir/$ledger-membership} that adds
   * it. The node starts from the same genesis, is refused by every member until that change is final, then is
   * admitted and catches up.
   */
  public static JoiningNode addJoiningNode(final Path out, final int basePort, final String host) throws IOException {
    final Path genesisFile = out.resolve(GENESIS_FILE);
    if (!Files.exists(genesisFile)) {
      throw new IllegalStateException(genesisFile + " does not exist: run init-network without --join first");
    }
    final Genesis genesis = GenesisFile.read(genesisFile);
    int index = 0;
    while (Files.exists(out.resolve("node-" + index))) {
      index++;
    }
    final Signer key = Ed25519Keys.generate(new SecureRandom());
    final int p2p = basePort > 0 ? basePort + P2P_PORT_OFFSET + index : freePort(new java.util.HashSet<>());
    final Validator member = new Validator("hospital-" + index, key.publicKey(), host, p2p);
    if (genesis.validatorSet().contains(key.publicKey())) {
      throw new IllegalStateException("a fresh key collided with a genesis validator");
    }
    // A network made with --tls admits a hospital only with a certificate of its CA, which needs the CA's key here;
    // checked before anything is written, so a refusal leaves no half-made folder behind.
    final boolean tls = Files.exists(out.resolve(TLS_CA_CERT_FILE));
    if (tls && !Files.exists(out.resolve(TLS_CA_KEY_FILE))) {
      throw new IllegalStateException("the network uses TLS: put the consortium CA's key back at "
          + out.resolve(TLS_CA_KEY_FILE) + " to issue the new hospital's certificate");
    }
    final Path dir = out.resolve("node-" + index);
    Files.createDirectories(dir);
    KeyFiles.writePrivateKey(dir.resolve("node.key"), key);
    KeyFiles.writePublicKey(dir.resolve("node.pub"), key.publicKey());
    if (tls) {
      ConsortiumCa.load(out.resolve(TLS_CA_CERT_FILE), out.resolve(TLS_CA_KEY_FILE))
          .issue(member.name(), List.of(host), new SecureRandom()).write(dir.resolve(TLS_CERT_FILE), dir.resolve(TLS_KEY_FILE));
    }
    final Path config = dir.resolve(NODE_CONFIG_FILE);
    Files.writeString(config, nodeYaml(member, basePort > 0 ? basePort + index : 0, host) + (tls ? tlsYaml() : ""));
    final Path request = dir.resolve("membership-request.json");
    Files.writeString(request, membershipRequest(member));
    return new JoiningNode(config, member, request);
  }

  /** The Parameters body of an add, written as plain JSON (the FHIR server parses it). */
  private static String membershipRequest(final Validator v) {
    return """
        {
          "resourceType": "Parameters",
          "parameter": [
            {"name": "action", "valueString": "add"},
            {"name": "publicKey", "valueString": "%s"},
            {"name": "name", "valueString": "%s"},
            {"name": "host", "valueString": "%s"},
            {"name": "port", "valueInteger": %d}
          ]
        }
        """.formatted(v.publicKey().toHex(), jsonText(v.name()), jsonText(v.host()), v.p2pPort());
  }

  private static String jsonText(final String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static String nodeYaml(final Validator v, final int fhirPort, final String host) {
    return """
        # FHIR Ledger node configuration, written by `fhir-ledger init-network`.
        # Relative paths are relative to this file's folder. Every key can also be set from the
        # environment, e.g. FHIRLEDGER_NODE_JDBC_URL (see docs/configuration.md).
        server:
          address: %s
          port: %d
        fhirledger:
          node:
            name: %s
            key-file: node.key
            genesis-file: ../%s
            data-dir: data
            p2p-host: %s
            p2p-port: %d
            # empty: embedded PostgreSQL under data-dir; else e.g. jdbc:postgresql://db:5432/fhirledger
            jdbc-url: ""
        """.formatted(host, fhirPort, v.name(), GENESIS_FILE, host, v.p2pPort());
  }

  /** Appended under fhirledger.node (same indentation as nodeYaml's last keys). */
  private static String tlsYaml() {
    return """
            # peer-to-peer TLS (confidentiality; peers authenticate by their Ed25519 keys either way)
            p2p-tls-cert-file: %s
            p2p-tls-key-file: %s
            p2p-tls-ca-file: ../%s
        """.formatted(TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA_CERT_FILE);
  }

  /** Below Linux's ephemeral range (32768-60999), so no socket bound to port 0 meanwhile can take the port. */
  static final int TEST_PORT_LOW = 20_000;
  static final int TEST_PORT_HIGH = 32_000;

  /**
   * A p2p port for a network whose ports are not given (tests, {@code bench}). It is written into the genesis now and
   * bound only when the node starts, so it must not be one the kernel may hand to any socket bound to port 0 in
   * between (an ephemeral port taken by an HTTP client or another test broke starts with "Address already in use").
   * Random within the range, so networks initialised side by side rarely pick the same port, and free when picked.
   */
  private static int freePort(final java.util.Set<Integer> taken) throws IOException {
    final java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      final int port = random.nextInt(TEST_PORT_LOW, TEST_PORT_HIGH);
      if (!taken.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1);
        return port;
      } catch (final IOException inUse) {
        // taken: try another
      }
    }
    throw new IOException("no free port in " + TEST_PORT_LOW + ".." + TEST_PORT_HIGH + " after 200 attempts");
  }
}
