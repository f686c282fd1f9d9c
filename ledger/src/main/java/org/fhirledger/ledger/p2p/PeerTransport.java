package org.fhirledger.ledger.p2p;

import java.io.IOException;
import java.util.Set;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * Authenticated, framed messaging between consortium members. A payload is delivered only from a peer
 * that proved possession of a member's key in the handshake; payloads are opaque here.
 */
public interface PeerTransport extends AutoCloseable {
  /** Binds the listening port and starts dialling members. */
  void start(PeerListener listener) throws IOException;

  /** Queues a payload for one peer; false when it is not connected or its send queue is full. */
  boolean send(PublicKey peer, byte[] payload);

  /** Queues a payload for every connected member. */
  void broadcast(byte[] payload);

  Set<PublicKey> connectedPeers();

  /** The port actually bound (useful when configured as 0). */
  int port();

  @Override
  void close();
}
