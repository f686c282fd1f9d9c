package org.fhirledger.ledger.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.Dag;
import org.fhirledger.ledger.dag.DagBuilder;
import org.fhirledger.ledger.dag.DagReader;
import org.fhirledger.ledger.store.AppliedBlock;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.ledger.store.StorageException;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbLedgerStoreTest {
  private final TestChain chain = new TestChain(4, 1);
  @TempDir Path dir;

  /** The next block writing the given resources (one transaction each), with everything the store records. */
  private AppliedBlock next(final RocksDbLedgerStore store, final List<Write> writes) {
    final long h = store.height() + 1;
    final List<Transaction> txs = new ArrayList<>();
    final List<Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < writes.size(); i++) {
      final Write w = writes.get(i);
      final byte[] content = TestChain.json(w.type(), w.id(), w.version());
      txs.add(chain.write(w.type(), w.id(), w.version(), content, h * 100 + i));
      chunks.add(TestChain.leaf(content));
    }
    final Block block = chain.block(h, store.blockHash(h - 1).orElseThrow(), txs, chunks);
    return applied(block);
  }

  private AppliedBlock applied(final Block block) {
    final List<TransactionOutcome> outcomes = new ArrayList<>();
    final List<ResourceVersion> versions = new ArrayList<>();
    for (int i = 0; i < block.transactions().size(); i++) {
      final Transaction tx = block.transactions().get(i);
      outcomes.add(TransactionOutcome.committed(tx.hash(), block.height(), i));
      for (final ResourceChange c : tx.changes()) {
        versions.add(new ResourceVersion(c.resourceType(), c.resourceId(), c.versionId(), c.operation(), c.content(), c.contentSize(),
            tx.timestamp(), block.height(), i, tx.hash(), tx.origin()));
      }
    }
    return new AppliedBlock(block, chain.certify(block), outcomes, versions);
  }

  private record Write(String type, String id, long version) {}

  private static Write w(final String type, final String id, final long version) {
    return new Write(type, id, version);
  }

  private RocksDbLedgerStore openWithGenesis() {
    final RocksDbLedgerStore store = RocksDbLedgerStore.open(dir);
    store.initGenesis(chain.genesis());
    return store;
  }

  @Test
  void appliedBlocksAndEverythingInThemSurviveAReopen() {
    final List<AppliedBlock> applied = new ArrayList<>();
    try (RocksDbLedgerStore store = openWithGenesis()) {
      for (int i = 1; i <= 3; i++) {
        final AppliedBlock b = next(store, List.of(w("Patient", "p" + i, 1L), w("Observation", "o" + i, 1L)));
        store.apply(b);
        applied.add(b);
      }
      store.putMetadata("index.height", new byte[] {3});
      store.putMetadata(java.util.Map.of("vote.lock", new byte[] {7}, "vote.journal", new byte[] {8, 9}));
    }
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir)) {
      assertThat(store.height()).isEqualTo(3);
      assertThat(store.genesis()).contains(chain.genesis());
      assertThat(store.blockHash(0)).contains(chain.genesis().hash());
      assertThat(store.heightOf(chain.genesis().hash())).contains(0L);
      assertThat(store.metadata("index.height")).hasValueSatisfying(v -> assertThat(v).containsExactly(3));
      assertThat(store.metadata("vote.lock")).hasValueSatisfying(v -> assertThat(v).containsExactly(7));
      assertThat(store.metadata("vote.journal")).hasValueSatisfying(v -> assertThat(v).containsExactly(8, 9));
      for (final AppliedBlock a : applied) {
        final Block b = a.block();
        assertThat(store.block(b.height())).hasValueSatisfying(s -> assertThat(s.encode()).isEqualTo(b.encode()));
        assertThat(store.blockHash(b.height())).contains(b.hash());
        assertThat(store.heightOf(b.hash())).contains(b.height());
        assertThat(store.certificate(b.height())).contains(a.certificate());
        for (final TransactionOutcome o : a.outcomes()) {
          assertThat(store.outcome(o.txHash())).contains(o);
        }
        for (final ResourceVersion v : a.versions()) {
          assertThat(store.head(v.resourceType(), v.resourceId())).contains(v);
          assertThat(store.version(v.resourceType(), v.resourceId(), 1)).contains(v);
          final byte[] content = DagReader.read(v.content(), store::chunk);
          assertThat(new String(content, StandardCharsets.UTF_8)).contains("\"id\":\"" + v.resourceId() + "\"");
        }
      }
      assertThat(store.block(4)).isEmpty();
      assertThat(store.head("Patient", "nobody")).isEmpty();
    }
  }

  @Test
  void blockAtTheWrongHeightIsRefusedAndNothingIsWritten() {
    try (RocksDbLedgerStore store = openWithGenesis()) {
      final AppliedBlock first = next(store, List.of(w("Patient", "a", 1)));
      final Block skipping = chain.block(2, first.block().hash(), first.block().transactions(), first.block().chunks());
      assertThatThrownBy(() -> store.apply(applied(skipping))).isInstanceOf(StorageException.class).hasMessageContaining("height 2");
      assertNothingOf(store, applied(skipping));
      assertThat(store.height()).isZero();

      store.apply(first);
      assertThatThrownBy(() -> store.apply(first)).isInstanceOf(StorageException.class);
      assertThat(store.height()).isEqualTo(1);
    }
  }

  @Test
  void blockWithTheWrongParentIsRefusedAndNothingIsWritten() {
    try (RocksDbLedgerStore store = openWithGenesis()) {
      final AppliedBlock good = next(store, List.of(w("Patient", "a", 1)));
      final Block orphan = chain.block(1, Hash32.sha256(new byte[] {9}), good.block().transactions(), good.block().chunks());
      assertThatThrownBy(() -> store.apply(applied(orphan))).isInstanceOf(StorageException.class).hasMessageContaining("parent");
      assertNothingOf(store, applied(orphan));
      assertThat(store.height()).isZero();
    }
  }

  @Test
  void certificateForAnotherBlockIsRefused() {
    try (RocksDbLedgerStore store = openWithGenesis()) {
      final AppliedBlock good = next(store, List.of(w("Patient", "a", 1)));
      final AppliedBlock other = next(store, List.of(w("Patient", "b", 1)));
      final AppliedBlock mixed = new AppliedBlock(good.block(), other.certificate(), good.outcomes(), good.versions());
      assertThatThrownBy(() -> store.apply(mixed)).isInstanceOf(StorageException.class).hasMessageContaining("certificate");
      assertNothingOf(store, good);
    }
  }

  @Test
  void blockBeforeGenesisIsRefused() {
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir)) {
      final Block b = chain.block(1, chain.genesis().hash(), List.of(chain.write("Patient", "a", 1, new byte[] {1}, 1)), List.of());
      assertThatThrownBy(() -> store.apply(applied(b))).isInstanceOf(StorageException.class).hasMessageContaining("genesis");
    }
  }

  private static void assertNothingOf(final RocksDbLedgerStore store, final AppliedBlock a) {
    assertThat(store.block(a.block().height())).isEmpty();
    assertThat(store.heightOf(a.block().hash())).isEmpty();
    assertThat(store.certificate(a.block().height())).isEmpty();
    a.outcomes().forEach(o -> assertThat(store.outcome(o.txHash())).isEmpty());
    a.versions().forEach(v -> assertThat(store.head(v.resourceType(), v.resourceId())).isEmpty());
    a.block().chunks().forEach(c -> assertThat(store.hasChunk(c.id())).isFalse());
  }

  @Test
  void historyIsOldestFirstAndHeadIsTheNewestVersion() {
    final long[] versions = {1, 2, 3, 9, 10, 255, 256, 257, 65_536};
    try (RocksDbLedgerStore store = openWithGenesis()) {
      for (final long v : versions) {
        // neighbours whose keys share a byte prefix must not leak into the history
        store.apply(next(store, List.of(w("Patient", "a", v), w("Patient", "ab", v), w("Patien", "ta", v))));
      }
      assertThat(store.history("Patient", "a")).extracting(ResourceVersion::versionId).containsExactly(1L, 2L, 3L, 9L, 10L, 255L, 256L, 257L, 65_536L);
      assertThat(store.history("Patient", "a")).allSatisfy(v -> assertThat(v.resourceId()).isEqualTo("a"));
      assertThat(store.head("Patient", "a")).hasValueSatisfying(v -> assertThat(v.versionId()).isEqualTo(65_536L));
      assertThat(store.history("Patient", "zzz")).isEmpty();
    }
  }

  @Test
  void twoVersionsInOneBlockLeaveTheHigherAsHead() {
    try (RocksDbLedgerStore store = openWithGenesis()) {
      store.apply(next(store, List.of(w("Patient", "a", 2), w("Patient", "a", 1))));
      assertThat(store.head("Patient", "a")).hasValueSatisfying(v -> assertThat(v.versionId()).isEqualTo(2L));
      assertThat(store.history("Patient", "a")).hasSize(2);
    }
  }

  @Test
  void identicalChunksAreStoredOnce() {
    try (RocksDbLedgerStore store = openWithGenesis()) {
      final Dag dag = new DagBuilder().build(new byte[600 * 1024]);
      final AppliedBlock first = next(store, List.of(w("Patient", "a", 1)));
      final List<Chunk> chunks = new ArrayList<>(first.block().chunks());
      chunks.addAll(dag.chunks());
      chunks.addAll(dag.chunks());
      store.apply(applied(chain.block(1, chain.genesis().hash(), first.block().transactions(), chunks)));
      store.apply(applied(chain.block(2, store.blockHash(1).orElseThrow(), first.block().transactions(), chunks)));

      // the resource's leaf, then the DAG: one full zero leaf (used twice), the shorter last leaf and the root
      assertThat(dag.chunks()).hasSize(3);
      assertThat(store.chunkStats().count()).isEqualTo(4);
      assertThat(DagReader.read(dag.root(), store::chunk)).hasSize(600 * 1024);
    }
  }

  @Test
  void corruptedChunkOnDiskIsDetectedOnRead() throws Exception {
    final Chunk chunk;
    try (RocksDbLedgerStore store = openWithGenesis()) {
      final AppliedBlock b = next(store, List.of(w("Patient", "a", 1)));
      store.apply(b);
      chunk = b.block().chunks().get(0);
    }
    overwriteChunkBehindTheStoresBack(chunk.id(), "garbage".getBytes(StandardCharsets.US_ASCII));
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir)) {
      assertThat(store.hasChunk(chunk.id())).isTrue();
      assertThatThrownBy(() -> store.chunk(chunk.id())).isInstanceOf(StorageException.class).hasMessageContaining("corrupt");
      assertThatThrownBy(() -> DagReader.read(chunk.id(), store::chunk)).isInstanceOf(StorageException.class);
    }
  }

  private void overwriteChunkBehindTheStoresBack(final ContentId id, final byte[] garbage) throws Exception {
    RocksDbTamper.overwrite(dir, RocksDbTamper.CHUNKS, id.toBytes(), garbage);
  }

  @Test
  void aDifferentGenesisIsRefusedEvenAfterReopen() {
    final Genesis other = new TestChain(4, 2).genesis();
    try (RocksDbLedgerStore store = openWithGenesis()) {
      store.initGenesis(chain.genesis());
      assertThatThrownBy(() -> store.initGenesis(other)).isInstanceOf(StorageException.class).hasMessageContaining("refusing genesis");
    }
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir)) {
      assertThatThrownBy(() -> store.initGenesis(other)).isInstanceOf(StorageException.class);
      assertThat(store.genesis()).contains(chain.genesis());
    }
  }

  @Test
  void putChunkChecksTheIdAndIsReadBack() {
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir)) {
      final byte[] data = {1, 2, 3};
      final ContentId id = ContentId.of(ContentId.CODEC_RAW, data);
      assertThatThrownBy(() -> store.putChunk(id, new byte[] {1, 2})).isInstanceOf(IllegalArgumentException.class);
      assertThat(store.hasChunk(id)).isFalse();
      store.putChunk(id, data);
      assertThat(store.chunk(id)).hasValueSatisfying(d -> assertThat(d).containsExactly(1, 2, 3));
    }
  }

  @Test
  void closedStoreRefusesCallsInsteadOfCrashing() {
    final RocksDbLedgerStore store = openWithGenesis();
    store.close();
    store.close();
    assertThatThrownBy(() -> store.block(1)).isInstanceOf(StorageException.class).hasMessageContaining("closed");
  }
}
