package org.fhirledger.ledger.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.node.LedgerNode;
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

  private LoopbackNetwork net;
  private List<Signer> keys;
  private List<LedgerNode> nodes;
  private List<RocksDbLedgerStore> stores;
  private final java.util.concurrent.atomic.AtomicLong nonce = new java.util.concurrent.atomic.AtomicLong();

  @Setup(Level.Trial)
  public void startNetwork() throws IOException {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.fhirledger")).setLevel(ch.qos.logback.classic.Level.WARN);
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.tio")).setLevel(ch.qos.logback.classic.Level.OFF);
    net = LoopbackNetwork.start(CHAIN, nodeCount, 300);
    keys = net.keys;
    nodes = net.nodes;
    stores = net.stores;
  }

  @TearDown(Level.Trial)
  public void stopNetwork() throws IOException {
    net.close();
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
