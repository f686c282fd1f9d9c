package org.fhirledger.ledger.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.crypto.Sha256;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.DagBuilder;
import org.fhirledger.ledger.dag.DagLink;
import org.fhirledger.ledger.dag.DagNode;
import org.fhirledger.ledger.dag.DagReader;
import org.fhirledger.ledger.dag.FastCdcChunker;
import org.fhirledger.ledger.dag.SeededContent;
import org.fhirledger.ledger.store.ChunkStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deduplication on the real store: the same payload twice adds no chunk bytes, and one changed byte in its
 * middle adds at most two leaves plus the interior nodes above them. 16 MiB by default; the 100 MiB of the
 * issue with {@code -Dfhirledger.largeTests=true} (or {@code -Plarge-tests}).
 */
class ChunkDedupTest {
  static final boolean LARGE = Boolean.getBoolean("fhirledger.largeTests");
  private static final long SIZE = LARGE ? 100L << 20 : 16L << 20;
  private static final long SEED = 3;

  @TempDir
  Path dir;

  /** What one store call added: the chunks that were not there before, and the content's digest. */
  private record Put(DagLink root, List<Chunk> added, byte[] sha256) {
    long addedBytes() {
      return added.stream().mapToLong(Chunk::size).sum();
    }

    long added(final int codec) {
      return added.stream().filter(c -> c.id().codec() == codec).count();
    }
  }

  private static Put put(final RocksDbLedgerStore store, final InputStream content) throws IOException {
    final MessageDigest sha = Sha256.newDigest();
    final List<Chunk> added = new ArrayList<>();
    final DagLink root = new DagBuilder().build(new DigestInputStream(content, sha), chunk -> {
      if (!store.hasChunk(chunk.id())) {
        added.add(chunk);
      }
      store.putChunk(chunk.id(), chunk.dataUnsafe());
    });
    return new Put(root, added, sha.digest());
  }

  private static byte[] readBack(final RocksDbLedgerStore store, final ContentId root) throws IOException {
    final MessageDigest sha = Sha256.newDigest();
    try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
      DagReader.stream(root, store::chunk, out);
    }
    return sha.digest();
  }

  /** Interior levels over {@code leaves} leaves at the builder's fan-out: one node per level sits above any leaf. */
  private static int interiorLevels(final long leaves) {
    int levels = 0;
    for (long n = leaves; n > 1; n = (n + DagNode.MAX_LINKS - 1) / DagNode.MAX_LINKS) {
      levels++;
    }
    return levels;
  }

  @Test
  void theSamePayloadTwiceAddsNoChunkBytesAndOneChangedByteAddsAtMostTwoLeaves() throws IOException {
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir.resolve("store"))) {
      final ChunkStats empty = store.chunkStats();
      final Put first = put(store, SeededContent.of(SIZE, SEED));
      final ChunkStats afterFirst = store.chunkStats();
      assertThat(first.root().size()).isEqualTo(SIZE);
      assertThat(afterFirst.minus(empty)).isEqualTo(new ChunkStats(first.added().size(), first.addedBytes()));
      assertThat(afterFirst.bytes()).isGreaterThan(SIZE);

      final Put again = put(store, SeededContent.of(SIZE, SEED));
      assertThat(again.root()).isEqualTo(first.root());
      assertThat(again.added()).isEmpty();
      assertThat(store.chunkStats()).isEqualTo(afterFirst);

      final Put edited = put(store, SeededContent.withByteChanged(SIZE, SEED, SIZE / 2));
      final ChunkStats delta = store.chunkStats().minus(afterFirst);
      final long leaves = first.added(ContentId.CODEC_RAW);
      assertThat(edited.root()).isNotEqualTo(first.root());
      assertThat(delta).isEqualTo(new ChunkStats(edited.added().size(), edited.addedBytes()));
      assertThat(edited.added(ContentId.CODEC_RAW)).as("new leaves").isBetween(1L, 2L);
      assertThat(edited.added(ContentId.CODEC_DAG_NODE)).as("new interior nodes").isBetween(1L, (long) interiorLevels(leaves));
      final long nodeBytes = edited.added().stream().filter(c -> c.id().codec() == ContentId.CODEC_DAG_NODE).mapToLong(Chunk::size).sum();
      assertThat(delta.bytes()).isLessThanOrEqualTo(2L * FastCdcChunker.DEFAULT_MAX_SIZE + nodeBytes);

      assertThat(readBack(store, first.root().id())).isEqualTo(first.sha256());
      assertThat(readBack(store, edited.root().id())).isEqualTo(edited.sha256()).isNotEqualTo(first.sha256());
      System.out.printf("dedup: %d MiB payload -> %d chunks, %d bytes; again +0; one byte changed +%d leaves +%d nodes, +%d bytes%n",
          SIZE >> 20, afterFirst.count(), afterFirst.bytes(), edited.added(ContentId.CODEC_RAW), edited.added(ContentId.CODEC_DAG_NODE),
          delta.bytes());
    }
  }

  @Test
  void chunksSurviveReopeningAndAreNotRewritten() throws IOException {
    final Put first;
    final ChunkStats stats;
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir.resolve("store"))) {
      first = put(store, SeededContent.of(2L << 20, SEED));
      stats = store.chunkStats();
    }
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir.resolve("store"))) {
      assertThat(store.chunkStats()).isEqualTo(stats);
      assertThat(put(store, SeededContent.of(2L << 20, SEED)).added()).isEmpty();
      assertThat(readBack(store, first.root().id())).isEqualTo(first.sha256());
    }
  }
}
