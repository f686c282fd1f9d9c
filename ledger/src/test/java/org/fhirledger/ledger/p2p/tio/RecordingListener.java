package org.fhirledger.ledger.p2p.tio;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.p2p.PeerListener;

/** Collects what a transport delivers; queues only, as a real listener must. */
final class RecordingListener implements PeerListener {
  record Received(PublicKey from, byte[] payload) {}

  final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<PublicKey> ups = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<PublicKey> downs = new ConcurrentLinkedQueue<>();

  @Override
  public void onMessage(final PublicKey from, final byte[] payload) {
    received.add(new Received(from, payload));
  }

  @Override
  public void onPeerUp(final PublicKey peer) {
    ups.add(peer);
  }

  @Override
  public void onPeerDown(final PublicKey peer) {
    downs.add(peer);
  }

  List<byte[]> from(final PublicKey peer) {
    return received.stream().filter(r -> r.from().equals(peer)).map(Received::payload).toList();
  }
}
