package org.fhirledger.server.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import javax.sql.DataSource;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.consensus.ConsensusConfig;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.KeyFiles;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.node.ChainMemberDirectory;
import org.fhirledger.ledger.node.LedgerNode;
import org.fhirledger.ledger.node.NodeConfig;
import org.fhirledger.ledger.kademlia.ChunkFetcher;
import org.fhirledger.ledger.kademlia.ContentPlacer;
import org.fhirledger.ledger.kademlia.DhtConfig;
import org.fhirledger.ledger.kademlia.DhtMessage;
import org.fhirledger.ledger.kademlia.DhtNode;
import org.fhirledger.ledger.p2p.PayloadRouter;
import org.fhirledger.ledger.p2p.PeerTransport;
import org.fhirledger.ledger.p2p.SharedPeerTransport;
import org.fhirledger.ledger.p2p.tio.TioPeerTransport;
import org.fhirledger.ledger.store.rocksdb.RocksDbLocalChunks;
import org.fhirledger.ledger.p2p.tio.TransportConfig;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.config.GenesisFile;
import org.fhirledger.server.dao.FhirTermExtractor;
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
  /** Requests in flight to one holder while fetching large content, and threads that hash what arrives. */
  static final int FETCH_PER_HOLDER = 8;
  static final int FETCH_VERIFIER_THREADS = 2;

  private final NodeProperties properties;
  private final Genesis genesis;
  private final RocksDbLedgerStore store;
  private final EmbeddedPostgresServer ownPostgres;
  private final AutoCloseable externalDataSource;
  private final SearchIndex index;
  private final TioPeerTransport transport;
  private final LedgerNode ledger;
  private final IndexingBlockListener indexer;
  private final NodeSearchParams searchParams;
  private final DhtNode dht;
  private final ChunkFetcher fetcher;
  private final ContentPlacer placer;
  private final LedgerContent content;

  private HospitalNode(
      final NodeProperties properties,
      final Genesis genesis,
      final RocksDbLedgerStore store,
      final EmbeddedPostgresServer ownPostgres,
      final AutoCloseable externalDataSource,
      final SearchIndex index,
      final TioPeerTransport transport,
      final LedgerNode ledger,
      final IndexingBlockListener indexer,
      final NodeSearchParams searchParams,
      final Dht dht) {
    this.indexer = indexer;
    this.searchParams = searchParams;
    this.dht = dht.node();
    this.fetcher = dht.fetcher();
    this.placer = new ContentPlacer(dht.node());
    this.content = dht.content();
    this.properties = properties;
    this.genesis = genesis;
    this.store = store;
    this.ownPostgres = ownPostgres;
    this.externalDataSource = externalDataSource;
    this.index = index;
    this.transport = transport;
    this.ledger = ledger;
  }

  /**
   * Opens and starts the node's parts in order. If any step fails, what was opened is closed again (newest
   * first), so a failed start leaves no RocksDB lock, PostgreSQL process or bound port behind.
   */
  public static HospitalNode start(final NodeProperties properties) throws IOException {
    final Signer signer = KeyFiles.readPrivateKey(required(properties.resolve(properties.keyFile()), "fhirledger.node.key-file"));
    final Genesis genesis = GenesisFile.read(required(properties.resolve(properties.genesisFile()), "fhirledger.node.genesis-file"));
    final Path dataDir = properties.resolve(properties.dataDir());
    Files.createDirectories(dataDir);
    final Deque<AutoCloseable> opened = new ArrayDeque<>();
    try {
      final RocksDbLedgerStore store = track(opened, RocksDbLedgerStore.open(dataDir.resolve("chain")));
      final EmbeddedPostgresServer ownPostgres;
      final AutoCloseable externalDataSource;
      final DataSource dataSource;
      if (properties.jdbcUrl() == null || properties.jdbcUrl().isBlank()) {
        ownPostgres = track(opened, EmbeddedPostgresServer.start(dataDir.resolve("postgres"), true));
        externalDataSource = null;
        dataSource = ownPostgres.dataSourceFor("fhirledger");
      } else {
        ownPostgres = null;
        final var pool = track(opened, IndexDataSources.forUrl(properties.jdbcUrl(), properties.jdbcUsername(), properties.jdbcPassword()));
        externalDataSource = pool;
        dataSource = pool;
      }
      final SearchIndex index = new SearchIndex(dataSource);
      index.migrate();
      final TransportConfig transportConfig = TransportConfig.of(properties.p2pHost(), properties.p2pPort(), genesis.chainId(), genesis.hash());
      // the transport's members follow the committed validator set, not the genesis alone
      final ChainMemberDirectory members = new ChainMemberDirectory(store, genesis);
      final TioPeerTransport transport = track(opened,
          new TioPeerTransport(transportConfig, signer, Ed25519Keys.verifier(), members, properties.p2pTls()));
      // the DHT shares the ledger's authenticated transport: its payloads (types 0x40..) are routed to it
      final Dht dht = Dht.open(signer, store, members, transport, opened);
      final PeerTransport shared = new SharedPeerTransport(transport,
          List.of(new PayloadRouter.Route(DhtMessage::isDhtPayload, dht.node())));
      final NodeSearchParams searchParams = new NodeSearchParams(FhirContexts.r4(), index, store, dht.content());
      searchParams.reload();
      final IndexingBlockListener indexer = track(opened,
          new IndexingBlockListener(index, store, dht.content(), searchParams, properties.name()));
      final LedgerNode ledger = track(opened,
          new LedgerNode(genesis, signer, Ed25519Keys.verifier(), store,
              new ConnectionLoggingTransport(shared, index, members, properties.name()), nodeConfig(properties),
              List.of(indexer, applied -> recordMembers(index, store, applied), applied -> tellDhtOfLeavers(dht.node(), store, applied)),
              new FhirTermExtractor(FhirContexts.r4().getResourceTypes())));
      indexer.catchUp();
      indexer.scheduleReindex();
      final java.util.Set<Validator> known = new java.util.LinkedHashSet<>(genesis.validators());
      store.validatorHistory().values().forEach(set -> known.addAll(set.validators()));
      for (final Validator v : known) {
        index.recordNode(v.publicKey().toHex(), v.name(), v.host() + ":" + v.p2pPort(), java.time.Instant.now());
      }
      replayRemovals(index, store);
      ledger.start();
      dht.node().start();
      index.log("INFO", "node-started", "height=" + store.height());
      return new HospitalNode(properties, genesis, store, ownPostgres, externalDataSource, index, transport, ledger, indexer, searchParams, dht);
    } catch (final IOException | RuntimeException e) {
      while (!opened.isEmpty()) {
        closeQuietly(opened.pop());
      }
      throw e;
    }
  }

  /**
   * The node registry's removals from the chain's validator history (idempotent): a set in force from height h
   * that lacks members of the set before it means the block at h - 1 removed them.
   */
  private static void replayRemovals(final SearchIndex index, final RocksDbLedgerStore store) {
    org.fhirledger.ledger.chain.ValidatorSet before = null;
    for (final java.util.Map.Entry<Long, org.fhirledger.ledger.chain.ValidatorSet> e : store.validatorHistory().entrySet()) {
      if (before != null) {
        recordMembership(index, before, e.getValue(), e.getKey() - 1);
      }
      before = e.getValue();
    }
  }

  private static void recordMembership(final SearchIndex index, final org.fhirledger.ledger.chain.ValidatorSet before,
      final org.fhirledger.ledger.chain.ValidatorSet after, final long height) {
    final List<String> current = after.validators().stream().map(v -> v.publicKey().toHex()).toList();
    final List<String> removed = before.validators().stream().map(v -> v.publicKey().toHex()).filter(k -> !current.contains(k)).toList();
    index.recordMembership(current, removed, height);
  }

  /**
   * The node registry keeps every member the chain ever admitted (rare: one SQL upsert per member per change), and
   * marks the members a committed membership transaction removed with the height of its block.
   */
  private static void recordMembers(final SearchIndex index, final RocksDbLedgerStore store,
      final org.fhirledger.ledger.store.AppliedBlock applied) {
    if (applied.nextValidators() == null) {
      return;
    }
    try {
      recordMembership(index, store.validatorsAt(applied.block().height()), applied.nextValidators(), applied.block().height());
    } catch (final RuntimeException e) {
      LOG.warn("could not record a membership change in the node registry height={} error={}", applied.block().height(), e.toString());
    }
    for (final Validator v : applied.nextValidators().validators()) {
      try {
        index.recordNode(v.publicKey().toHex(), v.name(), v.host() + ":" + v.p2pPort(), java.time.Instant.now());
      } catch (final RuntimeException e) {
        LOG.warn("could not record member in the node registry name={} error={}", v.name(), e.toString());
      }
    }
  }

  /** The node's DHT parts: its chunks in RocksDB, the Kademlia node, the parallel fetcher and the reader over both. */
  private record Dht(DhtNode node, ChunkFetcher fetcher, LedgerContent content) {
    static Dht open(final Signer signer, final RocksDbLedgerStore store, final ChainMemberDirectory members,
        final PeerTransport transport, final Deque<AutoCloseable> opened) {
      final RocksDbLocalChunks chunks = new RocksDbLocalChunks(store);
      final DhtConfig config = DhtConfig.forMembers(members.members().size());
      final DhtNode node = track(opened, new DhtNode(signer, config, chunks, members, transport));
      final ChunkFetcher fetcher = track(opened, new ChunkFetcher(node, FETCH_PER_HOLDER, FETCH_VERIFIER_THREADS));
      return new Dht(node, fetcher, new LedgerContent(chunks::get, fetcher));
    }
  }

  /** A committed removal: the DHT copies what the member held to the next-closest members (repair). */
  private static void tellDhtOfLeavers(final DhtNode dht, final RocksDbLedgerStore store,
      final org.fhirledger.ledger.store.AppliedBlock applied) {
    if (applied.nextValidators() == null) {
      return;
    }
    final java.util.Set<org.fhirledger.ledger.crypto.PublicKey> staying = new java.util.HashSet<>();
    applied.nextValidators().validators().forEach(v -> staying.add(v.publicKey()));
    store.validatorsAt(applied.block().height()).validators().stream().map(Validator::publicKey).filter(k -> !staying.contains(k)).forEach(dht::memberLeft);
  }

  private static <T extends AutoCloseable> T track(final Deque<AutoCloseable> opened, final T resource) {
    opened.push(resource);
    return resource;
  }

  private static NodeConfig nodeConfig(final NodeProperties properties) {
    return new NodeConfig(
        properties.blockMaxTransactions(),
        NodeConfig.DEFAULT_BLOCK_MAX_BYTES,
        Duration.ofMillis(properties.blockWaitMillis()),
        NodeConfig.DEFAULT_SYNC_BATCH_BLOCKS,
        NodeConfig.DEFAULT_STATUS_INTERVAL,
        NodeConfig.DEFAULT_EVENT_QUEUE_CAPACITY,
        new ConsensusConfig(Duration.ofMillis(properties.roundTimeoutMillis()), ConsensusConfig.DEFAULT_MAX_ROUND_TIMEOUT,
            ConsensusConfig.DEFAULT_MAX_BUFFERED_FUTURE_MESSAGES, ConsensusConfig.DEFAULT_FUTURE_HEIGHT_WINDOW));
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

  /** Places the leaves of large content on their assigned holders before its transaction is proposed. */
  public ContentPlacer placer() {
    return placer;
  }

  /** Reads content from this node's chunks, fetching leaves of large content held elsewhere. */
  public LedgerContent content() {
    return content;
  }

  public DhtNode dht() {
    return dht;
  }

  public ChunkFetcher fetcher() {
    return fetcher;
  }

  public SearchIndex index() {
    return index;
  }

  /** The search parameters (base and custom) and their reindex jobs. */
  public NodeSearchParams searchParams() {
    return searchParams;
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

  /** Whether peer-to-peer connections run inside TLS. */
  public boolean p2pTls() {
    return transport.tlsEnabled();
  }

  /** The peer-to-peer transport's counters (frames, drops, failed connections). */
  public org.fhirledger.ledger.p2p.tio.TransportStats p2pStats() {
    return transport.stats();
  }

  @Override
  public void close() {
    closeQuietly(fetcher);
    closeQuietly(dht); // before the transport: late sends of the DHT go nowhere
    closeQuietly(ledger);
    closeQuietly(indexer); // after the ledger (no new blocks), before the store and PostgreSQL it reads and writes
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
