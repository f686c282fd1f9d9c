package org.fhirledger.ledger.p2p.tio;

/** The one-byte type that follows a frame's length. */
enum FrameType {
  HELLO(1),
  AUTH(2),
  HEARTBEAT(3),
  APP(4);

  private static final FrameType[] BY_CODE = {null, HELLO, AUTH, HEARTBEAT, APP};

  final int code;

  FrameType(final int code) {
    this.code = code;
  }

  /** The type with this code, or null when the code is unknown. */
  static FrameType of(final int code) {
    return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
