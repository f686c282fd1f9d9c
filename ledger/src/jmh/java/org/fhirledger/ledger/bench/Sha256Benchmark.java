package org.fhirledger.ledger.bench;

import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.crypto.Sha256;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The physical limit beside chunk-and-hash: the JDK's SHA-256 (the digest the ledger uses) over 1 MiB at a
 * time on one thread. Scores are MiB/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class Sha256Benchmark {
  private final byte[] oneMiB = new byte[1 << 20];
  private MessageDigest digest;

  @Setup
  public void setUp() {
    new Random(7).nextBytes(oneMiB);
    digest = Sha256.newDigest();
  }

  @Benchmark
  public byte[] jdkSha256OneMiB() {
    return digest.digest(oneMiB);
  }
}
