package org.fhirledger.ledger.consensus.messages;

import org.fhirledger.ledger.crypto.PublicKey;

/**
 * A signed I-PBFT message (PROPOSE, PREPARE, COMMIT, ROUND-CHANGE). Immutable; {@code encode} gives the one
 * deterministic wire form and {@code ConsensusCodec.decode} reads it back.
 */
public interface ConsensusMessage {
  long height();

  int round();

  PublicKey author();

  /** A copy of the author's signature. */
  byte[] signature();

  /** The one wire form of this message. */
  default byte[] encode() {
    return ConsensusCodec.encode(this);
  }
}
