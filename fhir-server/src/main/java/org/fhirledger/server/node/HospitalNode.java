package org.fhirledger.server.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.consensus.ConsensusConfig;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.KeyFiles;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.node.LedgerNode;
import org.fhirledger.ledger.node.NodeConfig;
import org.fhirledger.ledger.p2p.tio.TioPeerTransport;
import org.fhirledger.ledger.p2p.tio.TransportConfig;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import org.fhirledger.server.config.GenesisFile;
import org.fhirledger.server.config.NodeProperties;
import org.fhirledger.server.index.EmbeddedPostgresServer;
import org.fhirledger.server.index.IndexDataSources;
import org.fhirledger.server.index.SearchIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hospital's running parts, assembled from its {@link NodeProperties}: key, genesis, RocksDB store,
 * T-io transport, ledger node and PostgreSQL search index. Closing it stops them in reverse order.
 */
public final class HospitalNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HospitalNode.class);

  private final NodeProperties properties;
  private final Signer signer;
  private final Genesis genesis;
  private final RocksDbLedgerStore store;
  private final EmbeddedPostgresServer ownPostgres;
  private final AutoCloseable externalDataSource;
  private final SearchIndex index;
  private final TioPeerTransport transport;
  private final LedgerNode ledger;

  private HospitalNode(final NodeProperties properties) throws IOException {
    this.properties = properties;
    this.signer = KeyFiles.readPrivateKey(required(properties.resolve(properties.keyFile()), "fhirledger.node.key-file"));
    this.genesis = GenesisFile.read(required(properties.resolve(properties.genesisFile()), "fhirledger.node.genesis-file"));
    final Path dataDir = properties.resolve(properties.dataDir());
    Files.createDirectories(dataDir);
    this.store = RocksDbLedgerStore.open(dataDir.resolve("chain"));
    final DataSource dataSource;
    if (properties.jdbcUrl() == null || properties.jdbcUrl().isBlank()) {
      this.ownPostgres = EmbeddedPostgresServer.start(dataDir.resolve("postgres"), true);
      this.externalDataSource = null;
      dataSource = ownPostgres.dataSourceFor("fhirledger");
    } else {
      this.ownPostgres = null;
      final var pool = IndexDataSources.forUrl(properties.jdbcUrl(), properties.jdbcUsername(), properties.jdbcPassword());
      this.externalDataSource = pool;
      dataSource = pool;
    }
    this.index = new SearchIndex(dataSource);
    index.migrate();
    final TransportConfig transportConfig = TransportConfig.of(properties.p2pHost(), properties.p2pPort(), genesis.chainId(), genesis.hash());
    this.transport = new TioPeerTransport(transportConfig, signer, Ed25519Keys.verifier(), genesis::validators);
    final NodeConfig nodeConfig = new NodeConfig(
        properties.blockMaxTransactions(),
        NodeConfig.DEFAULT_BLOCK_MAX_BYTES,
        Duration.ofMillis(properties.blockWaitMillis()),
        NodeConfig.DEFAULT_SYNC_BATCH_BLOCKS,
        NodeConfig.DEFAULT_STATUS_INTERVAL,
        NodeConfig.DEFAULT_EVENT_QUEUE_CAPACITY,
        new ConsensusConfig(Duration.ofMillis(properties.roundTimeoutMillis()), ConsensusConfig.DEFAULT_MAX_ROUND_TIMEOUT,
            ConsensusConfig.DEFAULT_MAX_BUFFERED_FUTURE_MESSAGES, ConsensusConfig.DEFAULT_FUTURE_HEIGHT_WINDOW));
    final IndexingBlockListener indexer = new IndexingBlockListener(index, store);
    this.ledger = new LedgerNode(genesis, signer, Ed25519Keys.verifier(), store, transport, nodeConfig, List.of(indexer));
    indexer.catchUp();
    for (final Validator v : genesis.validators()) {
      index.recordNode(v.publicKey().toHex(), v.name(), v.host() + ":" + v.p2pPort(), java.time.Instant.now());
    }
  }

  /** Builds and starts the node; on failure everything opened so far is closed. */
  public static HospitalNode start(final NodeProperties properties) throws IOException {
    final HospitalNode node = new HospitalNode(properties);
    try {
      node.ledger.start();
    } catch (final IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    node.index.log("INFO", "node-started", "height=" + node.store.height());
    return node;
  }

  private static Path required(final Path p, final String key) {
    if (p == null) {
      throw new IllegalArgumentException("missing setting " + key);
    }
    return p;
  }

  public LedgerNode ledger() {
    return ledger;
  }

  public SearchIndex index() {
    return index;
  }

  public Genesis genesis() {
    return genesis;
  }

  public NodeProperties properties() {
    return properties;
  }

  public String name() {
    return properties.name();
  }

  public int p2pPort() {
    return transport.port();
  }

  @Override
  public void close() {
    closeQuietly(ledger);
    closeQuietly(transport);
    closeQuietly(store);
    closeQuietly(externalDataSource);
    closeQuietly(ownPostgres);
    LOG.info("hospital node closed name={}", properties.name());
  }

  private static void closeQuietly(final AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (final Exception e) {
      LOG.warn("error while closing {}", c.getClass().getSimpleName(), e);
    }
  }
}
