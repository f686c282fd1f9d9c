package org.fhirledger.ledger.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the CPU of a node's threads goes per committed transaction, on the real stack without the FHIR layer:
 * four {@link LedgerNode}s in this JVM (own RocksDB stores, T-io on 127.0.0.1, default {@link NodeConfig}), 64
 * client threads (JMH {@code -t}) each submitting a signed ~1 KiB create to the nodes in turn and waiting for it.
 * After each iteration it prints the thread CPU (ThreadMXBean) of the ledger event threads ({@code ledger-v*}),
 * the transport threads ({@code p2p-*}) and the timers, per committed transaction per node and per block per node:
 * the wall-clock rate on a shared machine swings, CPU per transaction does not.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 15)
@Measurement(iterations = 3, time = 15)
@Threads(64)
@Fork(1)
public class LedgerThreadCpuBenchmark {
  private static final String CHAIN = "bench-thread-cpu";
  private static final int NODES = 4;

  private LoopbackNetwork net;
  private List<Signer> keys;
  private List<LedgerNode> nodes;
  private List<RocksDbLedgerStore> stores;
  private final AtomicLong nonce = new AtomicLong();
  private final AtomicLong committed = new AtomicLong();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private Map<Long, Long> cpuAtStart;
  private Map<Long, Long> userAtStart;
  private Map<Long, String> names;
  private long committedAtStart;
  private long heightAtStart;
  private long processCpuAtStart;
  private long verificationsAtStart;

  @Setup(Level.Trial)
  public void startNetwork() throws IOException {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.tio")).setLevel(ch.qos.logback.classic.Level.OFF);
    net = LoopbackNetwork.start(CHAIN, NODES, 400);
    keys = net.keys;
    nodes = net.nodes;
    stores = net.stores;
  }

  @TearDown(Level.Trial)
  public void stopNetwork() throws IOException {
    net.close();
  }


  @Setup(Level.Iteration)
  public void snapshotCpu() {
    names = new HashMap<>();
    userAtStart = new HashMap<>();
    cpuAtStart = threadCpu(userAtStart);
    committedAtStart = committed.get();
    heightAtStart = stores.get(0).height();
    processCpuAtStart = processCpu();
    verificationsAtStart = net.ledgerVerifications.get();
  }

  @TearDown(Level.Iteration)
  public void reportCpu() {
    final Map<Long, Long> userNow = new HashMap<>();
    final Map<Long, Long> now = threadCpu(userNow);
    final Map<String, Long> byGroup = new HashMap<>();
    final Map<String, Long> userByGroup = new HashMap<>();
    now.forEach((id, nanos) -> byGroup.merge(group(names.get(id)), nanos - cpuAtStart.getOrDefault(id, 0L), Long::sum));
    userNow.forEach((id, nanos) -> userByGroup.merge(group(names.get(id)), nanos - userAtStart.getOrDefault(id, 0L), Long::sum));
    final long txs = committed.get() - committedAtStart;
    final long blocks = stores.get(0).height() - heightAtStart;
    if (txs == 0 || blocks == 0) {
      return;
    }
    final double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    System.out.printf("%n  committed %d tx in %d blocks (%.1f tx/block), load average %.1f%n", txs, blocks, txs / (double) blocks, load);
    System.out.printf("  process cpu per tx (4 nodes, clients included): %.1f us%n", (processCpu() - processCpuAtStart) / 1000.0 / txs);
    // a transaction needs 3 (every node but its origin), a block's votes about 7 per node: the rest are repeats
    System.out.printf("  Ed25519 verifications per tx (all nodes): %.2f, per block %.1f%n",
        (net.ledgerVerifications.get() - verificationsAtStart) / (double) txs, (net.ledgerVerifications.get() - verificationsAtStart) / (double) blocks);
    for (final String g : List.of("event", "transport", "timers", "client", "other")) {
      final long nanos = byGroup.getOrDefault(g, 0L);
      System.out.printf("  %-9s cpu per node: %7.1f us per tx (user %7.1f), %8.1f us per block%n", g, nanos / 1000.0 / txs / NODES,
          userByGroup.getOrDefault(g, 0L) / 1000.0 / txs / NODES, nanos / 1000.0 / blocks / NODES);
    }
  }

  private static String group(final String name) {
    if (name == null) {
      return "other";
    }
    if (name.startsWith("ledger-timers-")) {
      return "timers";
    }
    if (name.startsWith("ledger-")) {
      return "event";
    }
    if (name.startsWith("p2p-")) {
      return "transport";
    }
    return name.contains("jmh-worker") ? "client" : "other";
  }

  private Map<Long, Long> threadCpu(final Map<Long, Long> user) {
    final Map<Long, Long> cpu = new HashMap<>();
    for (final ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null) {
        final long nanos = threads.getThreadCpuTime(info.getThreadId());
        if (nanos >= 0) {
          cpu.put(info.getThreadId(), nanos);
          user.put(info.getThreadId(), threads.getThreadUserTime(info.getThreadId()));
          names.put(info.getThreadId(), info.getThreadName());
        }
      }
    }
    return cpu;
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** One ~1 KiB create, submitted at the next node in turn, until it is final and applied there. */
  @Benchmark
  public TransactionOutcome commitOneWrite() throws Exception {
    final long n = nonce.getAndIncrement();
    final int node = (int) (n % NODES);
    final byte[] content = resource(n);
    final ContentId cid = ContentId.of(ContentId.CODEC_RAW, content);
    final Transaction tx = Transaction.sign(CHAIN, nodes.get(node).signer(), "bench", System.currentTimeMillis(), n,
        List.of(new ResourceChange(Operation.CREATE, "Observation", "o" + n, 1, 0, cid, content.length)));
    final TransactionOutcome outcome = nodes.get(node).submit(tx, List.of(new Chunk(cid, content))).get(60, TimeUnit.SECONDS);
    if (!outcome.committed()) {
      throw new IllegalStateException("write " + n + " was rejected: " + outcome);
    }
    committed.incrementAndGet();
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
