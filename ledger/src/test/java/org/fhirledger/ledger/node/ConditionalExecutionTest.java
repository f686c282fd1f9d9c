package org.fhirledger.ledger.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.Condition;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.store.AppliedBlock;
import org.fhirledger.ledger.store.ContentTerms;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conditions and referential integrity decided while a block is applied, on a real RocksDB world state.
 * Content here is a tiny text form ("k=key;r=Type/id") read by a test extractor; the FHIR layer's extractor
 * reads JSON, but the ledger only sees terms.
 */
class ConditionalExecutionTest {
  private static final ContentTermExtractor TEXT_TERMS = (type, content) -> {
    final List<String> keys = new ArrayList<>();
    final List<String> refs = new ArrayList<>();
    for (final String part : new String(content, StandardCharsets.UTF_8).split(";")) {
      if (part.startsWith("k=")) {
        keys.add(part.substring(2));
      } else if (part.startsWith("r=")) {
        refs.add(part.substring(2));
      }
    }
    return new ContentTerms(keys, refs);
  };

  private final TestChain chain = new TestChain(4, 11);
  @TempDir
  Path dir;
  private RocksDbLedgerStore store;
  private BlockExecutor executor;
  private long nonce;

  @BeforeEach
  void open() {
    store = RocksDbLedgerStore.open(dir);
    store.initGenesis(chain.genesis());
    executor = new BlockExecutor(store, TEXT_TERMS);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private record Write(ResourceChange change, Chunk chunk) {}

  private static Write put(final String type, final String id, final long version, final String content) {
    final byte[] bytes = (content + ";v=" + version + ";id=" + id).getBytes(StandardCharsets.UTF_8);
    final Chunk chunk = TestChain.leaf(bytes);
    final Operation op = version == 1 ? Operation.CREATE : Operation.UPDATE;
    return new Write(new ResourceChange(op, type, id, version, version - 1, chunk.id(), bytes.length), chunk);
  }

  private static Write delete(final String type, final String id, final long version) {
    return new Write(new ResourceChange(Operation.DELETE, type, id, version, version - 1, null, 0), null);
  }

  private record Tx(Transaction tx, List<Chunk> chunks) {}

  private Tx tx(final int flags, final List<Condition> conditions, final Write... writes) {
    final List<ResourceChange> changes = new ArrayList<>();
    final List<Chunk> chunks = new ArrayList<>();
    for (final Write w : writes) {
      changes.add(w.change());
      if (w.chunk() != null) {
        chunks.add(w.chunk());
      }
    }
    nonce++;
    final Transaction t = Transaction.sign(TestChain.CHAIN_ID, chain.signers().get((int) (nonce % 4)), "c", 1_700_000_000_000L + nonce, nonce,
        changes, flags, conditions);
    return new Tx(t, chunks);
  }

  private List<TransactionOutcome> apply(final Tx... txs) {
    final List<Transaction> list = new ArrayList<>();
    final List<Chunk> chunks = new ArrayList<>();
    for (final Tx t : txs) {
      list.add(t.tx());
      chunks.addAll(t.chunks());
    }
    final Block block = chain.block(store.height() + 1, store.blockHash(store.height()).orElseThrow(), list, chunks.stream().distinct().toList());
    final AppliedBlock applied = executor.execute(block, chain.certify(block));
    store.apply(applied);
    return applied.outcomes();
  }

  private static Condition none(final String type, final String key) {
    return new Condition(type, List.of(key), List.of());
  }

  @Test
  void twoConditionalCreatesOfOneIdentifierInOneBlockGiveOneResource() {
    final List<TransactionOutcome> outcomes = apply(
        tx(0, List.of(none("Patient", "mrn|1")), put("Patient", "a", 1, "k=mrn|1")),
        tx(0, List.of(none("Patient", "mrn|1")), put("Patient", "b", 1, "k=mrn|1")));
    assertThat(outcomes.get(0).committed()).isTrue();
    assertThat(outcomes.get(1).committed()).isFalse();
    assertThat(outcomes.get(1).rejection()).startsWith("condition-changed:").contains("now matches a");
    assertThat(BlockExecutor.Rejection.of(outcomes.get(1).rejection())).contains(BlockExecutor.Rejection.CONDITION_CHANGED);
    assertThat(store.idsWithKey("Patient", "mrn|1")).containsExactly("a");
    assertThat(store.head("Patient", "b")).isEmpty();
  }

  @Test
  void aConditionIsCheckedAgainstEarlierBlocksAndFollowsUpdatesAndDeletes() {
    apply(tx(0, List.of(none("Patient", "mrn|2")), put("Patient", "a", 1, "k=mrn|2")));
    assertThat(apply(tx(0, List.of(none("Patient", "mrn|2")), put("Patient", "b", 1, "k=mrn|2"))).get(0).committed()).isFalse();
    // a conditional update that expects exactly {a} commits; the key then moves to another value
    assertThat(apply(tx(0, List.of(new Condition("Patient", List.of("mrn|2"), List.of("a"))), put("Patient", "a", 2, "k=mrn|3")))
        .get(0).committed()).isTrue();
    assertThat(store.idsWithKey("Patient", "mrn|2")).isEmpty();
    assertThat(store.idsWithKey("Patient", "mrn|3")).containsExactly("a");
    apply(tx(0, List.of(), delete("Patient", "a", 3)));
    assertThat(store.idsWithKey("Patient", "mrn|3")).isEmpty();
    assertThat(apply(tx(0, List.of(none("Patient", "mrn|3")), put("Patient", "c", 1, "k=mrn|3"))).get(0).committed()).isTrue();
  }

  @Test
  void keysAreScopedByTypeAndAllKeysOfAConditionMustMatch() {
    apply(tx(0, List.of(), put("Patient", "a", 1, "k=x;k=y"), put("Practitioner", "p", 1, "k=x")));
    assertThat(apply(tx(0, List.of(new Condition("Patient", List.of("x", "y"), List.of("a"))), put("Patient", "b", 1, "k=z")))
        .get(0).committed()).isTrue();
    assertThat(apply(tx(0, List.of(new Condition("Patient", List.of("x"), List.of("a", "p"))), put("Patient", "c", 1, "k=z")))
        .get(0).committed()).isFalse();
  }

  @Test
  void aReferenceToNothingIsRejectedOnlyWhenTheWriterAsksForIntegrity() {
    final List<TransactionOutcome> outcomes = apply(
        tx(Transaction.FLAG_REFERENTIAL_INTEGRITY, List.of(), put("Observation", "o1", 1, "r=Patient/ghost")),
        tx(0, List.of(), put("Observation", "o2", 1, "r=Patient/ghost")));
    assertThat(outcomes.get(0).rejection()).startsWith("reference-missing:").contains("Patient/ghost");
    assertThat(outcomes.get(1).committed()).isTrue();
  }

  @Test
  void aTransactionMayReferenceWhatItCreatesLaterInItsOwnChanges() {
    final List<TransactionOutcome> outcomes = apply(tx(Transaction.FLAG_REFERENTIAL_INTEGRITY, List.of(),
        put("Observation", "o", 1, "r=Patient/p"), put("Patient", "p", 1, "k=mrn|9")));
    assertThat(outcomes.get(0).committed()).isTrue();
    assertThat(store.referrers("Patient", "p")).containsExactly("Observation/o");
  }

  @Test
  void aReferencedResourceCannotBeDeletedUntilItsReferrersGoInTheSameTransaction() {
    apply(tx(0, List.of(), put("Patient", "p", 1, "k=1")), tx(0, List.of(), put("Observation", "o", 1, "r=Patient/p")));
    final List<TransactionOutcome> refused = apply(tx(Transaction.FLAG_REFERENTIAL_INTEGRITY, List.of(), delete("Patient", "p", 2)));
    assertThat(refused.get(0).rejection()).startsWith("referenced:").contains("Observation/o");
    assertThat(store.head("Patient", "p").orElseThrow().deleted()).isFalse();
    final List<TransactionOutcome> cascade = apply(tx(Transaction.FLAG_REFERENTIAL_INTEGRITY, List.of(),
        delete("Patient", "p", 2), delete("Observation", "o", 2)));
    assertThat(cascade.get(0).committed()).isTrue();
    assertThat(store.referrers("Patient", "p")).isEmpty();
  }

  @Test
  void anUpdateThatDropsAReferenceReleasesTheTargetWithinTheSameBlock() {
    apply(tx(0, List.of(), put("Patient", "p", 1, "k=1")), tx(0, List.of(), put("Observation", "o", 1, "r=Patient/p")));
    final List<TransactionOutcome> outcomes = apply(
        tx(0, List.of(), put("Observation", "o", 2, "r=Patient/q")),
        tx(Transaction.FLAG_REFERENTIAL_INTEGRITY, List.of(), delete("Patient", "p", 2)));
    assertThat(outcomes).allMatch(TransactionOutcome::committed);
    assertThat(store.referrers("Patient", "q")).containsExactly("Observation/o");
  }

  @Test
  void aRejectedTransactionLeavesNoTermsBehind() {
    final List<TransactionOutcome> outcomes = apply(tx(0, List.of(),
        put("Patient", "a", 1, "k=mrn|7"), put("Patient", "a", 1, "k=mrn|8")));
    assertThat(outcomes.get(0).rejection()).startsWith("duplicate:");
    assertThat(store.idsWithKey("Patient", "mrn|7")).isEmpty();
    assertThat(store.terms("Patient", "a").isEmpty()).isTrue();
  }

  @Test
  void termsSurviveAReopenOfTheStore() {
    apply(tx(0, List.of(), put("Patient", "p", 1, "k=mrn|5")), tx(0, List.of(), put("Observation", "o", 1, "r=Patient/p;k=code|1")));
    store.close();
    store = RocksDbLedgerStore.open(dir);
    assertThat(store.idsWithKey("Patient", "mrn|5")).containsExactly("p");
    assertThat(store.referrers("Patient", "p")).containsExactly("Observation/o");
    assertThat(store.terms("Observation", "o")).isEqualTo(new ContentTerms(List.of("code|1"), List.of("Patient/p")));
  }

  @Test
  void flagsAndConditionsAreSignedAndSurviveEncoding() {
    final Tx t = tx(Transaction.FLAG_REFERENTIAL_INTEGRITY, List.of(new Condition("Patient", List.of("b", "a"), List.of("z", "y"))),
        put("Patient", "a", 1, "k=a"));
    final Transaction decoded = Transaction.decode(t.tx().encode());
    assertThat(decoded.hash()).isEqualTo(t.tx().hash());
    assertThat(decoded.enforcesReferentialIntegrity()).isTrue();
    assertThat(decoded.conditions()).containsExactly(new Condition("Patient", List.of("b", "a"), List.of("y", "z")));
    assertThat(decoded.hasValidSignature(org.fhirledger.ledger.crypto.Ed25519Keys.verifier())).isTrue();
    final Tx plain = tx(0, List.of(), put("Patient", "a", 1, "k=a"));
    assertThat(plain.tx().hash()).isNotEqualTo(t.tx().hash());
  }
}
