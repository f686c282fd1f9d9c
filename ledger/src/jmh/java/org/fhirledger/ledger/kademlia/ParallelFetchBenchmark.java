package org.fhirledger.ledger.kademlia;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.Dag;
import org.fhirledger.ledger.dag.DagBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parallel fetch of a 100 MiB payload (FastCDC chunks, ~1,600 of them) from 3 holders over real t-io sockets
 * on 127.0.0.1 into a 4th member that holds none, every chunk checked against its id and the content
 * rebuilt by DagReader. Score: MiB/s (one operation = one MiB). The four nodes share the JVM (and the cores)
 * with the benchmark, so both ends of every transfer are measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = "-Xmx3g")
public class ParallelFetchBenchmark {
  private static final int MIB = 1 << 20;

  @Param({"8", "32"})
  public int perHolder;

  private TioDhtNetwork net;
  private Dag dag;
  private ChunkFetcher fetcher;

  @Setup(Level.Trial)
  public void network() throws Exception {
    net = new TioDhtNetwork(4, 7, DhtConfig.forMembers(4).withTimeouts(5_000, 3_600_000, 3_600_000),
        java.time.Duration.ofSeconds(5));
    for (int i = 0; i < 4; i++) {
      net.start(i);
    }
    net.awaitMesh();
    final byte[] payload = new byte[100 * MIB];
    new SplittableRandom(11).nextBytes(payload);
    dag = new DagBuilder().build(payload);
    for (int holder = 0; holder < 3; holder++) {
      for (final Chunk c : dag.chunks()) {
        net.members.get(holder).chunks.put(c.id(), c.data());
      }
    }
    fetcher = new ChunkFetcher(net.members.get(3).dht, perHolder, 2);
  }

  @Benchmark
  @OperationsPerInvocation(100)
  public byte[] fetch100MiBFrom3Holders() throws Exception {
    fetches++;
    return fetcher.fetchContent(dag.root()).get(120, TimeUnit.SECONDS);
  }

  private long fetches;
  private long cpuAtStart;

  /**
   * CPU of the whole JVM (the 4 nodes and the fetcher) per 100 MiB fetched: unlike MiB/s it hardly depends on
   * what else the shared machine runs, and 2 cores / this figure bounds the throughput on an idle machine.
   */
  @Setup(Level.Iteration)
  public void cpuStart() {
    fetches = 0;
    cpuAtStart = processCpuNanos();
  }

  @TearDown(Level.Iteration)
  public void cpuReport() {
    final double cpuSeconds = (processCpuNanos() - cpuAtStart) / 1e9;
    System.out.printf(" [cpu %.2f s per 100 MiB over %d fetches]", fetches == 0 ? 0 : cpuSeconds / fetches, fetches);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  @TearDown(Level.Trial)
  public void stop() {
    fetcher.close();
    net.close();
  }

  /** The content id of the payload, so a run can be matched with the test data. */
  public ContentId root() {
    return dag.root();
  }
}
