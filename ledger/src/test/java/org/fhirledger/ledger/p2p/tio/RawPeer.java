package org.fhirledger.ledger.p2p.tio;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Signer;

/** A hand-written client speaking the frame format over a plain socket, to misbehave on purpose. */
final class RawPeer implements AutoCloseable {
  record Frame(FrameType type, byte[] payload) {}

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RawPeer(final int port) throws IOException {
    socket = new Socket(TestMembers.HOST, port);
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Writes, ignoring a connection the transport already closed: the tests then check that it did. */
  void write(final byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (final IOException e) {
      // broken pipe or reset: read() reports the close
    }
  }

  void send(final FrameType type, final byte[] payload) {
    write(Frames.encode(type, payload));
  }

  void sendHello(final String chainId, final Hash32 genesis, final Signer signer, final byte[] nonce) {
    send(FrameType.HELLO,
        new Handshake.Hello(Handshake.PROTOCOL_VERSION, chainId, genesis, signer.publicKey(), nonce).encode());
  }

  /** The next frame, or null when the other end closed the connection. */
  Frame read() throws IOException {
    try {
      final int length = in.readInt();
      final int type = in.readUnsignedByte();
      final byte[] payload = new byte[length - 1];
      in.readFully(payload);
      return new Frame(FrameType.of(type), payload);
    } catch (final EOFException e) {
      return null;
    } catch (final SocketTimeoutException e) {
      throw e;
    } catch (final IOException e) {
      return null; // connection reset counts as closed
    }
  }

  /** Reads (and discards) frames until the transport closes the connection; true if it did. */
  boolean closedByPeer() throws IOException {
    for (int i = 0; i < 10_000; i++) {
      if (read() == null) {
        return true;
      }
    }
    return false;
  }

  /** Reads frames until one of the given type; null if the connection closed first. */
  Frame readUntil(final FrameType type) throws IOException {
    Frame frame;
    do {
      frame = read();
    } while (frame != null && frame.type() != type);
    return frame;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
