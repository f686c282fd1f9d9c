package org.fhirledger.ledger.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.node.BlockExecutor;
import org.fhirledger.ledger.store.AppliedBlock;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link RocksDbLedgerStore#apply}: one certified block with everything it changes (block, certificate,
 * outcomes, versions, heads, chunks) in one WriteBatch with a synced WAL, blocks per second. Building,
 * signing and executing the next block happen in the per-invocation setup, outside the measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class BlockAppendBenchmark {
  @Param({"100", "1000"})
  public int transactions;
  private final BenchBlocks blocks = new BenchBlocks();
  private Path dir;
  private RocksDbLedgerStore store;
  private AppliedBlock next;
  private long batchBytes;
  private long applied;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("bench-append");
    store = RocksDbLedgerStore.open(dir);
    store.initGenesis(blocks.chain().genesis());
  }

  @Setup(Level.Invocation)
  public void nextBlock() {
    final long h = store.height() + 1;
    final Block block = blocks.block(h, store.blockHash(h - 1).orElseThrow(), transactions);
    next = new BlockExecutor(store).execute(block, blocks.chain().certify(block));
    // what the batch carries: the block (with its chunks), the chunks again by id, one outcome and one version per tx
    batchBytes += block.encode().length + block.chunks().stream().mapToLong(c -> c.size()).sum();
  }

  @Benchmark
  public void apply() {
    store.apply(next);
    applied++;
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    store.close();
    System.out.printf("%n%d transactions per block: %d blocks applied, ~%,d bytes of block and chunks per batch%n", transactions, applied,
        applied == 0 ? 0 : batchBytes / applied);
    BenchFiles.deleteRecursively(dir);
  }
}
