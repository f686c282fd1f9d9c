package org.fhirledger.ledger.consensus.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.BlockHeader;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.consensus.ConsensusAction;
import org.fhirledger.ledger.consensus.ConsensusConfig;
import org.fhirledger.ledger.consensus.ConsensusEvent;
import org.fhirledger.ledger.consensus.messages.Commit;
import org.fhirledger.ledger.consensus.messages.ConsensusMessage;
import org.fhirledger.ledger.consensus.messages.Prepare;
import org.fhirledger.ledger.consensus.messages.Proposal;
import org.fhirledger.ledger.consensus.messages.RoundChange;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Signer;
import org.junit.jupiter.api.Test;

/**
 * Besu-style harness: one real state machine and scripted peers that inject signed messages; timers are
 * fired by hand.
 */
class IpbftStateMachineTest {
  private static final String CHAIN = TestChain.CHAIN_ID;
  private final TestChain chain = new TestChain(4, 11);
  private final ValidatorSet validators = chain.validatorSet();
  private final List<Signer> keys = chain.signers();
  private final ConsensusConfig config = new ConsensusConfig(Duration.ofMillis(1000), Duration.ofSeconds(30), 1000, 10);

  private Signer key(final int validatorIndex) {
    final var pk = validators.validators().get(validatorIndex).publicKey();
    return keys.stream().filter(k -> k.publicKey().equals(pk)).findFirst().orElseThrow();
  }

  private int indexOfProposer(final long h, final int r) {
    return validators.indexOf(validators.proposer(h, r));
  }

  private Block block(final long h, final int r, final int proposerIndex, final int variant) {
    final byte[] content = TestChain.json("Patient", "p" + variant, 1);
    final var tx = chain.write("Patient", "p" + variant, 1, content, variant);
    final var header = new BlockHeader(CHAIN, h, Hash32.ZERO, variant, key(proposerIndex).publicKey(), r,
        Block.transactionsRoot(List.of(tx)), Block.contentRoot(List.of()));
    return new Block(header, List.of(tx), List.of());
  }

  private IpbftStateMachine machine(final int self, final Optional<Block> toPropose) {
    final IpbftStateMachine m = new IpbftStateMachine(CHAIN, key(self), Ed25519Keys.verifier(), h -> validators,
        (h, r, parent) -> toPropose, b -> null, config);
    m.start(0, Hash32.ZERO);
    return m;
  }

  private static List<ConsensusMessage> sent(final List<ConsensusAction> actions) {
    final List<ConsensusMessage> out = new ArrayList<>();
    for (final ConsensusAction a : actions) {
      if (a instanceof ConsensusAction.Broadcast b) {
        out.add(b.message());
      }
    }
    return out;
  }

  private static Optional<ConsensusAction.Finalize> finalized(final List<ConsensusAction> actions) {
    return actions.stream().filter(a -> a instanceof ConsensusAction.Finalize).map(a -> (ConsensusAction.Finalize) a).findFirst();
  }

  /** PREPAREs for the block in round 0 from the three other validators: a quorum with our own. */
  private void preparesFromEveryoneElse(final IpbftStateMachine m, final int self, final Block block) {
    for (int i = 0; i < 4; i++) {
      if (i != self) {
        receive(m, Prepare.create(key(i), CHAIN, 1, 0, block.hash()));
      }
    }
  }

  private List<ConsensusAction> receive(final IpbftStateMachine m, final ConsensusMessage msg) {
    return m.handle(new ConsensusEvent.MessageReceived(msg));
  }

  @Test
  void validatorPreparesCommitsAndFinalizesOnQuorums() {
    final int proposer = indexOfProposer(1, 0);
    final int self = (proposer + 1) % 4;
    final IpbftStateMachine m = machine(self, Optional.empty());
    final Block b = block(1, 0, proposer, 1);

    assertThat(sent(receive(m, Proposal.create(key(proposer), CHAIN, 1, 0, b, -1, List.of()))))
        .singleElement().isInstanceOf(Prepare.class);
    final List<ConsensusMessage> afterPrepares = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      if (i != self && afterPrepares.isEmpty()) {
        afterPrepares.addAll(sent(receive(m, Prepare.create(key(i), CHAIN, 1, 0, b.hash()))));
      }
    }
    assertThat(afterPrepares).singleElement().isInstanceOf(Commit.class);
    List<ConsensusAction> last = List.of();
    for (int i = 0; i < 4 && finalized(last).isEmpty(); i++) {
      if (i != self) {
        last = receive(m, Commit.create(key(i), CHAIN, 1, 0, b.hash()));
      }
    }
    final ConsensusAction.Finalize f = finalized(last).orElseThrow();
    assertThat(f.block().hash()).isEqualTo(b.hash());
    assertThat(f.certificate().check(CHAIN, validators, Ed25519Keys.verifier())).isNull();
    assertThat(m.height()).as("the next height waits until the shell has applied the block").isEqualTo(1);
    assertThat(receive(m, Commit.create(key(self == 0 ? 1 : 0), CHAIN, 1, 1, b.hash()))).as("a finished height is deaf").isEmpty();
    m.handle(new ConsensusEvent.ChainAdvanced(1, b.hash()));
    assertThat(m.height()).isEqualTo(2);
  }

  private static org.fhirledger.ledger.consensus.VoteJournal lastJournal(final List<ConsensusAction> actions) {
    org.fhirledger.ledger.consensus.VoteJournal j = null;
    for (final ConsensusAction a : actions) {
      if (a instanceof ConsensusAction.PersistVotes p) {
        j = p.journal();
      }
      if (a instanceof ConsensusAction.Broadcast) {
        assertThat(j).as("the journal is written before the vote is sent").isNotNull();
      }
    }
    return j;
  }

  @Test
  void theProposerJournalsItsProposalAndItsPrepareInOneWriteBeforeSendingEither() {
    final int proposer = indexOfProposer(1, 0);
    final Block b = block(1, 0, proposer, 1);
    final IpbftStateMachine m = machine(proposer, Optional.of(b));
    final List<ConsensusAction> actions = m.handle(new ConsensusEvent.TransactionsPending());

    assertThat(sent(actions)).hasSize(2).first().isInstanceOf(Proposal.class);
    assertThat(sent(actions).get(1)).isInstanceOf(Prepare.class);
    final List<ConsensusAction.PersistVotes> writes = actions.stream().filter(a -> a instanceof ConsensusAction.PersistVotes)
        .map(a -> (ConsensusAction.PersistVotes) a).toList();
    assertThat(writes).as("one synced journal write for both votes").hasSize(1);
    final var journal = writes.get(0).journal();
    assertThat(journal.voted(0, org.fhirledger.ledger.consensus.VoteJournal.Kind.PROPOSE)).contains(b.hash());
    assertThat(journal.voted(0, org.fhirledger.ledger.consensus.VoteJournal.Kind.PREPARE)).contains(b.hash());
    final int firstBroadcast = actions.indexOf(actions.stream().filter(a -> a instanceof ConsensusAction.Broadcast).findFirst().orElseThrow());
    assertThat(actions.indexOf(writes.get(0))).as("durable before the first vote leaves").isLessThan(firstBroadcast);
  }

  @Test
  void theLockTravelsInTheSameJournalWriteAsTheCommitVote() {
    final int proposer = indexOfProposer(1, 0);
    final int self = (proposer + 1) % 4;
    final IpbftStateMachine m = machine(self, Optional.empty());
    final Block b = block(1, 0, proposer, 1);
    receive(m, Proposal.create(key(proposer), CHAIN, 1, 0, b, -1, List.of()));
    List<ConsensusAction> quorum = List.of();
    for (int i = 0; i < 4 && sent(quorum).isEmpty(); i++) {
      if (i != self) {
        quorum = receive(m, Prepare.create(key(i), CHAIN, 1, 0, b.hash()));
      }
    }
    assertThat(sent(quorum)).singleElement().isInstanceOf(Commit.class);
    final List<ConsensusAction.PersistVotes> writes = quorum.stream().filter(a -> a instanceof ConsensusAction.PersistVotes)
        .map(a -> (ConsensusAction.PersistVotes) a).toList();
    assertThat(writes).singleElement().satisfies(w -> {
      assertThat(w.lockChanged()).isTrue();
      assertThat(w.journal().lock().block().hash()).isEqualTo(b.hash());
      assertThat(w.journal().voted(0, org.fhirledger.ledger.consensus.VoteJournal.Kind.COMMIT)).contains(b.hash());
    });
  }

  @Test
  void aRestartedValidatorNeverPreparesAnotherBlockAtARoundItVotedIn() {
    final int proposer = indexOfProposer(1, 0);
    final int self = (proposer + 1) % 4;
    final IpbftStateMachine m = machine(self, Optional.empty());
    final Block b = block(1, 0, proposer, 1);
    final var journal = lastJournal(receive(m, Proposal.create(key(proposer), CHAIN, 1, 0, b, -1, List.of())));
    assertThat(journal.voted(0, org.fhirledger.ledger.consensus.VoteJournal.Kind.PREPARE)).contains(b.hash());

    final var restored = org.fhirledger.ledger.consensus.VoteJournal.decode(journal.encode());
    final IpbftStateMachine after = new IpbftStateMachine(CHAIN, key(self), Ed25519Keys.verifier(), h -> validators,
        (h, r, parent) -> Optional.empty(), x -> null, config);
    after.start(0, Hash32.ZERO, restored);
    // the (Byzantine) proposer now shows it another block for the same round: no second PREPARE
    final Block other = block(1, 0, proposer, 2);
    assertThat(sent(receive(after, Proposal.create(key(proposer), CHAIN, 1, 0, other, -1, List.of())))).isEmpty();
    // the vote it already cast still counts toward the quorum for the first block
    preparesFromEveryoneElse(after, self, b);
    assertThat(after.round()).isZero();
  }

  @Test
  void aRestartedValidatorKeepsItsLockAndCanStillJustifyIt() {
    final int proposer = indexOfProposer(1, 0);
    final int self = (proposer + 1) % 4;
    final IpbftStateMachine m = machine(self, Optional.empty());
    final Block b = block(1, 0, proposer, 1);
    receive(m, Proposal.create(key(proposer), CHAIN, 1, 0, b, -1, List.of()));
    final List<ConsensusAction> actions = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      if (i != self) {
        actions.addAll(receive(m, Prepare.create(key(i), CHAIN, 1, 0, b.hash())));
      }
    }
    final var journal = lastJournal(actions);
    assertThat(journal.lockedRound()).isZero();
    assertThat(actions.stream().anyMatch(a -> a instanceof ConsensusAction.PersistVotes p && p.lockChanged())).isTrue();
    final var restored = org.fhirledger.ledger.consensus.VoteJournal.decode(journal.encode()).withLockFrom(journal.lock().encode(1));
    assertThat(restored.lock().block().hash()).isEqualTo(b.hash());
    assertThat(restored.lock().certificate()).hasSizeGreaterThanOrEqualTo(validators.quorum());

    final IpbftStateMachine after = new IpbftStateMachine(CHAIN, key(self), Ed25519Keys.verifier(), h -> validators,
        (h, r, parent) -> Optional.empty(), x -> null, config);
    after.start(0, Hash32.ZERO, restored);
    // round 1 brings a fresh block without a justification: the lock refuses it
    final int nextProposer = indexOfProposer(1, 1);
    for (int i = 0; i < 4; i++) {
      if (i != self) {
        receive(after, org.fhirledger.ledger.consensus.messages.RoundChange.create(key(i), CHAIN, 1, 1, -1, null, List.of()));
      }
    }
    final Block fresh = block(1, 1, nextProposer, 3);
    assertThat(sent(receive(after, Proposal.create(key(nextProposer), CHAIN, 1, 1, fresh, -1, List.of()))))
        .noneMatch(msg -> msg instanceof Prepare);
  }

  @Test
  void aLoneValidatorCommitsAlone() {
    final TestChain solo = new TestChain(1, 3);
    final Block b = solo.block(1, Hash32.ZERO, List.of(solo.write("Patient", "x", 1, TestChain.json("Patient", "x", 1), 0)), List.of());
    final IpbftStateMachine m = new IpbftStateMachine(CHAIN, solo.signers().get(0), Ed25519Keys.verifier(), h -> solo.validatorSet(),
        (h, r, parent) -> Optional.of(b), x -> null, config);
    m.start(0, Hash32.ZERO);
    assertThat(finalized(m.handle(new ConsensusEvent.TransactionsPending()))).isPresent();
  }

  @Test
  void proposalsFromTheWrongProposerOrWithBadSignaturesAndStrangersAreDropped() {
    final int proposer = indexOfProposer(1, 0);
    final int other = (proposer + 1) % 4;
    final int self = (proposer + 2) % 4;
    final IpbftStateMachine m = machine(self, Optional.empty());
    final Block b = block(1, 0, other, 1);
    assertThat(sent(receive(m, Proposal.create(key(other), CHAIN, 1, 0, b, -1, List.of())))).isEmpty();
    final Proposal good = Proposal.create(key(proposer), CHAIN, 1, 0, block(1, 0, proposer, 2), -1, List.of());
    final byte[] sig = good.signature();
    sig[0] ^= 1;
    final Proposal forged = new Proposal(1, 0, good.block(), -1, List.of(), good.author(), sig);
    assertThat(sent(receive(m, forged))).isEmpty();
    assertThat(m.droppedMessages()).isEqualTo(2);
    receive(m, Prepare.create(Ed25519Keys.fromPrivateKey(new byte[32]), CHAIN, 1, 0, b.hash()));
    assertThat(m.droppedMessages()).isEqualTo(3);
    assertThat(sent(receive(m, good))).as("the genuine proposal still gets its PREPARE").singleElement().isInstanceOf(Prepare.class);
  }

  @Test
  void aProposedBlockTheValidatorRefusesIsReportedOnceWithItsReasonAndNotPrepared() {
    final int proposer = indexOfProposer(1, 0);
    final int self = (proposer + 1) % 4;
    final Block bad = block(1, 0, proposer, 7);
    final List<Block> validated = new ArrayList<>();
    final IpbftStateMachine m = new IpbftStateMachine(CHAIN, key(self), Ed25519Keys.verifier(), h -> validators,
        (h, r, parent) -> Optional.empty(), b -> {
          validated.add(b);
          return b.hash().equals(bad.hash()) ? "transaction 1234 is twice in the block" : null;
        }, config);
    m.start(0, Hash32.ZERO);

    final List<ConsensusAction> actions = receive(m, Proposal.create(key(proposer), CHAIN, 1, 0, bad, -1, List.of()));
    assertThat(sent(actions)).as("no PREPARE for a refused block").isEmpty();
    assertThat(actions).filteredOn(a -> a instanceof ConsensusAction.BlockRejected).singleElement()
        .isEqualTo(new ConsensusAction.BlockRejected(1, 0, bad.hash(), key(proposer).publicKey(), "transaction 1234 is twice in the block"));
    // the same block again, carried by a round change: neither validated nor reported a second time
    final List<Prepare> certificate = new ArrayList<>();
    for (int i = 0; i < 4 && certificate.size() < 3; i++) {
      certificate.add(Prepare.create(key(i), CHAIN, 1, 0, bad.hash()));
    }
    final List<ConsensusAction> again = receive(m, RoundChange.create(key(proposer), CHAIN, 1, 1, 0, bad, certificate));
    assertThat(again).noneMatch(a -> a instanceof ConsensusAction.BlockRejected);
    assertThat(validated).hasSize(1);

    final Block good = block(1, 0, proposer, 8);
    assertThat(sent(receive(m, Proposal.create(key(proposer), CHAIN, 1, 0, good, -1, List.of()))))
        .as("the refused block did not take the round's proposal slot").singleElement().isInstanceOf(Prepare.class);
  }

  @Test
  void aLockedValidatorRefusesAnUnjustifiedDifferentBlockButFollowsAJustifiedOne() {
    final int p0 = indexOfProposer(1, 0);
    final int self = (p0 + 3) % 4; // proposer of neither round 0, 1 nor 2
    final IpbftStateMachine m = machine(self, Optional.empty());
    final Block a = block(1, 0, p0, 1);
    receive(m, Proposal.create(key(p0), CHAIN, 1, 0, a, -1, List.of()));
    preparesFromEveryoneElse(m, self, a); // a quorum: locks on A in round 0
    m.handle(new ConsensusEvent.RoundTimeout(1, 0));
    assertThat(m.round()).isEqualTo(1);

    final int p1 = indexOfProposer(1, 1);
    final Block b = block(1, 1, p1, 2);
    assertThat(sent(receive(m, Proposal.create(key(p1), CHAIN, 1, 1, b, -1, List.of()))))
        .as("locked on A, and nothing justifies B").isEmpty();

    // Round 2: B re-proposed with a quorum of PREPAREs from round 1 (at or above the lock's round 0).
    final List<Prepare> justification = new ArrayList<>();
    for (int i = 0; i < 4 && justification.size() < validators.quorum(); i++) {
      if (i != self) {
        justification.add(Prepare.create(key(i), CHAIN, 1, 1, b.hash()));
      }
    }
    for (int i = 0; i < 4; i++) {
      if (i != self) { // the others are in round 1 too, so our timeout moves us on rather than waiting for them
        receive(m, RoundChange.create(key(i), CHAIN, 1, 1, -1, null, List.of()));
      }
    }
    m.handle(new ConsensusEvent.RoundTimeout(1, 1));
    assertThat(m.round()).isEqualTo(2);
    final int p2 = indexOfProposer(1, 2);
    final List<ConsensusMessage> out = sent(receive(m, Proposal.create(key(p2), CHAIN, 1, 2, b, 1, justification)));
    assertThat(out).singleElement().isInstanceOfSatisfying(Prepare.class, p -> assertThat(p.blockHash()).isEqualTo(b.hash()));
  }

  @Test
  void theNextProposerReProposesTheBlockItLockedOnWithItsJustification() {
    final int p0 = indexOfProposer(1, 0);
    final int self = indexOfProposer(1, 1);
    final IpbftStateMachine m = machine(self, Optional.of(block(1, 1, self, 9)));
    final Block a = block(1, 0, p0, 1);
    receive(m, Proposal.create(key(p0), CHAIN, 1, 0, a, -1, List.of()));
    preparesFromEveryoneElse(m, self, a);
    final List<ConsensusMessage> out = sent(m.handle(new ConsensusEvent.RoundTimeout(1, 0)));
    assertThat(out).filteredOn(msg -> msg instanceof Proposal).singleElement().isInstanceOfSatisfying(Proposal.class, p -> {
      assertThat(p.round()).isEqualTo(1);
      assertThat(p.block().hash()).as("the locked block, not a fresh one").isEqualTo(a.hash());
      assertThat(p.validRound()).isZero();
      assertThat(p.justification()).hasSizeGreaterThanOrEqualTo(validators.quorum());
    });
  }

  @Test
  void aTimeoutSendsARoundChangeCarryingThePreparedBlock() {
    final int p0 = indexOfProposer(1, 0);
    final int self = (p0 + 3) % 4;
    final IpbftStateMachine m = machine(self, Optional.empty());
    final Block a = block(1, 0, p0, 1);
    receive(m, Proposal.create(key(p0), CHAIN, 1, 0, a, -1, List.of()));
    preparesFromEveryoneElse(m, self, a);
    final List<ConsensusMessage> out = sent(m.handle(new ConsensusEvent.RoundTimeout(1, 0)));
    assertThat(out).singleElement().isInstanceOfSatisfying(RoundChange.class, rc -> {
      assertThat(rc.round()).isEqualTo(1);
      assertThat(rc.preparedRound()).isZero();
      assertThat(rc.preparedBlock().hash()).isEqualTo(a.hash());
      assertThat(rc.preparedCertificate()).hasSizeGreaterThanOrEqualTo(validators.quorum());
    });
  }

  @Test
  void aValidatorAloneInItsRoundRepeatsItsRoundChangeInsteadOfRunningFurtherAhead() {
    final int self = indexOfProposer(1, 3); // not the proposer of rounds 1 or 2
    final IpbftStateMachine m = machine(self, Optional.empty());
    m.handle(new ConsensusEvent.TransactionsPending());
    m.handle(new ConsensusEvent.RoundTimeout(1, 0));
    assertThat(m.round()).isEqualTo(1);
    final List<ConsensusAction> waited = m.handle(new ConsensusEvent.RoundTimeout(1, 1));
    assertThat(m.round()).as("nobody else is in round 1 yet").isEqualTo(1);
    assertThat(sent(waited)).singleElement().isInstanceOfSatisfying(RoundChange.class, rc -> assertThat(rc.round()).isEqualTo(1));
    assertThat(waited).anyMatch(a -> a instanceof ConsensusAction.ScheduleTimeout t && t.round() == 1);
  }

  @Test
  void aTimeoutAfterAnotherValidatorMovedOnEntersTheNextRoundNotTheOneAfter() {
    final int self = indexOfProposer(1, 3);
    final IpbftStateMachine m = machine(self, Optional.empty());
    m.handle(new ConsensusEvent.TransactionsPending());
    receive(m, RoundChange.create(key((self + 1) % 4), CHAIN, 1, 1, -1, null, List.of()));
    assertThat(m.round()).as("one validator ahead is not f + 1").isZero();
    m.handle(new ConsensusEvent.RoundTimeout(1, 0));
    // Our own ROUND-CHANGE makes f + 1 in round 1; that must not also count as a second step.
    assertThat(m.round()).isEqualTo(1);
  }

  @Test
  void twoConflictingPreparesFromOneValidatorAreKeptAsEvidence() {
    final IpbftStateMachine m = machine(0, Optional.empty());
    receive(m, Prepare.create(key(1), CHAIN, 1, 0, Hash32.sha256(new byte[] {1})));
    receive(m, Prepare.create(key(1), CHAIN, 1, 0, Hash32.sha256(new byte[] {2})));
    assertThat(m.evidence()).singleElement().satisfies(e -> assertThat(e.first().author()).isEqualTo(key(1).publicKey()));
  }

  @Test
  void anIdleHeightSetsNoTimerUntilThereIsWork() {
    final IpbftStateMachine m = new IpbftStateMachine(CHAIN, key(0), Ed25519Keys.verifier(), h -> validators,
        (h, r, parent) -> Optional.empty(), b -> null, config);
    assertThat(m.start(0, Hash32.ZERO)).isEmpty();
    assertThat(m.handle(new ConsensusEvent.TransactionsPending()))
        .anyMatch(a -> a instanceof ConsensusAction.ScheduleTimeout t && t.height() == 1 && t.round() == 0);
  }

  /**
   * Membership: a node outside the set of a height follows it without voting (its own vote would otherwise
   * count towards a quorum it is not part of), and the height that the chain's membership change puts it in is
   * voted with the new set, read only after the shell reported the block applied.
   */
  @Test
  void aNodeOutsideTheSetFollowsWithoutVotingAndVotesFromTheHeightThatAddsIt() {
    final Signer outsider = Ed25519Keys.generate(TestChain.seededRandom(5));
    final ValidatorSet withOutsider = validators.with(new org.fhirledger.ledger.chain.Validator("new", outsider.publicKey(), "127.0.0.1", 1));
    final boolean[] applied = {false};
    final IpbftStateMachine m = new IpbftStateMachine(CHAIN, outsider, Ed25519Keys.verifier(),
        h -> h >= 2 && applied[0] ? withOutsider : validators, (h, r, parent) -> Optional.empty(), b -> null, config);
    m.start(0, Hash32.ZERO);
    final int proposer = indexOfProposer(1, 0);
    final Block b1 = block(1, 0, proposer, 1);
    final List<ConsensusMessage> votes = new ArrayList<>(sent(receive(m, Proposal.create(key(proposer), CHAIN, 1, 0, b1, -1, List.of()))));
    for (int i = 0; i < 4; i++) {
      votes.addAll(sent(receive(m, Prepare.create(key(i), CHAIN, 1, 0, b1.hash()))));
    }
    List<ConsensusAction> last = List.of();
    for (int i = 0; i < 3 && finalized(last).isEmpty(); i++) {
      last = receive(m, Commit.create(key(i), CHAIN, 1, 0, b1.hash()));
      votes.addAll(sent(last));
    }
    assertThat(votes).as("a non-member never votes").isEmpty();
    final ConsensusAction.Finalize f = finalized(last).orElseThrow();
    assertThat(f.certificate().seals()).noneMatch(seal -> seal.validator().equals(outsider.publicKey()));
    assertThat(f.certificate().check(CHAIN, validators, Ed25519Keys.verifier())).isNull();

    applied[0] = true; // the shell applied block 1, whose membership transaction adds the outsider from height 2
    m.handle(new ConsensusEvent.ChainAdvanced(1, b1.hash()));
    final int proposer2 = withOutsider.indexOf(withOutsider.proposer(2, 0));
    final var tx = chain.write("Patient", "h2", 1, TestChain.json("Patient", "h2", 1), 2);
    final Block b2 = new Block(new BlockHeader(CHAIN, 2, b1.hash(), 2, withOutsider.validators().get(proposer2).publicKey(), 0,
        Block.transactionsRoot(List.of(tx)), Block.contentRoot(List.of())), List.of(tx), List.of());
    assertThat(sent(receive(m, Proposal.create(key(proposer2), CHAIN, 2, 0, b2, -1, List.of()))))
        .as("a member from height 2").singleElement().isInstanceOf(Prepare.class);
  }
}
