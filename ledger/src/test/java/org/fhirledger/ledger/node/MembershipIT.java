package org.fhirledger.ledger.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.audit.ChainAuditor;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.CommitSeal;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.MembershipChange;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.consensus.ConsensusConfig;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.fhirledger.ledger.p2p.tio.TioPeerTransport;
import org.fhirledger.ledger.p2p.tio.TransportConfig;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership over real T-io sockets on 127.0.0.1 and real RocksDB stores: a fifth hospital, outside the genesis,
 * is refused until the manager's ADD_VALIDATOR is final, then is admitted, catches up by certified blocks and
 * votes (with one old validator down, no quorum of five forms without its seal); a removed validator is
 * disconnected within a heartbeat and refused afterwards, and the remaining four commit with their own quorum
 * (three, so they commit with one of them down); a validator that was down through both changes restarts from
 * disk and catches up across them, checking every certificate against the set in force at its height. Each node's transport follows the chain through
 * {@link ChainMemberDirectory}; only the ephemeral ports are laid over it, because the genesis cannot know them.
 */
class MembershipIT {
  private static final String CHAIN = "membership-it";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration HEARTBEAT = Duration.ofMillis(500);
  private static final int JOINER = 4;

  static {
    // t-io logs refused dials at ERROR; the refusals are the point here
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.tio")).setLevel(ch.qos.logback.classic.Level.OFF);
  }

  @TempDir
  Path dir;
  private final List<Signer> keys = new ArrayList<>();
  private final Map<PublicKey, Integer> ports = new ConcurrentHashMap<>();
  private final LedgerNode[] nodes = new LedgerNode[5];
  private final TioPeerTransport[] transports = new TioPeerTransport[5];
  private final RocksDbLedgerStore[] stores = new RocksDbLedgerStore[5];
  private Genesis genesis;
  private long nonce;

  @AfterEach
  void stopAll() {
    for (int i = 0; i < nodes.length; i++) {
      if (nodes[i] != null) {
        stop(i);
      }
    }
  }

  private static TransportConfig config() {
    return TransportConfig.of("127.0.0.1", 0, CHAIN, Hash32.sha256(CHAIN.getBytes(StandardCharsets.UTF_8)))
        .withHeartbeat(HEARTBEAT).withReconnect(Duration.ofMillis(50), Duration.ofMillis(500));
  }

  /** Who is a member comes from the node's own chain; where it listens is the port its transport bound. */
  private MemberDirectory directoryOf(final RocksDbLedgerStore store) {
    final ChainMemberDirectory chain = new ChainMemberDirectory(store, genesis);
    return () -> chain.members().stream()
        .map(v -> new Validator(v.name(), v.publicKey(), v.host(), ports.getOrDefault(v.publicKey(), v.p2pPort())))
        .toList();
  }

  private void start(final int i) throws IOException {
    final RocksDbLedgerStore store = RocksDbLedgerStore.open(dir.resolve("node-" + i));
    final TioPeerTransport transport = new TioPeerTransport(config(), keys.get(i), Ed25519Keys.verifier(), directoryOf(store));
    final NodeConfig config = new NodeConfig(200, NodeConfig.DEFAULT_BLOCK_MAX_BYTES, Duration.ofMillis(5), 64, Duration.ofMillis(300),
        100_000, new ConsensusConfig(Duration.ofMillis(400), Duration.ofSeconds(4), 10_000, 10));
    final LedgerNode node = new LedgerNode(genesis, keys.get(i), Ed25519Keys.verifier(), store, transport, config, List.of());
    node.start();
    ports.put(keys.get(i).publicKey(), transport.port());
    nodes[i] = node;
    transports[i] = transport;
    stores[i] = store;
  }

  private void stop(final int i) {
    nodes[i].close();
    transports[i].close();
    stores[i].close();
    nodes[i] = null;
  }

  private PublicKey key(final int i) {
    return keys.get(i).publicKey();
  }

  private CompletableFuture<TransactionOutcome> write(final int node) {
    nonce++;
    final byte[] content = ("{\"resourceType\":\"Patient\",\"id\":\"m" + nonce + "\"}").getBytes(StandardCharsets.UTF_8);
    final ContentId cid = ContentId.of(ContentId.CODEC_RAW, content);
    final Transaction tx = Transaction.sign(CHAIN, keys.get(node), "it", System.currentTimeMillis(), nonce,
        List.of(new ResourceChange(Operation.CREATE, "Patient", "m" + nonce, 1, 0, cid, content.length)));
    return nodes[node].submit(tx, List.of(new Chunk(cid, content)));
  }

  private void writeAndCommit(final int... at) throws Exception {
    final List<CompletableFuture<TransactionOutcome>> pending = new ArrayList<>();
    for (final int i : at) {
      pending.add(write(i));
    }
    for (final CompletableFuture<TransactionOutcome> p : pending) {
      assertThat(p.get(WAIT.toSeconds(), TimeUnit.SECONDS).committed()).isTrue();
    }
  }

  private TransactionOutcome submitMembership(final MembershipChange change) throws Exception {
    nonce++;
    final Transaction tx = change.sign(CHAIN, keys.get(0), "operator", System.currentTimeMillis(), nonce);
    return nodes[0].submit(tx, List.of(change.chunk())).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private boolean sealed(final int node, final long height, final int by) {
    final CommitCertificate cert = stores[node].certificate(height).orElseThrow();
    return cert.seals().stream().map(CommitSeal::validator).anyMatch(key(by)::equals);
  }

  private long handshakeFailures(final int... at) {
    long sum = 0;
    for (final int i : at) {
      sum += transports[i].stats().handshakeFailures();
    }
    return sum;
  }

  @Test
  void aFifthHospitalJoinsAndVotesAndARemovedOneIsCutOffWhileTheRestKeepCommitting() throws Exception {
    final Random random = new Random(5);
    final List<Validator> vs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      final byte[] sk = new byte[32];
      random.nextBytes(sk);
      keys.add(Ed25519Keys.fromPrivateKey(sk));
      if (i < 4) {
        vs.add(new Validator("hospital-" + i, key(i), "127.0.0.1", 0));
      }
    }
    genesis = new Genesis(CHAIN, 1_700_000_000_000L, vs, key(0));
    // the leaver: the validator (not the manager) with the lowest key, so that it dials the others and their
    // refusals of its hello can be counted (the lower key dials the higher)
    final int leaver = List.of(1, 2, 3).stream().min((a, b) -> key(a).compareTo(key(b))).orElseThrow();
    final int[] stay = List.of(0, 1, 2, 3).stream().filter(i -> i != leaver).mapToInt(Integer::intValue).toArray();
    assertThat(stay[0]).isZero();
    for (int i = 0; i < 4; i++) {
      start(i);
    }
    await().atMost(WAIT).until(() -> List.of(0, 1, 2, 3).stream().allMatch(i -> transports[i].connectedPeers().size() == 3));
    writeAndCommit(0, 1, 2, 3);

    // the fifth hospital runs, but is nobody's member yet: no connection, and it cannot write
    start(JOINER);
    await().during(HEARTBEAT.multipliedBy(3)).atMost(WAIT).until(() -> transports[JOINER].connectedPeers().isEmpty());
    final CompletableFuture<TransactionOutcome> refusedWrite = write(JOINER);
    assertThat(refusedWrite).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(NodeBusyException.class).withMessageContaining("not a member");

    // the laggard goes down now and comes back only after both changes: it must catch up across them
    final int laggard = stay[2];
    final int other = stay[1];
    stop(laggard);

    // the manager adds the joiner, with its endpoint; from the next height it is a validator
    final TransactionOutcome added = submitMembership(
        MembershipChange.add(new Validator("hospital-4", key(JOINER), "127.0.0.1", transports[JOINER].port())));
    assertThat(added.committed()).as("add: %s", added.rejection()).isTrue();
    assertThat(stores[0].validatorsAt(added.height()).size()).isEqualTo(4);
    assertThat(stores[0].validatorsAt(added.height() + 1).size()).isEqualTo(5);
    await().atMost(WAIT).until(() -> transports[JOINER].connectedPeers().containsAll(List.of(key(0), key(other), key(leaver))));
    // it catches up by certified blocks, checking each against the set of its height, and learns it was added
    await().atMost(WAIT).until(() -> stores[JOINER].height() >= added.height());
    assertThat(stores[JOINER].validatorsAt(added.height() + 1)).isEqualTo(stores[0].validatorsAt(added.height() + 1));

    // n = 5, quorum 4, and the laggard is down: no block is final without the joiner's seal
    final long beforeJoinerVotes = stores[0].height();
    writeAndCommit(0, JOINER);
    writeAndCommit(other, leaver, JOINER);
    final long afterJoinerVotes = stores[0].height();
    assertThat(afterJoinerVotes).isGreaterThan(beforeJoinerVotes);
    for (long h = beforeJoinerVotes + 1; h <= afterJoinerVotes; h++) {
      assertThat(sealed(0, h, JOINER)).as("the joiner sealed height %d", h).isTrue();
    }

    // the manager removes the leaver: the others close its connection within a heartbeat of applying the block
    final TransactionOutcome removed = submitMembership(MembershipChange.remove(key(leaver)));
    assertThat(removed.committed()).as("remove: %s", removed.rejection()).isTrue();
    final int[] connected = {0, other, JOINER};
    await().atMost(WAIT).until(() -> java.util.Arrays.stream(connected).allMatch(i -> stores[i].height() >= removed.height()));
    await().atMost(HEARTBEAT.multipliedBy(2)).until(() -> java.util.Arrays.stream(connected)
        .noneMatch(i -> transports[i].connectedPeers().contains(key(leaver))));
    // ... and refuse its hello from then on
    final long refusals = handshakeFailures(connected);
    await().atMost(WAIT).until(() -> handshakeFailures(connected) > refusals);
    await().during(HEARTBEAT.multipliedBy(3)).atMost(WAIT).until(() -> transports[leaver].connectedPeers().isEmpty());
    // n = 4 (0, other, laggard, joiner), quorum 3: with the laggard still down the three commit
    writeAndCommit(connected);

    // the laggard returns from disk and catches up across the add and the removal, trusting no peer
    start(laggard);
    final long caughtUpTo = stores[0].height();
    await().atMost(WAIT).until(() -> stores[laggard].height() >= caughtUpTo);
    assertThat(stores[laggard].validatorHistory()).isEqualTo(stores[0].validatorHistory());
    await().atMost(WAIT).until(() -> transports[laggard].connectedPeers().containsAll(List.of(key(0), key(other), key(JOINER))));

    // still quorum 3 of 4: with `other` down, the manager, the laggard and the joiner commit
    stop(other);
    final long beforeSecondOutage = stores[0].height();
    writeAndCommit(0, laggard, JOINER);
    assertThat(stores[0].height()).isGreaterThan(beforeSecondOutage);
    for (long h = 1; h <= stores[0].height(); h++) {
      final Block block = stores[0].block(h).orElseThrow();
      assertThat(stores[0].certificate(h).orElseThrow().check(CHAIN, stores[0].validatorsAt(h), Ed25519Keys.verifier()))
          .as("certificate of height %d against the set in force there", h).isNull();
      if (h > removed.height()) {
        assertThat(sealed(0, h, leaver)).as("no seal of the removed validator at %d", h).isFalse();
        assertThat(block.header().proposer()).isNotEqualTo(key(leaver));
      }
    }
    final long top = stores[0].height();
    await().atMost(WAIT).until(() -> stores[JOINER].height() >= top);
    assertThat(stores[JOINER].validatorHistory()).isEqualTo(stores[0].validatorHistory());
    assertThat(stores[0].validatorHistory()).hasSize(3);

    stopAll();
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir.resolve("node-" + JOINER))) {
      final ChainAuditor.Report report = new ChainAuditor(Ed25519Keys.verifier()).audit(store);
      assertThat(report.failure()).as("offline audit of the joiner's chain").isEmpty();
    }
  }
}
