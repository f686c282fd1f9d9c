package org.fhirledger.ledger.p2p.tio;

import java.nio.ByteBuffer;
import org.tio.client.intf.TioClientHandler;
import org.tio.client.intf.TioClientListener;
import org.tio.core.ChannelContext;
import org.tio.core.TioConfig;
import org.tio.core.exception.TioDecodeException;
import org.tio.core.intf.Packet;
import org.tio.server.intf.TioServerHandler;
import org.tio.server.intf.TioServerListener;

/** Adapts t-io's handler and listener callbacks (server and client side alike) to the transport. */
final class TioCallbacks implements TioServerHandler, TioClientHandler, TioServerListener, TioClientListener {
  private final TioPeerTransport transport;

  TioCallbacks(final TioPeerTransport transport) {
    this.transport = transport;
  }

  @Override
  public Packet decode(
      final ByteBuffer buffer,
      final int limit,
      final int position,
      final int readableLength,
      final ChannelContext context)
      throws TioDecodeException {
    return transport.decode(buffer, position, readableLength, context);
  }

  /** Frames are encoded once by the sender; this only wraps the shared bytes in a fresh buffer. */
  @Override
  public ByteBuffer encode(final Packet packet, final TioConfig tioConfig, final ChannelContext context) {
    return ByteBuffer.wrap(((OutboundFrame) packet).frame()).order(tioConfig.getByteOrder());
  }

  @Override
  public void handler(final Packet packet, final ChannelContext context) {
    transport.onFrame(context, (InboundFrame) packet);
  }

  /** t-io's own heartbeat is off: the transport sends HEARTBEAT frames on its own timer. */
  @Override
  public Packet heartbeatPacket(final ChannelContext context) {
    return null;
  }

  @Override
  public boolean onHeartbeatTimeout(final ChannelContext context, final Long interval, final int count) {
    return false;
  }

  @Override
  public void onAfterConnected(final ChannelContext context, final boolean isConnected, final boolean isReconnect) {
    if (isConnected) {
      transport.onConnected(context);
    }
  }

  @Override
  public void onAfterDecoded(final ChannelContext context, final Packet packet, final int packetSize) {}

  @Override
  public void onAfterReceivedBytes(final ChannelContext context, final int receivedBytes) {
    transport.onBytesReceived(context);
  }

  @Override
  public void onAfterSent(final ChannelContext context, final Packet packet, final boolean isSentSuccess) {
    if (packet instanceof OutboundFrame frame) {
      transport.onSent(frame, isSentSuccess);
    }
  }

  @Override
  public void onAfterHandled(final ChannelContext context, final Packet packet, final long cost) {}

  @Override
  public void onBeforeClose(
      final ChannelContext context, final Throwable throwable, final String remark, final boolean isRemove) {
    transport.onClosed(context, remark, throwable);
  }
}
