package org.fhirledger.ledger.p2p.tio;

/**
 * The wire format: {@code [4-byte big-endian length][1-byte type][payload]}, where the length counts the type
 * byte and the payload (so it is at least 1).
 */
final class Frames {
  static final int LENGTH_BYTES = 4;
  static final int HEADER_BYTES = LENGTH_BYTES + 1;

  private Frames() {}

  /** The whole encoded frame; built once and shared by every peer a broadcast goes to. */
  static byte[] encode(final FrameType type, final byte[] payload) {
    final int length = 1 + payload.length;
    final byte[] frame = new byte[LENGTH_BYTES + length];
    frame[0] = (byte) (length >>> 24);
    frame[1] = (byte) (length >>> 16);
    frame[2] = (byte) (length >>> 8);
    frame[3] = (byte) length;
    frame[4] = (byte) type.code;
    System.arraycopy(payload, 0, frame, HEADER_BYTES, payload.length);
    return frame;
  }
}
