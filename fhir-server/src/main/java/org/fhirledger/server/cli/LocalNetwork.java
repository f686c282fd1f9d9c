package org.fhirledger.server.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fhirledger.server.index.EmbeddedPostgresServer;
import org.fhirledger.server.cli.NodeLauncher.RunningNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole consortium in one JVM, as `demo` runs it: N hospital nodes on 127.0.0.1 sharing one embedded
 * PostgreSQL server (a database per node), each with its RocksDB under {@code DATA/node-i}. Starting again
 * on the same folder keeps every record. Tests use it with base port 0 (ephemeral ports).
 */
public final class LocalNetwork implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalNetwork.class);
  public static final String DEMO_CHAIN_ID = "fhirledger-demo";

  private final Path dataDir;
  private final EmbeddedPostgresServer postgres;
  private final List<Path> configs;
  private final List<RunningNode> nodes = new ArrayList<>();
  private final Map<String, String> overrides;

  private LocalNetwork(final Path dataDir, final EmbeddedPostgresServer postgres, final List<Path> configs, final Map<String, String> overrides) {
    this.dataDir = dataDir;
    this.overrides = Map.copyOf(overrides);
    this.postgres = postgres;
    this.configs = configs;
    for (int i = 0; i < configs.size(); i++) {
      nodes.add(null);
    }
  }

  public static LocalNetwork start(final Path dataDir, final int nodeCount, final int basePort) throws IOException {
    return start(dataDir, nodeCount, basePort, Map.of());
  }

  /** As {@link #start(Path, int, int)}, with node settings that override every node.yaml (e.g. limits in tests). */
  public static LocalNetwork start(final Path dataDir, final int nodeCount, final int basePort, final Map<String, String> overrides)
      throws IOException {
    final Path dir = dataDir.toAbsolutePath().normalize();
    final List<Path> configs = new ArrayList<>();
    if (Files.exists(dir.resolve(NetworkInitializer.GENESIS_FILE))) {
      for (int i = 0; Files.exists(dir.resolve("node-" + i).resolve(NetworkInitializer.NODE_CONFIG_FILE)); i++) {
        configs.add(dir.resolve("node-" + i).resolve(NetworkInitializer.NODE_CONFIG_FILE));
      }
      if (configs.size() != nodeCount) {
        LOG.warn("data folder holds a network of {} nodes; starting those (asked for {})", configs.size(), nodeCount);
      }
    } else {
      configs.addAll(NetworkInitializer.initialize(dir, nodeCount, basePort, "127.0.0.1", DEMO_CHAIN_ID).nodeConfigs());
    }
    final LocalNetwork network = new LocalNetwork(dir, EmbeddedPostgresServer.start(dir.resolve("postgres")), configs, overrides);
    try {
      // One after the other: Spring Boot's startup (logging system, environment) is not safe to run in parallel.
      for (int i = 0; i < configs.size(); i++) {
        network.startNode(i);
      }
    } catch (final RuntimeException e) {
      network.close();
      throw e;
    }
    return network;
  }

  public List<RunningNode> nodes() {
    synchronized (nodes) {
      return nodes.stream().filter(java.util.Objects::nonNull).toList();
    }
  }

  /** Node i, or null while it is stopped. */
  public RunningNode node(final int i) {
    synchronized (nodes) {
      return nodes.get(i);
    }
  }

  public int size() {
    return nodes.size();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Starts (or restarts) node i with its config; its index database lives in the shared PostgreSQL. */
  public void startNode(final int i) {
    startNode(i, Map.of());
  }

  /**
   * As {@link #startNode(int)}, with settings for this start of this node only, on top of the network's overrides
   * (e.g. a hospital that validates every write while the others do not).
   */
  public void startNode(final int i, final Map<String, String> nodeSettings) {
    synchronized (nodes) {
      if (nodes.get(i) != null) {
        throw new IllegalStateException("node " + i + " is running");
      }
    }
    postgres.ensureDatabase(databaseName(i));
    final Map<String, String> settings = new java.util.HashMap<>(overrides);
    settings.put("fhirledger.node.jdbc-url", postgres.jdbcUrl(databaseName(i)));
    settings.put("fhirledger.node.jdbc-username", postgres.username());
    settings.put("fhirledger.node.jdbc-password", "");
    settings.putAll(nodeSettings);
    final RunningNode node = NodeLauncher.launch(configs.get(i), settings);
    synchronized (nodes) {
      nodes.set(i, node);
    }
  }

  public void stopNode(final int i) {
    final RunningNode node;
    synchronized (nodes) {
      node = nodes.get(i);
      nodes.set(i, null);
    }
    if (node != null) {
      node.close();
    }
  }

  private static String databaseName(final int i) {
    return "node_" + i;
  }

  @Override
  public void close() {
    for (int i = 0; i < nodes.size(); i++) {
      try {
        stopNode(i);
      } catch (final RuntimeException e) {
        LOG.warn("error stopping node {}", i, e);
      }
    }
    try {
      postgres.close();
    } catch (final Exception e) {
      LOG.warn("error stopping PostgreSQL", e);
    }
  }
}
