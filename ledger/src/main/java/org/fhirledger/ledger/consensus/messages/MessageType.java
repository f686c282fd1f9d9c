package org.fhirledger.ledger.consensus.messages;

/** Wire codes of the I-PBFT messages. Part of the encoding: never renumber. */
public enum MessageType {
  PROPOSAL(1),
  PREPARE(2),
  COMMIT(3),
  ROUND_CHANGE(4);

  private final int code;

  MessageType(final int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
