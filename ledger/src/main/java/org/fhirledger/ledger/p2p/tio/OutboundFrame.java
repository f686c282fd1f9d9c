package org.fhirledger.ledger.p2p.tio;

import org.tio.core.intf.Packet;

/** One queued write of an already encoded frame to one connection; the frame bytes may be shared. */
final class OutboundFrame extends Packet {
  private static final long serialVersionUID = 1L;

  private final transient Connection owner;
  private final byte[] frame;

  OutboundFrame(final Connection owner, final byte[] frame) {
    this.owner = owner;
    this.frame = frame;
  }

  Connection owner() {
    return owner;
  }

  byte[] frame() {
    return frame;
  }

  @Override
  public String logstr() {
    return "frame(" + frame.length + " bytes)";
  }
}
