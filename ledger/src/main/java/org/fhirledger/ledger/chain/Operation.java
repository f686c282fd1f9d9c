package org.fhirledger.ledger.chain;

/** What a change does to a resource or to the consortium. Codes are part of the encoding: never renumber. */
public enum Operation {
  CREATE(1),
  UPDATE(2),
  DELETE(3),
  ADD_VALIDATOR(10),
  REMOVE_VALIDATOR(11);

  private final int code;

  Operation(final int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static Operation fromCode(final int code) {
    for (final Operation op : values()) {
      if (op.code == code) {
        return op;
      }
    }
    throw new org.fhirledger.ledger.codec.DecodingException("unknown operation code " + code);
  }
}
