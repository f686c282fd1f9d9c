package org.fhirledger.ledger.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.node.LedgerNode;
import org.fhirledger.ledger.node.NodeConfig;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.fhirledger.ledger.p2p.tio.TioPeerTransport;
import org.fhirledger.ledger.p2p.tio.TransportConfig;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Commit latency at low load on the real stack: four (or {@code -p nodeCount=7,10}) {@link LedgerNode}s in this JVM with their own RocksDB stores
 * (every block a synced write batch) and T-io transports on 127.0.0.1, default {@link NodeConfig} (2 ms batching
 * wait, 500 transactions a block). One client thread submits a signed 1 KiB create to the nodes in turn and waits
 * until the block holding it is final and applied at that node, then sends the next: one write in flight at a
 * time. Sample mode reports the distribution (p0.50, p0.99 of the measured iterations). Run with JMH's
 * {@code -t 32 -bm thrpt} for the commit rate with 32 writes in flight (the threads share the one network).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 3, time = 10)
@Threads(1)
@Fork(1)
public class LoopbackCommitLatencyBenchmark {
  private static final String CHAIN = "bench-latency";

  /** Validators in the network: 4, 7 and 10 tolerate f = 1, 2 and 3 faults ({@code -p nodeCount=4,7,10}). */
  @Param({"4"})
  public int nodeCount;

  private final List<Signer> keys = new ArrayList<>();
  private final List<Validator> members = new CopyOnWriteArrayList<>();
  private final MemberDirectory directory = () -> List.copyOf(members);
  private final List<LedgerNode> nodes = new ArrayList<>();
  private final List<TioPeerTransport> transports = new ArrayList<>();
  private final List<RocksDbLedgerStore> stores = new ArrayList<>();
  private Path dir;
  private final java.util.concurrent.atomic.AtomicLong nonce = new java.util.concurrent.atomic.AtomicLong();

  @Setup(Level.Trial)
  public void startNetwork() throws IOException {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.fhirledger")).setLevel(ch.qos.logback.classic.Level.WARN);
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.tio")).setLevel(ch.qos.logback.classic.Level.OFF);
    dir = Files.createTempDirectory("latency-bench");
    final List<Validator> validators = new ArrayList<>();
    for (int i = 0; i < nodeCount; i++) {
      keys.add(Ed25519Keys.generate(TestChain.seededRandom(300 + i)));
      validators.add(new Validator("v" + i, keys.get(i).publicKey(), "127.0.0.1", 0));
    }
    members.addAll(validators);
    final Genesis genesis = new Genesis(CHAIN, 1_700_000_000_000L, validators, validators.get(0).publicKey());
    final TransportConfig transport = TransportConfig.of("127.0.0.1", 0, CHAIN, Hash32.sha256(CHAIN.getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < nodeCount; i++) {
      final RocksDbLedgerStore store = RocksDbLedgerStore.open(dir.resolve("node-" + i));
      store.initGenesis(genesis);
      final TioPeerTransport t = new TioPeerTransport(transport, keys.get(i), Ed25519Keys.verifier(), directory);
      final LedgerNode node = new LedgerNode(genesis, keys.get(i), Ed25519Keys.verifier(), store, t, NodeConfig.defaults(), List.of());
      node.start();
      final Validator v = members.get(i);
      members.set(i, new Validator(v.name(), v.publicKey(), v.host(), t.port()));
      stores.add(store);
      transports.add(t);
      nodes.add(node);
    }
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!transports.stream().allMatch(t -> t.connectedPeers().size() == nodeCount - 1)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the " + nodeCount + " nodes did not connect within 60 s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a harness set-up, not a test: poll the transports
    }
  }

  @TearDown(Level.Trial)
  public void stopNetwork() throws IOException {
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).close();
      transports.get(i).close();
      stores.get(i).close();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** One 1 KiB create, submitted at the next node in turn, until it is final and applied there. */
  @Benchmark
  public TransactionOutcome commitOneWrite() throws Exception {
    final long n = nonce.getAndIncrement();
    final int node = (int) (n % nodeCount);
    final byte[] content = resource(n);
    final ContentId cid = ContentId.of(ContentId.CODEC_RAW, content);
    final Transaction tx = Transaction.sign(CHAIN, keys.get(node), "bench", System.currentTimeMillis(), n,
        List.of(new ResourceChange(Operation.CREATE, "Observation", "o" + n, 1, 0, cid, content.length)));
    final TransactionOutcome outcome = nodes.get(node).submit(tx, List.of(new Chunk(cid, content))).get(Duration.ofSeconds(60).toMillis(),
        TimeUnit.MILLISECONDS);
    if (!outcome.committed()) {
      throw new IllegalStateException("write " + n + " was rejected: " + outcome);
    }
    return outcome;
  }

  private static byte[] resource(final long i) {
    final StringBuilder s = new StringBuilder(1100);
    s.append("{\"resourceType\":\"Observation\",\"id\":\"o").append(i).append("\",\"status\":\"final\",\"code\":{\"text\":\"");
    while (s.length() < 1024 - 3) {
      s.append((char) ('a' + s.length() % 26));
    }
    return s.append("\"}}").toString().getBytes(StandardCharsets.UTF_8);
  }
}
