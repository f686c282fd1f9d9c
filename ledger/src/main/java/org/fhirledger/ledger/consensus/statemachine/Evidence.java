package org.fhirledger.ledger.consensus.statemachine;

import org.fhirledger.ledger.consensus.messages.ConsensusMessage;

/** Two conflicting signed messages from one validator at one (height, round): proof of a Byzantine validator. */
public record Evidence(ConsensusMessage first, ConsensusMessage second) {
  public String describe() {
    return first.getClass().getSimpleName() + " equivocation by " + first.author() + " at height " + first.height() + " round " + first.round();
  }
}
