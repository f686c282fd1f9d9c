package org.fhirledger.ledger.p2p;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * Lets several protocols share one {@link PeerTransport}: each payload goes to the first route whose predicate
 * accepts it (the ledger's messages use type bytes 1..5, the DHT's 0x40..0x49), every route hears of peers
 * coming and going. Runs on the transport's threads; the listeners must not block.
 */
public final class PayloadRouter implements PeerListener {
  /** A listener for the payloads its predicate accepts. */
  public record Route(Predicate<byte[]> accepts, PeerListener listener) {
    public Route {
      Objects.requireNonNull(accepts);
      Objects.requireNonNull(listener);
    }
  }

  private final List<Route> routes;
  private final Runnable onUnrouted;

  /** {@code onUnrouted} counts payloads no route accepts (they are dropped). */
  public PayloadRouter(final List<Route> routes, final Runnable onUnrouted) {
    this.routes = List.copyOf(routes);
    this.onUnrouted = Objects.requireNonNull(onUnrouted);
  }

  @Override
  public void onMessage(final PublicKey from, final byte[] payload) {
    for (final Route r : routes) {
      if (r.accepts().test(payload)) {
        r.listener().onMessage(from, payload);
        return;
      }
    }
    onUnrouted.run();
  }

  @Override
  public void onPeerUp(final PublicKey peer) {
    routes.forEach(r -> r.listener().onPeerUp(peer));
  }

  @Override
  public void onPeerDown(final PublicKey peer) {
    routes.forEach(r -> r.listener().onPeerDown(peer));
  }
}
