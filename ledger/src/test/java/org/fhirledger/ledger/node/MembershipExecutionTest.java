package org.fhirledger.ledger.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.audit.ChainAuditor;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.BlockHeader;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.CommitSeal;
import org.fhirledger.ledger.chain.MembershipChange;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.store.AppliedBlock;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import org.fhirledger.ledger.store.rocksdb.RocksDbTamper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADD_VALIDATOR / REMOVE_VALIDATOR through the real executor and RocksDB: only the genesis manager (signer 0
 * of {@link TestChain}) may change the set, bad requests are rejected with a stable code on the chain, and
 * the new set is in force from the next height, durably, and as the offline audit recomputes it.
 */
class MembershipExecutionTest {
  private final TestChain chain = new TestChain(4, 11);
  private final Signer manager = chain.signers().get(0);
  private final Signer newcomerKey = Ed25519Keys.generate(TestChain.seededRandom(99));
  private final Validator newcomer = new Validator("hospital-5", newcomerKey.publicKey(), "127.0.0.1", 30404);
  /** Every key that may seal: the genesis validators and the newcomer. */
  private final List<Signer> keys = new ArrayList<>(chain.signers());
  @TempDir
  Path dir;
  private RocksDbLedgerStore store;
  private BlockExecutor executor;
  private long nonce;

  @BeforeEach
  void open() {
    keys.add(newcomerKey);
    store = RocksDbLedgerStore.open(dir);
    store.initGenesis(chain.genesis());
    executor = new BlockExecutor(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Transaction signed(final MembershipChange change, final Signer by) {
    nonce++;
    return change.sign(TestChain.CHAIN_ID, by, "operator", 1_700_000_000_000L + nonce, nonce);
  }

  /** A block at the next height, proposed and sealed by the validators in force there, as consensus would. */
  private AppliedBlock apply(final List<Transaction> txs, final List<Chunk> chunks) {
    final long h = store.height() + 1;
    final ValidatorSet set = store.validatorsAt(h);
    final BlockHeader header = new BlockHeader(TestChain.CHAIN_ID, h, store.blockHash(h - 1).orElseThrow(), 1_700_000_000_000L + h,
        set.proposer(h, 0), 0, Block.transactionsRoot(txs), Block.contentRoot(chunks));
    final Block block = new Block(header, txs, chunks);
    final List<CommitSeal> seals = new ArrayList<>();
    for (final Validator v : set.validators().subList(0, set.quorum())) {
      seals.add(CommitSeal.create(keyOf(v), TestChain.CHAIN_ID, h, block.hash()));
    }
    final AppliedBlock applied = executor.execute(block, new CommitCertificate(h, 0, block.hash(), seals));
    store.apply(applied);
    return applied;
  }

  private Signer keyOf(final Validator v) {
    return keys.stream().filter(k -> k.publicKey().equals(v.publicKey())).findFirst().orElseThrow();
  }

  private TransactionOutcome applyOne(final MembershipChange change, final Signer by) {
    return apply(List.of(signed(change, by)), List.of(change.chunk())).outcomes().get(0);
  }

  @Test
  void anAddSignedByTheManagerTakesEffectFromTheNextHeightAndSurvivesAReopen() {
    final ValidatorSet genesisSet = chain.validatorSet();
    assertThat(applyOne(MembershipChange.add(newcomer), manager).committed()).isTrue();
    assertThat(store.validatorsAt(1)).as("the block that adds was decided by the old set").isEqualTo(genesisSet);
    final ValidatorSet after = store.validatorsAt(2);
    assertThat(after.size()).isEqualTo(5);
    assertThat(after.validators().get(4)).as("a new member takes the last place in the rotation").isEqualTo(newcomer);
    assertThat(after.quorum()).isEqualTo(4);
    store.close();
    store = RocksDbLedgerStore.open(dir);
    assertThat(store.validatorHistory()).containsExactly(java.util.Map.entry(1L, genesisSet), java.util.Map.entry(2L, after));
    assertThat(store.validatorsAt(1_000)).isEqualTo(after);
  }

  @Test
  void aMembershipChangeWritesNoResourceVersionWhichIndexersRebuildFromTheChain() {
    final MembershipChange add = MembershipChange.add(newcomer);
    final byte[] content = TestChain.json("Patient", "beside", 1);
    final AppliedBlock applied = apply(List.of(signed(add, manager), chain.write("Patient", "beside", 1, content, 3)),
        List.of(add.chunk(), TestChain.leaf(content)));
    assertThat(applied.outcomes()).allMatch(TransactionOutcome::committed);
    assertThat(applied.versions()).extracting(v -> v.resourceType()).containsExactly("Patient");
    assertThat(BlockExecutor.versionsOf(applied.block(), applied.outcomes())).isEqualTo(applied.versions());
    assertThat(store.head(MembershipChange.RESOURCE_TYPE, newcomer.publicKey().toHex())).isEmpty();
  }

  @Test
  void aMembershipChangeSignedByAnyOtherMemberIsRejectedAsUnauthorized() {
    final TransactionOutcome add = applyOne(MembershipChange.add(newcomer), chain.signers().get(2));
    final TransactionOutcome remove = applyOne(MembershipChange.remove(chain.signers().get(3).publicKey()), chain.signers().get(3));
    assertThat(List.of(add, remove)).allSatisfy(o -> {
      assertThat(o.committed()).isFalse();
      assertThat(BlockExecutor.Rejection.of(o.rejection())).contains(BlockExecutor.Rejection.UNAUTHORIZED);
    });
    assertThat(store.validatorHistory()).hasSize(1);
    assertThat(store.validatorsAt(store.height() + 1)).isEqualTo(chain.validatorSet());
  }

  @Test
  void anAddOfACurrentMemberIsRejectedAlsoWhenTheSameBlockAddedIt() {
    final Validator existing = chain.validatorSet().validators().get(1);
    assertThat(applyOne(MembershipChange.add(existing), manager).rejection()).startsWith("member-exists:");
    final MembershipChange add = MembershipChange.add(newcomer);
    final AppliedBlock twice = apply(List.of(signed(add, manager), signed(add, manager)), List.of(add.chunk()));
    assertThat(twice.outcomes().get(0).committed()).isTrue();
    assertThat(twice.outcomes().get(1).rejection()).startsWith("member-exists:");
    assertThat(twice.nextValidators().size()).isEqualTo(5);
  }

  @Test
  void aRemovalOfAnUnknownKeyIsRejectedAndTheLastValidatorCannotBeRemoved() {
    assertThat(applyOne(MembershipChange.remove(newcomer.publicKey()), manager).rejection()).startsWith("not-a-member:");
    // shrink 4 -> 1 (the manager stays), then the last removal is refused
    for (int i = 1; i < 4; i++) {
      assertThat(applyOne(MembershipChange.remove(chain.signers().get(i).publicKey()), manager).committed()).isTrue();
    }
    assertThat(store.validatorsAt(store.height() + 1).size()).isEqualTo(1);
    assertThat(applyOne(MembershipChange.remove(manager.publicKey()), manager).rejection()).startsWith("last-validator:");
    assertThat(store.validatorsAt(store.height() + 1).validators()).extracting(Validator::publicKey).containsExactly(manager.publicKey());
  }

  @Test
  void theManagerCannotRemoveItselfWhileOthersRemain() {
    assertThat(applyOne(MembershipChange.remove(manager.publicKey()), manager).rejection()).startsWith("manager-stays:");
    assertThat(store.validatorsAt(store.height() + 1)).isEqualTo(chain.validatorSet());
  }

  @Test
  void aRemovedValidatorNoLongerCountsFromTheNextHeight() {
    final Signer leaving = chain.signers().get(2);
    final AppliedBlock removal = apply(List.of(signed(MembershipChange.remove(leaving.publicKey()), manager)),
        List.of(MembershipChange.remove(leaving.publicKey()).chunk()));
    final long h = removal.block().height();
    assertThat(store.validatorsAt(h).contains(leaving.publicKey())).isTrue();
    assertThat(store.validatorsAt(h + 1).contains(leaving.publicKey())).isFalse();
    assertThat(store.validatorsAt(h + 1).quorum()).as("n = 3: f = 0, quorum 2").isEqualTo(2);
    // the leaver's seals no longer make a certificate at h + 1
    final byte[] content = TestChain.json("Patient", "after", 1);
    final Block next = apply(List.of(chain.write("Patient", "after", 1, content, 1)), List.of(TestChain.leaf(content))).block();
    final CommitCertificate byLeaver = new CommitCertificate(next.height(), 0, next.hash(), List.of(
        CommitSeal.create(leaving, TestChain.CHAIN_ID, next.height(), next.hash()),
        CommitSeal.create(chain.signers().get(1), TestChain.CHAIN_ID, next.height(), next.hash())));
    assertThat(byLeaver.check(TestChain.CHAIN_ID, store.validatorsAt(next.height()), Ed25519Keys.verifier())).isNotNull();
  }

  @Test
  void anAddAndARemovalOfTheSameMemberInOneBlockLeaveTheSetUnchanged() {
    final MembershipChange add = MembershipChange.add(newcomer);
    final MembershipChange remove = MembershipChange.remove(newcomer.publicKey());
    final AppliedBlock both = apply(List.of(signed(add, manager), signed(remove, manager)), List.of(add.chunk(), remove.chunk()));
    assertThat(both.outcomes()).allMatch(TransactionOutcome::committed);
    assertThat(both.nextValidators()).isNull();
    assertThat(store.validatorHistory()).hasSize(1);
  }

  @Test
  void malformedMembershipTransactionsAreRejected() {
    final MembershipChange add = MembershipChange.add(newcomer);
    final byte[] content = TestChain.json("Patient", "mixed", 1);
    final ResourceChange create = new ResourceChange(Operation.CREATE, "Patient", "mixed", 1, 0, TestChain.leaf(content).id(), content.length);
    final Transaction mixed = Transaction.sign(TestChain.CHAIN_ID, manager, "op", 1, 1, List.of(add.resourceChange(), create));
    // a record for the newcomer under another member's key
    final ResourceChange misnamed = new ResourceChange(Operation.ADD_VALIDATOR, MembershipChange.RESOURCE_TYPE,
        chain.signers().get(1).publicKey().toHex(), 1, 0, add.chunk().id(), add.chunk().size());
    final Transaction lying = Transaction.sign(TestChain.CHAIN_ID, manager, "op", 2, 2, List.of(misnamed));
    final AppliedBlock applied = apply(List.of(mixed, lying), List.of(add.chunk(), TestChain.leaf(content)));
    assertThat(applied.outcomes()).allSatisfy(o -> assertThat(o.rejection()).startsWith("malformed:"));
    assertThat(store.head("Patient", "mixed")).as("nothing of a rejected transaction is written").isEmpty();
    assertThat(applied.nextValidators()).isNull();
  }

  @Test
  void theAuditRecomputesTheValidatorHistoryAndCatchesAForgedOne() throws Exception {
    applyOne(MembershipChange.add(newcomer), manager);
    applyOne(MembershipChange.remove(chain.signers().get(1).publicKey()), chain.signers().get(3)); // rejected
    applyOne(MembershipChange.remove(chain.signers().get(1).publicKey()), manager);
    final byte[] content = TestChain.json("Patient", "late", 1);
    apply(List.of(chain.write("Patient", "late", 1, content, 4)), List.of(TestChain.leaf(content)));
    final ValidatorSet forged = store.validatorsAt(store.height());
    assertThat(new ChainAuditor(Ed25519Keys.verifier()).audit(store).failure()).isEmpty();
    store.close();
    // a disk-level attacker puts the removed validator back: consensus would count its votes again
    RocksDbTamper.overwrite(dir, RocksDbTamper.VALIDATORS, RocksDbTamper.heightKey(4), forged.with(chain.validatorSet().validators().get(1)).encode());
    store = RocksDbLedgerStore.open(dir);
    final ChainAuditor.Report report = new ChainAuditor(Ed25519Keys.verifier()).audit(store);
    assertThat(report.failure()).hasValueSatisfying(f -> {
      assertThat(f.height()).isEqualTo(3);
      assertThat(f.reason()).contains("stored validators from height 4");
    });
  }
}
