package org.fhirledger.ledger.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.dag.DagBuilder;
import org.fhirledger.ledger.dag.DagLink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Chunk-and-hash: {@link DagBuilder} (default chunker) streaming a payload into leaves and interior nodes,
 * each hashed into its content id, on one thread. Scores are MiB/s: one "operation" is one MiB of payload.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class ChunkAndHashBenchmark {
  private static final int MIB = 1 << 20;
  private final DagBuilder builder = new DagBuilder();
  private byte[] oneMiB;
  private byte[] hundredMiB;

  @Setup
  public void payloads() {
    final Random random = new Random(7);
    oneMiB = new byte[MIB];
    random.nextBytes(oneMiB);
    hundredMiB = new byte[100 * MIB];
    random.nextBytes(hundredMiB);
  }

  @Benchmark
  @OperationsPerInvocation(1)
  public DagLink dag1MiB(final Blackhole bh) throws IOException {
    return builder.build(new ByteArrayInputStream(oneMiB), bh::consume);
  }

  @Benchmark
  @OperationsPerInvocation(100)
  public DagLink dag100MiB(final Blackhole bh) throws IOException {
    return builder.build(new ByteArrayInputStream(hundredMiB), bh::consume);
  }
}
