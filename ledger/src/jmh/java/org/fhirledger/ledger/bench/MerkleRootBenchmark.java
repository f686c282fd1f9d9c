package org.fhirledger.ledger.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.crypto.Hash32;
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
 * The transactions Merkle root (RFC 6962 leaf and node hashing) of 10,000 transactions whose hashes are
 * known, as a proposer and every validator compute it per block; roots per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class MerkleRootBenchmark {
  private List<Transaction> transactions;

  @Setup
  public void setUp() {
    transactions = new BenchBlocks().body(10_000).transactions();
  }

  @Benchmark
  public Hash32 root10kTransactions() {
    return Block.transactionsRoot(transactions);
  }
}
