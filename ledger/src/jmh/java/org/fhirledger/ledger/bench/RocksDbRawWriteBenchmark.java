package org.fhirledger.ledger.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The physical limit beside the block append: plain RocksDB (default options, WAL on) with no ledger code.
 * {@code put1MiB} writes 1 MiB values under sequential keys (one op = one MiB, so the score is MiB/s);
 * {@code batch1000x1KiB} writes one WriteBatch of 1,000 × 1 KiB, the shape of a block's batch (batches/s).
 * {@code sync} syncs the WAL on every write, as the ledger store does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class RocksDbRawWriteBenchmark {
  /** Keys wrap around after 4 GiB of values so a long run does not fill the disk. */
  private static final long KEY_SPACE = 4096;
  @Param({"true", "false"})
  public boolean sync;
  private Path dir;
  private Options options;
  private WriteOptions writeOptions;
  private RocksDB db;
  private final byte[] oneMiB = new byte[1 << 20];
  private final byte[] oneKiB = new byte[1024];
  private long key;

  @Setup
  public void open() throws IOException, RocksDBException {
    RocksDB.loadLibrary();
    final Random random = new Random(7);
    random.nextBytes(oneMiB);
    random.nextBytes(oneKiB);
    dir = Files.createTempDirectory("bench-rocksdb");
    options = new Options().setCreateIfMissing(true);
    writeOptions = new WriteOptions().setSync(sync);
    db = RocksDB.open(options, dir.toString());
  }

  @Benchmark
  public void put1MiB() throws RocksDBException {
    db.put(writeOptions, key(key++ % KEY_SPACE), oneMiB);
  }

  @Benchmark
  public void batch1000x1KiB() throws RocksDBException {
    try (WriteBatch batch = new WriteBatch()) {
      for (int i = 0; i < 1000; i++) {
        batch.put(key(key++), oneKiB);
      }
      db.write(writeOptions, batch);
    }
  }

  private static byte[] key(final long k) {
    return ByteBuffer.allocate(8).putLong(k).array();
  }

  @TearDown
  public void close() throws IOException {
    db.close();
    writeOptions.close();
    options.close();
    BenchFiles.deleteRecursively(dir);
  }
}
