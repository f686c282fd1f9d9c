package org.fhirledger.ledger.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.consensus.ConsensusConfig;
import org.fhirledger.ledger.consensus.messages.Commit;
import org.fhirledger.ledger.consensus.messages.ConsensusCodec;
import org.fhirledger.ledger.consensus.messages.Prepare;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.fhirledger.ledger.p2p.PeerListener;
import org.fhirledger.ledger.p2p.PeerTransport;
import org.fhirledger.ledger.p2p.tio.TioPeerTransport;
import org.fhirledger.ledger.p2p.tio.TransportConfig;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The simulator's fault scenarios over real T-io sockets on 127.0.0.1 (4 and 7 validators, f = 1 and 2), one
 * fault kind at a time so that each uses the whole budget of f: a Byzantine member (the last validator's
 * authenticated connections, through which the test injects garbage, truncated frames, double votes, forged
 * signatures and far-future messages), f validators crashed and restarted from their RocksDB store (chain and vote
 * journal), and f validators cut off by a partition that then heals. Every write acknowledged to a client must
 * end up final on every node, and all chains must be identical and certified.
 */
class LedgerNetworkFaultIT {
  private static final String CHAIN = "fault-it";
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir
  Path dir;
  private final List<Signer> keys = new ArrayList<>();
  private final List<Validator> members = new CopyOnWriteArrayList<>();
  private final List<LedgerNode> nodes = new ArrayList<>();
  private final List<RocksDbLedgerStore> stores = new ArrayList<>();

  static {
    // t-io logs refused dials (peers that are down on purpose here) at ERROR; keep the output readable
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.tio")).setLevel(ch.qos.logback.classic.Level.OFF);
  }
  private final List<CuttableTransport> transports = new ArrayList<>();
  private final List<Hash32> acknowledged = new CopyOnWriteArrayList<>();
  private Genesis genesis;
  private int n;
  private long nonce;

  /** The real transport, with a switch that drops everything to and from chosen peers: a partition. */
  private static final class CuttableTransport implements PeerTransport {
    private final TioPeerTransport inner;
    private final Set<PublicKey> cut = ConcurrentHashMap.newKeySet();

    CuttableTransport(final TioPeerTransport inner) {
      this.inner = inner;
    }

    @Override
    public void start(final PeerListener listener) throws IOException {
      inner.start(new PeerListener() {
        @Override
        public void onMessage(final PublicKey from, final byte[] payload) {
          if (!cut.contains(from)) {
            listener.onMessage(from, payload);
          }
        }

        @Override
        public void onPeerUp(final PublicKey peer) {
          listener.onPeerUp(peer);
        }

        @Override
        public void onPeerDown(final PublicKey peer) {
          listener.onPeerDown(peer);
        }
      });
    }

    @Override
    public boolean send(final PublicKey peer, final byte[] payload) {
      return !cut.contains(peer) && inner.send(peer, payload);
    }

    @Override
    public void broadcast(final byte[] payload) {
      for (final PublicKey peer : inner.connectedPeers()) {
        send(peer, payload);
      }
    }

    @Override
    public Set<PublicKey> connectedPeers() {
      return inner.connectedPeers();
    }

    @Override
    public int port() {
      return inner.port();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  private final MemberDirectory directory = () -> List.copyOf(members);

  @AfterEach
  void stopAll() {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i) != null) {
        crash(i);
      }
    }
  }

  private void setUp(final int count) throws IOException {
    n = count;
    final Random random = new Random(count);
    final List<Validator> vs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      final byte[] sk = new byte[32];
      random.nextBytes(sk);
      keys.add(Ed25519Keys.fromPrivateKey(sk));
      vs.add(new Validator("v" + i, keys.get(i).publicKey(), "127.0.0.1", 0));
    }
    genesis = new Genesis(CHAIN, 1_700_000_000_000L, vs, vs.get(0).publicKey());
    members.addAll(vs);
    for (int i = 0; i < n; i++) {
      nodes.add(null);
      transports.add(null);
      stores.add(null);
    }
    for (int i = 0; i < n; i++) {
      startNode(i);
    }
    await().atMost(WAIT).until(() -> honest().stream().allMatch(i -> transports.get(i).connectedPeers().size() == n - 1));
  }

  private static TransportConfig config() {
    return TransportConfig.of("127.0.0.1", 0, CHAIN, Hash32.sha256(CHAIN.getBytes(StandardCharsets.UTF_8)))
        .withHeartbeat(Duration.ofMillis(500)).withReconnect(Duration.ofMillis(50), Duration.ofMillis(500));
  }

  private void setPort(final int i, final int port) {
    final Validator v = members.get(i);
    members.set(i, new Validator(v.name(), v.publicKey(), v.host(), port));
  }

  private void startNode(final int i) throws IOException {
    final RocksDbLedgerStore store = RocksDbLedgerStore.open(dir.resolve("node-" + i));
    store.initGenesis(genesis);
    final CuttableTransport transport = new CuttableTransport(new TioPeerTransport(config(), keys.get(i), Ed25519Keys.verifier(), directory));
    final NodeConfig config = new NodeConfig(200, NodeConfig.DEFAULT_BLOCK_MAX_BYTES, Duration.ofMillis(5), 64, Duration.ofMillis(300),
        100_000, new ConsensusConfig(Duration.ofMillis(400), Duration.ofSeconds(4), 10_000, 10));
    final LedgerNode node = new LedgerNode(genesis, keys.get(i), Ed25519Keys.verifier(), store, transport, config, List.of());
    node.start();
    setPort(i, transport.port());
    nodes.set(i, node);
    transports.set(i, transport);
    stores.set(i, store);
  }

  /** Stops the node as a crash would leave its disk: what RocksDB synced is all that remains. */
  private void crash(final int i) {
    nodes.get(i).close();
    transports.get(i).close();
    stores.get(i).close();
    nodes.set(i, null);
  }

  private List<Integer> honest() {
    final List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (nodes.get(i) != null) {
        out.add(i);
      }
    }
    return out;
  }

  private CompletableFuture<TransactionOutcome> write(final int node) {
    nonce++;
    final byte[] content = ("{\"resourceType\":\"Patient\",\"id\":\"p" + nonce + "\"}").getBytes(StandardCharsets.UTF_8);
    final ContentId cid = ContentId.of(ContentId.CODEC_RAW, content);
    final Transaction tx = Transaction.sign(CHAIN, keys.get(node), "it", System.currentTimeMillis(), nonce,
        List.of(new ResourceChange(Operation.CREATE, "Patient", "p" + nonce, 1, 0, cid, content.length)));
    return nodes.get(node).submit(tx, List.of(new Chunk(cid, content))).thenApply(o -> {
      if (o.committed()) {
        acknowledged.add(tx.hash());
      }
      return o;
    });
  }

  private void writeAtEveryHonestNode(final int perNode) throws Exception {
    final List<CompletableFuture<TransactionOutcome>> pending = new ArrayList<>();
    for (int k = 0; k < perNode; k++) {
      for (final int i : honest()) {
        pending.add(write(i));
      }
    }
    for (final CompletableFuture<TransactionOutcome> p : pending) {
      assertThat(p.get(WAIT.toSeconds(), TimeUnit.SECONDS).committed()).isTrue();
    }
  }

  /** Every honest node reaches the same height, with identical certified chains holding every acknowledged write. */
  private void assertConverged() {
    await().atMost(WAIT).until(() -> {
      final long top = honest().stream().mapToLong(i -> nodes.get(i).store().height()).max().orElse(0);
      return honest().stream().allMatch(i -> nodes.get(i).store().height() == top);
    });
    final int first = honest().get(0);
    final long height = nodes.get(first).store().height();
    for (long h = 1; h <= height; h++) {
      final Hash32 expected = nodes.get(first).store().blockHash(h).orElseThrow();
      for (final int i : honest()) {
        assertThat(nodes.get(i).store().blockHash(h)).as("node %d at height %d", i, h).contains(expected);
        final CommitCertificate cert = nodes.get(i).store().certificate(h).orElseThrow();
        assertThat(cert.check(CHAIN, genesis.validatorSet(), Ed25519Keys.verifier())).isNull();
      }
    }
    for (final Hash32 tx : acknowledged) {
      for (final int i : honest()) {
        assertThat(nodes.get(i).store().outcome(tx)).as("acknowledged write %s on node %d", tx.toShortHex(), i)
            .hasValueSatisfying(o -> assertThat(o.committed()).isTrue());
      }
    }
  }

  /** What a Byzantine member sends besides nothing useful: garbage, truncated frames, forged and conflicting votes. */
  private void misbehave(final long height) {
    final TioPeerTransport byzantine = transports.get(n - 1).inner;
    final Random random = new Random(height);
    final byte[] garbage = new byte[64 + random.nextInt(512)];
    random.nextBytes(garbage);
    byzantine.broadcast(garbage);
    byzantine.broadcast(new byte[] {(byte) NodeMessage.TYPE_CONSENSUS});
    final Signer me = keys.get(n - 1);
    for (int r = 0; r < 3; r++) {
      final Hash32 a = Hash32.sha256(("a" + height + r).getBytes(StandardCharsets.UTF_8));
      final Hash32 b = Hash32.sha256(("b" + height + r).getBytes(StandardCharsets.UTF_8));
      byzantine.broadcast(new NodeMessage.ConsensusPayload(ConsensusCodec.encode(Prepare.create(me, CHAIN, height, r, a))).encode());
      byzantine.broadcast(new NodeMessage.ConsensusPayload(ConsensusCodec.encode(Prepare.create(me, CHAIN, height, r, b))).encode());
      byzantine.broadcast(new NodeMessage.ConsensusPayload(ConsensusCodec.encode(Commit.create(me, CHAIN, height, r, a))).encode());
      final byte[] forged = ConsensusCodec.encode(Commit.create(keys.get(0), CHAIN, height, r, b));
      forged[forged.length - 1] ^= 1;
      byzantine.broadcast(new NodeMessage.ConsensusPayload(forged).encode());
      byzantine.broadcast(new NodeMessage.ConsensusPayload(ConsensusCodec.encode(Prepare.create(me, CHAIN, height + 10_000 + r, 0, a))).encode());
    }
  }

  @ParameterizedTest(name = "{0} validators")
  @ValueSource(ints = {4, 7})
  void crashesPartitionsAndAByzantineMemberLoseNoAcknowledgedWrite(final int count) throws Exception {
    setUp(count);
    final int f = (count - 1) / 3;
    writeAtEveryHonestNode(2);
    assertConverged();

    // a Byzantine member: the last validator's connections carry garbage and lies while everyone writes
    for (int k = 0; k < 3; k++) {
      misbehave(nodes.get(0).store().height() + 1);
      writeAtEveryHonestNode(1);
    }
    assertConverged();
    // what could be checked was checked: bad frames and signatures dropped, double votes kept as evidence
    await().atMost(WAIT).until(() -> honest().stream().filter(i -> i != n - 1)
        .allMatch(i -> nodes.get(i).status().droppedMessages() > 0));
    assertThat(honest().stream().filter(i -> i != n - 1).mapToInt(i -> nodes.get(i).status().evidence()).sum())
        .as("double votes recorded as evidence").isPositive();

    // f validators crash; the others (a quorum) keep committing; the crashed ones restart from disk and catch up
    for (int k = 0; k < f; k++) {
      crash(k);
    }
    writeAtEveryHonestNode(3);
    for (int k = 0; k < f; k++) {
      startNode(k);
    }
    assertConverged();

    // a partition cuts f validators off; the rest keep committing; after healing the cut-off ones catch up
    final List<Integer> isolated = new ArrayList<>();
    for (int k = 0; k < f; k++) {
      isolated.add(n - 1 - k);
    }
    for (final int i : honest()) {
      for (final int j : honest()) {
        if (isolated.contains(i) != isolated.contains(j)) {
          transports.get(i).cut.add(keys.get(j).publicKey());
        }
      }
    }
    final List<CompletableFuture<TransactionOutcome>> majority = new ArrayList<>();
    for (final int i : honest()) {
      if (!isolated.contains(i)) {
        majority.add(write(i));
        majority.add(write(i));
      }
    }
    for (final CompletableFuture<TransactionOutcome> p : majority) {
      assertThat(p.get(WAIT.toSeconds(), TimeUnit.SECONDS).committed()).isTrue();
    }
    for (final int i : honest()) {
      transports.get(i).cut.clear();
    }
    writeAtEveryHonestNode(2);
    assertConverged();
    assertThat(acknowledged).hasSizeGreaterThan(10 * (count - f));
  }
}
