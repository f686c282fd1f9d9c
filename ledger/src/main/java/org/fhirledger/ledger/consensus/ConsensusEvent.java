package org.fhirledger.ledger.consensus;

import org.fhirledger.ledger.consensus.messages.ConsensusMessage;
import org.fhirledger.ledger.crypto.Hash32;

/** What the state machine reacts to. The shell turns sockets, timers and the mempool into these. */
public sealed interface ConsensusEvent {
  /** A decoded consensus message; its signature is checked by the state machine's validation. */
  record MessageReceived(ConsensusMessage message) implements ConsensusEvent {}

  /** The timer set by a {@link ConsensusAction.ScheduleTimeout} fired. */
  record RoundTimeout(long height, int round) implements ConsensusEvent {}

  /** The mempool holds transactions (after the batching wait): a waiting proposer may now propose. */
  record TransactionsPending() implements ConsensusEvent {}

  /**
   * Blocks up to the height are applied (the block of a {@link ConsensusAction.Finalize}, or certified blocks from
   * catch-up): start height + 1 with the validators in force there.
   */
  record ChainAdvanced(long height, Hash32 blockHash) implements ConsensusEvent {}
}
