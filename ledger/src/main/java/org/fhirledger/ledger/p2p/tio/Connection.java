package org.fhirledger.ledger.p2p.tio;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import org.fhirledger.ledger.crypto.PublicKey;
import org.tio.core.ChannelContext;
import org.tio.core.Tio;
import org.tio.core.ssl.SslVo;
import org.tio.core.exception.TioDecodeException;

/**
 * The state of one socket: handshake progress, the peer's key once proven, the frame being reassembled and
 * the number of frames waiting to be written. Decoding and frame handling run on one t-io thread at a time
 * per connection; the fields they share with other threads are volatile.
 */
final class Connection {
  final ChannelContext context;
  final boolean outbound;
  /** For an outbound connection, the member it was dialled for; null for inbound ones. */
  final PublicKey dialedKey;
  final byte[] localNonce;
  final long openedAtNanos = System.nanoTime();
  final AtomicInteger pending = new AtomicInteger();

  volatile long lastReceivedNanos = openedAtNanos;
  volatile PublicKey remoteKey;
  volatile byte[] remoteNonce;
  volatile boolean authenticated;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicBoolean helloSent = new AtomicBoolean();

  private byte[] assembly;
  private FrameType assemblyType;
  private int assemblyFilled;

  Connection(
      final ChannelContext context, final boolean outbound, final PublicKey dialedKey, final byte[] localNonce) {
    this.context = context;
    this.outbound = outbound;
    this.dialedKey = dialedKey;
    this.localNonce = localNonce;
  }

  /**
   * Decodes at most one frame following t-io's contract: reads from {@code position}, returns null while even
   * the header is incomplete, throws on a bad type or a length outside 1..maxFrameBytes. Once a header is
   * known, the payload is copied out as it arrives and a partial marker returned, so large frames cost linear
   * time.
   */
  InboundFrame decode(final ByteBuffer buffer, final int position, final int readable, final int maxFrameBytes)
      throws TioDecodeException {
    if (assembly != null) {
      final int n = Math.min(readable, assembly.length - assemblyFilled);
      buffer.position(position);
      buffer.get(assembly, assemblyFilled, n);
      assemblyFilled += n;
      return assemblyFilled == assembly.length ? finishAssembly() : InboundFrame.partial();
    }
    if (readable < Frames.HEADER_BYTES) {
      return null;
    }
    final int length = (buffer.get(position) & 0xff) << 24 | (buffer.get(position + 1) & 0xff) << 16
        | (buffer.get(position + 2) & 0xff) << 8 | (buffer.get(position + 3) & 0xff);
    if (length < 1 || length > maxFrameBytes) {
      throw new TioDecodeException("frame length " + Integer.toUnsignedString(length) + " outside 1.." + maxFrameBytes);
    }
    final FrameType type = FrameType.of(buffer.get(position + Frames.LENGTH_BYTES) & 0xff);
    if (type == null) {
      throw new TioDecodeException("unknown frame type " + (buffer.get(position + Frames.LENGTH_BYTES) & 0xff));
    }
    final int payloadLength = length - 1;
    final int available = readable - Frames.HEADER_BYTES;
    buffer.position(position + Frames.HEADER_BYTES);
    final byte[] payload = new byte[payloadLength];
    if (available >= payloadLength) {
      buffer.get(payload);
      return new InboundFrame(type, payload);
    }
    buffer.get(payload, 0, available);
    assembly = payload;
    assemblyType = type;
    assemblyFilled = available;
    return InboundFrame.partial();
  }

  private InboundFrame finishAssembly() {
    final InboundFrame frame = new InboundFrame(assemblyType, assembly);
    assembly = null;
    assemblyType = null;
    assemblyFilled = 0;
    return frame;
  }

  /** Queues an encoded frame unless more than {@code maxQueued} are already waiting; never blocks. */
  boolean enqueue(final byte[] frame, final int maxQueued) {
    if (closing.get()) {
      return false;
    }
    if (pending.incrementAndGet() > maxQueued) {
      pending.decrementAndGet();
      return false;
    }
    final boolean queued;
    if (context.sslFacadeContext == null) {
      queued = Boolean.TRUE.equals(Tio.send(context, new OutboundFrame(this, frame)));
    } else {
      queued = enqueueEncrypted(frame);
    }
    if (!queued) {
      pending.decrementAndGet();
      return false;
    }
    return true;
  }

  /**
   * Inside TLS, a frame is encrypted here and queued as TLS records, instead of letting t-io encrypt it when its
   * send task drains the queue. That task takes a run of queued packets as one write and decides per run whether
   * to encrypt it; a run that holds both a handshake record t-io queued already encrypted (the last handshake
   * flight, a TLS 1.3 session ticket) and a plain frame queued just after the handshake completed is written
   * wrongly as a whole: the frame in clear or the record encrypted twice. The peer then fails with "Tag mismatch"
   * and drops the connection. With every packet encrypted before it is queued, no run mixes the two. The lock
   * keeps the records' sequence numbers in queue order when several threads send on one connection.
   */
  private boolean enqueueEncrypted(final byte[] frame) {
    synchronized (this) {
      final OutboundFrame packet = new OutboundFrame(this, frame);
      if (!context.sslFacadeContext.isHandshakeCompleted()) {
        // not expected (the hello goes once t-io reports the handshake done), but then t-io's own path holds the
        // frame until the handshake completes rather than losing it
        return Boolean.TRUE.equals(Tio.send(context, packet));
      }
      final SslVo records = new SslVo(ByteBuffer.wrap(frame), packet); // a non-null owner: t-io hands the records back
      try {
        context.sslFacadeContext.getSslFacade().encrypt(records);
      } catch (final SSLException e) {
        close("TLS encryption failed: " + e.getMessage());
        return false;
      }
      packet.setPreEncodedByteBuffer(records.getByteBuffer());
      packet.setSslEncrypted(true);
      return Boolean.TRUE.equals(Tio.send(context, packet));
    }
  }

  /** True the first time only. */
  boolean markHelloSent() {
    return helloSent.compareAndSet(false, true);
  }

  /** Closing at our request, or already closed by t-io (peer hung up) before the close callback ran. */
  boolean isClosing() {
    return closing.get()
        || (context != null && (context.isWaitingClose || context.isRemoved || context.isClosed));
  }

  /** Closes the socket once; returns false when it was already being closed. */
  boolean close(final String reason) {
    return close(reason, null);
  }

  /** As {@link #close(String)}, counting the close first, so the count is visible once the peer sees EOF. */
  boolean close(final String reason, final LongAdder counter) {
    if (!closing.compareAndSet(false, true)) {
      return false;
    }
    if (counter != null) {
      counter.increment();
    }
    Tio.remove(context, reason);
    return true;
  }

  /** True when this connection runs in the direction the protocol prefers: dialled by the lower key. */
  boolean isPreferredDirection(final PublicKey self) {
    final PublicKey remote = remoteKey;
    return outbound ? self.compareTo(remote) < 0 : remote.compareTo(self) < 0;
  }

  @Override
  public String toString() {
    return (outbound ? "out:" : "in:") + (remoteKey == null ? "?" : remoteKey.toShortHex());
  }
}
