package org.fhirledger.ledger.p2p;

import org.fhirledger.ledger.crypto.PublicKey;

/**
 * Receives messages from authenticated members. Called on transport threads: implementations must not
 * block (hand the message to the node's event queue).
 */
public interface PeerListener {
  void onMessage(PublicKey from, byte[] payload);

  default void onPeerUp(final PublicKey peer) {}

  default void onPeerDown(final PublicKey peer) {}
}
