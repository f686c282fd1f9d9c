package org.fhirledger.ledger.consensus.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.BlockHeader;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.consensus.ConsensusAction;
import org.fhirledger.ledger.consensus.ConsensusConfig;
import org.fhirledger.ledger.consensus.ConsensusEvent;
import org.fhirledger.ledger.consensus.messages.Commit;
import org.fhirledger.ledger.consensus.messages.ConsensusMessage;
import org.fhirledger.ledger.consensus.messages.Prepare;
import org.fhirledger.ledger.consensus.messages.Proposal;
import org.fhirledger.ledger.consensus.statemachine.IpbftStateMachine;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Signer;
import org.junit.jupiter.api.Test;

/**
 * Why the locks matter, as a hand-scheduled scenario (n = 4, one Byzantine validator). In round 0 block A
 * gets its PREPARE quorum at X and Y only; X also gets its COMMIT quorum and finalizes A. In round 1 the
 * next proposer, Z, never saw A's quorum and proposes B. Take "the most-voted hash" of the round (the
 * paper's Algorithm 4) and Y and Z with the Byzantine validator finalize B: a fork. Under our lock rule Y is
 * locked on A and refuses B, so B can never gather a quorum; A, the only block with a certificate, reaches the
 * others through catch-up.
 */
class SplitVoteScenarioTest {
  private static final String CHAIN = TestChain.CHAIN_ID;
  private final TestChain chain = new TestChain(4, 5);
  private final ValidatorSet validators = chain.validatorSet();
  private final ConsensusConfig config = new ConsensusConfig(Duration.ofMillis(1000), Duration.ofSeconds(30), 1000, 10);
  private final Map<Integer, IpbftStateMachine> honest = new HashMap<>();
  private final Map<Integer, Block> finalized = new HashMap<>();
  private final Map<Integer, CommitCertificate> certificates = new HashMap<>();
  private final Map<Integer, List<ConsensusMessage>> outbox = new HashMap<>();

  private Signer key(final int index) {
    final var pk = validators.validators().get(index).publicKey();
    return chain.signers().stream().filter(k -> k.publicKey().equals(pk)).findFirst().orElseThrow();
  }

  private int proposer(final int round) {
    return validators.indexOf(validators.proposer(1, round));
  }

  private Block block(final int proposerIndex, final int round, final String id) {
    final Transaction tx = chain.write("Patient", id, 1, TestChain.json("Patient", id, 1), id.hashCode() & 0x7fffffff);
    final BlockHeader header = new BlockHeader(CHAIN, 1, Hash32.ZERO, 1, key(proposerIndex).publicKey(), round,
        Block.transactionsRoot(List.of(tx)), Block.contentRoot(List.of()));
    return new Block(header, List.of(tx), List.of());
  }

  private void handle(final int node, final ConsensusEvent event) {
    for (final ConsensusAction a : honest.get(node).handle(event)) {
      if (a instanceof ConsensusAction.Broadcast b) {
        outbox.computeIfAbsent(node, k -> new ArrayList<>()).add(b.message());
      } else if (a instanceof ConsensusAction.Finalize f) {
        finalized.put(node, f.block());
        certificates.put(node, f.certificate());
      }
    }
  }

  private void deliver(final ConsensusMessage m, final int... to) {
    for (final int node : to) {
      handle(node, new ConsensusEvent.MessageReceived(m));
    }
  }

  /** Hands each message a node has sent so far to the given nodes, then forgets them. */
  private void flush(final int from, final int... to) {
    final List<ConsensusMessage> sent = outbox.getOrDefault(from, List.of());
    outbox.put(from, new ArrayList<>());
    for (final ConsensusMessage m : sent) {
      deliver(m, to);
    }
  }

  private List<ConsensusMessage> sentBy(final int node) {
    return outbox.getOrDefault(node, List.of());
  }

  @Test
  void aSplitVoteCannotForkTheChainBecauseLockedValidatorsRefuseTheOtherBlock() {
    final int byz = proposer(0);
    final int z = proposer(1);
    final int y = proposer(2);
    final int x = proposer(3);
    for (final int i : new int[] {x, y, z}) {
      final IpbftStateMachine m = new IpbftStateMachine(CHAIN, key(i), Ed25519Keys.verifier(), h -> validators,
          (h, r, parent) -> Optional.of(block(i, r, "fresh-" + i + "-" + r)), b -> null, config);
      m.start(0, Hash32.ZERO);
      honest.put(i, m);
    }

    // Round 0: the Byzantine proposer offers A; everyone prepares it, but only X and Y see the quorum.
    final Block a = block(byz, 0, "A");
    deliver(Proposal.create(key(byz), CHAIN, 1, 0, a, -1, List.of()), x, y, z);
    final Prepare byzPrepareA = Prepare.create(key(byz), CHAIN, 1, 0, a.hash());
    flush(x, y);
    flush(y, x);
    outbox.put(z, new ArrayList<>()); // Z's PREPARE is lost; Z hears nothing of round 0 beyond the proposal
    deliver(byzPrepareA, x, y);
    assertThat(sentBy(x)).anyMatch(m -> m instanceof Commit);
    assertThat(sentBy(y)).anyMatch(m -> m instanceof Commit);
    // X gets Y's COMMIT and the Byzantine one: final. Y's view of the commits is lost.
    flush(y, x);
    outbox.put(x, new ArrayList<>());
    deliver(Commit.create(key(byz), CHAIN, 1, 0, a.hash()), x);
    assertThat(finalized.get(x)).as("X finalized A in round 0").isEqualTo(a);

    // Round 1: Y and Z time out; Z, the proposer of round 1, never saw A's quorum and proposes B.
    handle(y, new ConsensusEvent.RoundTimeout(1, 0));
    handle(z, new ConsensusEvent.TransactionsPending());
    handle(z, new ConsensusEvent.RoundTimeout(1, 0));
    final Proposal proposalB = sentBy(z).stream().filter(m -> m instanceof Proposal p && p.round() == 1)
        .map(m -> (Proposal) m).findFirst().orElseThrow();
    final Block b = proposalB.block();
    assertThat(b.hash()).isNotEqualTo(a.hash());
    outbox.put(y, new ArrayList<>());
    deliver(proposalB, y);
    assertThat(sentBy(y)).as("Y is locked on A and has no justification to prepare B").noneMatch(m -> m instanceof Prepare);

    // Even with the Byzantine validator voting for B everywhere, B never reaches a quorum.
    deliver(Prepare.create(key(byz), CHAIN, 1, 1, b.hash()), y, z);
    flush(z, y);
    deliver(Commit.create(key(byz), CHAIN, 1, 1, b.hash()), y, z);
    assertThat(finalized).as("nobody finalizes B").doesNotContainValue(b);

    // The only block with a commit certificate is A: Y and Z take it through catch-up from X (certificate checked).
    assertThat(certificates.get(x).check(CHAIN, validators, Ed25519Keys.verifier())).isNull();
    for (final int laggard : new int[] {y, z}) {
      handle(laggard, new ConsensusEvent.ChainAdvanced(1, a.hash()));
      assertThat(honest.get(laggard).height()).isEqualTo(2);
    }
  }

  /**
   * The paper's Algorithm 4, reduced to its decision rule for this scenario: a validator prepares whatever the
   * round's proposer offers (no lock), commits the hash a quorum prepared, and finalizes the most-voted hash once
   * it has a quorum of commits. Kept as a model (hashes and vote counts, no signatures) because the point is the
   * rule, not the messages.
   */
  private static final class MostVotedValidator {
    private final String name;
    private String finalized;

    MostVotedValidator(final String name) {
      this.name = name;
    }

    String prepare(final String proposed) {
      return proposed; // no lock: any proposal of the current round is acceptable
    }

    void onCommits(final Map<String, Integer> commitsByHash, final int quorum) {
      if (finalized != null) {
        return;
      }
      commitsByHash.entrySet().stream().max(Map.Entry.comparingByValue())
          .filter(e -> e.getValue() >= quorum).ifPresent(e -> finalized = e.getKey());
    }

    @Override
    public String toString() {
      return name + " finalized " + finalized;
    }
  }

  @Test
  void theSameScheduleUnderThePapersMostVotedRuleForks() {
    final int quorum = validators.quorum();
    final MostVotedValidator x = new MostVotedValidator("X");
    final MostVotedValidator y = new MostVotedValidator("Y");
    final MostVotedValidator z = new MostVotedValidator("Z");
    // Round 0: the same split. X and Y (and the Byzantine validator) prepare and commit A; only X sees the commits.
    final Map<String, Integer> round0CommitsSeenByX = new HashMap<>(Map.of(x.prepare("A"), 3));
    x.onCommits(round0CommitsSeenByX, quorum);
    y.prepare("A");
    // Round 1: Z proposes B. Y, holding no lock, prepares and commits B with Z and the Byzantine validator.
    final Map<String, Integer> round1Commits = new HashMap<>();
    for (final MostVotedValidator v : List.of(y, z)) {
      round1Commits.merge(v.prepare("B"), 1, Integer::sum);
    }
    round1Commits.merge("B", 1, Integer::sum); // the Byzantine validator
    y.onCommits(round1Commits, quorum);
    z.onCommits(round1Commits, quorum);
    assertThat(x.finalized).isEqualTo("A");
    assertThat(y.finalized).as("a fork: %s, %s", x, y).isEqualTo("B");
  }
}
