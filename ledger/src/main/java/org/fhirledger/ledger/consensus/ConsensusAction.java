package org.fhirledger.ledger.consensus;

import java.time.Duration;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.consensus.messages.ConsensusMessage;
import org.fhirledger.ledger.crypto.PublicKey;

/** What the state machine asks the shell to do, in order. */
public sealed interface ConsensusAction {
  /**
   * Write the journal durably (synced) before performing the actions after this one: it always precedes the
   * broadcast of the vote that changed it, so a vote is on disk before any peer can see it. One event yields at
   * most one per height: it carries every vote the event signs, and precedes the first of their broadcasts.
   * {@code lockChanged}: the journal's lock is new and must be written with it, in the same synced batch.
   */
  record PersistVotes(VoteJournal journal, boolean lockChanged) implements ConsensusAction {}

  /** Send a signed message to every other validator. The sender also handles its own message (no echo). */
  record Broadcast(ConsensusMessage message) implements ConsensusAction {}

  /** Send a signed message to one validator. */
  record SendTo(PublicKey peer, ConsensusMessage message) implements ConsensusAction {}

  /** Fire a RoundTimeout(height, round) after the delay unless the height moved on. */
  record ScheduleTimeout(long height, int round, Duration delay) implements ConsensusAction {}

  /**
   * The block is final with this certificate: the shell stores and applies it, then reports
   * {@link ConsensusEvent.ChainAdvanced} so that the state machine starts height + 1 with the validators the
   * block left (until then it ignores its finished height and buffers later ones).
   */
  record Finalize(Block block, CommitCertificate certificate) implements ConsensusAction {}

  /** Messages for heights above ours from f + 1 validators: we are behind, fetch certified blocks up to this height. */
  record CatchUp(long targetHeight) implements ConsensusAction {}

  /**
   * A correctly signed proposal (or round change) carried a block for our height that the block validator refused,
   * for {@code reason}: nothing to do but tell the operator, since a correct proposer never builds such a block and
   * an honest quorum will not prepare it. Emitted once per block.
   */
  record BlockRejected(long height, int round, Hash32 blockHash, PublicKey proposer, String reason) implements ConsensusAction {}
}
