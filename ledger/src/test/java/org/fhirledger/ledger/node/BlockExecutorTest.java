package org.fhirledger.ledger.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.store.AppliedBlock;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deterministic application against a real RocksDB world state: the same block gives the same outcomes everywhere. */
class BlockExecutorTest {
  private final TestChain chain = new TestChain(4, 7);
  @TempDir
  Path dir;
  private RocksDbLedgerStore store;
  private BlockExecutor executor;

  @BeforeEach
  void open() {
    store = RocksDbLedgerStore.open(dir);
    store.initGenesis(chain.genesis());
    executor = new BlockExecutor(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private List<TransactionOutcome> apply(final List<Transaction> txs, final List<Chunk> chunks) {
    final long h = store.height() + 1;
    final Hash32 parent = store.blockHash(store.height()).orElseThrow();
    final Block block = chain.block(h, parent, txs, chunks);
    final AppliedBlock applied = executor.execute(block, chain.certify(block));
    store.apply(applied);
    return applied.outcomes();
  }

  @Test
  void aCreateThenAnUpdateOfTheCurrentVersionCommit() {
    final byte[] v1 = TestChain.json("Patient", "a", 1);
    final byte[] v2 = TestChain.json("Patient", "a", 2);
    assertThat(apply(List.of(chain.write("Patient", "a", 1, v1, 1)), List.of(TestChain.leaf(v1)))).allMatch(TransactionOutcome::committed);
    assertThat(apply(List.of(chain.write("Patient", "a", 2, v2, 2)), List.of(TestChain.leaf(v2)))).allMatch(TransactionOutcome::committed);
    assertThat(store.head("Patient", "a")).hasValueSatisfying(v -> assertThat(v.versionId()).isEqualTo(2));
  }

  @Test
  void twoWritersOfTheSameVersionInOneBlockGetOneSuccessAndOneConflict() {
    final byte[] v1 = TestChain.json("Patient", "a", 1);
    apply(List.of(chain.write("Patient", "a", 1, v1, 1)), List.of(TestChain.leaf(v1)));
    final byte[] x = TestChain.json("Patient", "a", 20);
    final byte[] y = TestChain.json("Patient", "a", 21);
    final List<TransactionOutcome> outcomes = apply(
        List.of(chain.write("Patient", "a", 2, x, 2), chain.write("Patient", "a", 2, y, 3)), List.of(TestChain.leaf(x), TestChain.leaf(y)));
    assertThat(outcomes.get(0).committed()).isTrue();
    assertThat(outcomes.get(1).committed()).isFalse();
    assertThat(outcomes.get(1).rejection()).contains("version conflict");
    assertThat(store.version("Patient", "a", 2).orElseThrow().content()).isEqualTo(TestChain.leaf(x).id());
  }

  @Test
  void aCreateOfAnExistingIdAndADeleteOfNothingAreRejectedAndRecorded() {
    final byte[] v1 = TestChain.json("Observation", "o", 1);
    apply(List.of(chain.write("Observation", "o", 1, v1, 1)), List.of(TestChain.leaf(v1)));
    final List<TransactionOutcome> outcomes = apply(
        List.of(chain.write("Observation", "o", 1, v1, 5), chain.write("Observation", "missing", 1, null, 6)), List.of());
    assertThat(outcomes).noneMatch(TransactionOutcome::committed);
    assertThat(store.outcome(outcomes.get(0).txHash())).hasValueSatisfying(o -> assertThat(o.committed()).isFalse());
    assertThat(store.head("Observation", "missing")).isEmpty();
  }

  @Test
  void rebuildingVersionsFromAStoredBlockGivesWhatExecutionWrote() {
    final byte[] v1 = TestChain.json("Patient", "r", 1);
    final long h = store.height() + 1;
    final Block block = chain.block(h, store.blockHash(0).orElseThrow(), List.of(chain.write("Patient", "r", 1, v1, 1)), List.of(TestChain.leaf(v1)));
    final AppliedBlock applied = executor.execute(block, chain.certify(block));
    store.apply(applied);
    assertThat(BlockExecutor.versionsOf(block, applied.outcomes())).isEqualTo(applied.versions());
  }
}
