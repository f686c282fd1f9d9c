package org.fhirledger.ledger.bench;

import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.crypto.Hash32;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Block encode and decode, blocks per second. Decoding is the full check a node does on bytes from disk or a
 * peer: every transaction re-hashed from its bytes, every chunk checked against its id, the body against the
 * header's Merkle roots (no signature checks: those are the validator's, see {@link Ed25519Benchmark}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class BlockCodecBenchmark {
  @Param({"100", "1000"})
  public int transactions;
  private Block block;
  private byte[] encoded;

  @Setup
  public void setUp() {
    block = new BenchBlocks().block(1, Hash32.ZERO, transactions);
    encoded = block.encode();
    System.out.printf("%n%d transactions: %,d bytes encoded%n", transactions, encoded.length);
  }

  @Benchmark
  public byte[] encode() {
    return block.encode();
  }

  @Benchmark
  public Block decode() {
    return Block.decode(encoded);
  }
}
