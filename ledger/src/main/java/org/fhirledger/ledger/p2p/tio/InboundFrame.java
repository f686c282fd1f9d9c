package org.fhirledger.ledger.p2p.tio;

import org.tio.core.intf.Packet;

/**
 * A decoded frame, or a "partial" marker: the decoder consumes the bytes of a large frame as they arrive and
 * returns the marker so that t-io forgets them (returning null would make t-io copy the whole growing
 * prefix on every read, quadratic in the frame size, and trip its slow-attack guard).
 */
final class InboundFrame extends Packet {
  private static final long serialVersionUID = 1L;
  private static final byte[] EMPTY = new byte[0];

  private final FrameType type;
  private final byte[] payload;

  InboundFrame(final FrameType type, final byte[] payload) {
    this.type = type;
    this.payload = payload;
  }

  static InboundFrame partial() {
    return new InboundFrame(null, EMPTY);
  }

  boolean isPartial() {
    return type == null;
  }

  FrameType type() {
    return type;
  }

  byte[] payload() {
    return payload;
  }

  @Override
  public String logstr() {
    return isPartial() ? "partial" : type + "(" + payload.length + " bytes)";
  }
}
