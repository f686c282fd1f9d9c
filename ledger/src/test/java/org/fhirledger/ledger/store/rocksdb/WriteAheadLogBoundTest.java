package org.fhirledger.ledger.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.fhirledger.ledger.dag.ContentId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RocksDB deletes a write-ahead log file only once every column family with data in it has flushed. A family written
 * a little on every block (the vote journal here) therefore keeps every log alive until the busy families fill their
 * write buffers, unless the store bounds the total log size.
 */
class WriteAheadLogBoundTest {
  private static final long CAP = 2L * 1024 * 1024;
  private static final int CHUNKS = 48;
  private static final int CHUNK_BYTES = 512 * 1024;

  @TempDir Path dir;

  @Test
  void logFilesStayNearTheBoundWhileAQuietFamilyIsWrittenBesideABusyOne() throws IOException {
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir, CAP)) {
      writeBusyAndQuietFamilies(store);
      // 24 MiB went through the log; without the bound none of it could be dropped (no family filled its 64 MiB buffer)
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(logBytes()).isLessThan(4 * CAP));
    }
  }

  @Test
  void withoutABoundTheLogKeepsEverything() throws IOException {
    // the control: what the bound prevents, so the test above cannot pass by accident
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir, 0)) {
      writeBusyAndQuietFamilies(store);
      assertThat(logBytes()).isGreaterThan((long) CHUNKS * CHUNK_BYTES);
    }
  }

  @Test
  void everythingWrittenIsReadBackAfterReopenWithTheBound() {
    final Random random = new Random(7);
    final byte[][] data = new byte[CHUNKS][];
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir, CAP)) {
      for (int i = 0; i < CHUNKS; i++) {
        data[i] = new byte[CHUNK_BYTES];
        random.nextBytes(data[i]);
        store.putChunk(ContentId.of(ContentId.CODEC_RAW, data[i]), data[i]);
        store.putMetadata("journal", ("vote " + i).getBytes(StandardCharsets.US_ASCII));
      }
    }
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir, CAP)) {
      for (final byte[] d : data) {
        assertThat(store.chunk(ContentId.of(ContentId.CODEC_RAW, d))).hasValueSatisfying(read -> assertThat(read).isEqualTo(d));
      }
      assertThat(store.metadata("journal")).hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.US_ASCII)).isEqualTo("vote " + (CHUNKS - 1)));
    }
  }

  private static void writeBusyAndQuietFamilies(final RocksDbLedgerStore store) {
    final Random random = new Random(42);
    for (int i = 0; i < CHUNKS; i++) {
      final byte[] data = new byte[CHUNK_BYTES];
      random.nextBytes(data);
      store.putChunk(ContentId.of(ContentId.CODEC_RAW, data), data);
      store.putMetadata("journal", ("vote " + i).getBytes(StandardCharsets.US_ASCII));
    }
  }

  private long logBytes() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
