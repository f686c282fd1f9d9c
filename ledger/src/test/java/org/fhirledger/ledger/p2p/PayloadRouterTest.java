package org.fhirledger.ledger.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.kademlia.DhtMessage;
import org.junit.jupiter.api.Test;

class PayloadRouterTest {
  private final PublicKey peer = Ed25519Keys.generate(new java.security.SecureRandom(new byte[] {1})).publicKey();

  private static final class Collecting implements PeerListener {
    final List<byte[]> payloads = new ArrayList<>();
    final List<PublicKey> ups = new ArrayList<>();

    @Override
    public void onMessage(final PublicKey from, final byte[] payload) {
      payloads.add(payload);
    }

    @Override
    public void onPeerUp(final PublicKey p) {
      ups.add(p);
    }
  }

  @Test
  void dhtPayloadsGoToTheDhtLedgerPayloadsToTheLedgerAndTheRestIsCounted() {
    final Collecting dht = new Collecting();
    final Collecting ledger = new Collecting();
    final AtomicInteger unrouted = new AtomicInteger();
    final PayloadRouter router = new PayloadRouter(List.of(
        new PayloadRouter.Route(DhtMessage::isDhtPayload, dht),
        new PayloadRouter.Route(p -> p.length > 0 && p[0] >= 1 && p[0] <= 5, ledger)), unrouted::incrementAndGet);
    router.onMessage(peer, new DhtMessage.Ping(1).encode());
    router.onMessage(peer, new byte[] {2, 0, 0});
    router.onMessage(peer, new byte[] {0x7f});
    router.onMessage(peer, new byte[0]);
    router.onPeerUp(peer);
    assertThat(dht.payloads).hasSize(1);
    assertThat(ledger.payloads).hasSize(1);
    assertThat(unrouted).hasValue(2);
    assertThat(dht.ups).containsExactly(peer);
    assertThat(ledger.ups).containsExactly(peer);
  }
}
