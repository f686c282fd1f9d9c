package org.fhirledger.ledger.p2p;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * One transport for several protocols: whoever starts it (the ledger node, which owns the transport's life)
 * gets every payload the {@code routes} given here do not take; those go to their own listeners through a
 * {@link PayloadRouter}. Sends and closing go straight to the wrapped transport.
 */
public final class SharedPeerTransport implements PeerTransport {
  private final PeerTransport inner;
  private final List<PayloadRouter.Route> routes;
  private final AtomicLong unrouted = new AtomicLong();

  public SharedPeerTransport(final PeerTransport inner, final List<PayloadRouter.Route> routes) {
    this.inner = inner;
    this.routes = List.copyOf(routes);
  }

  @Override
  public void start(final PeerListener listener) throws IOException {
    final List<PayloadRouter.Route> all = new ArrayList<>(routes);
    all.add(new PayloadRouter.Route(payload -> true, listener));
    inner.start(new PayloadRouter(all, unrouted::incrementAndGet));
  }

  @Override
  public boolean send(final PublicKey peer, final byte[] payload) {
    return inner.send(peer, payload);
  }

  @Override
  public void broadcast(final byte[] payload) {
    inner.broadcast(payload);
  }

  @Override
  public Set<PublicKey> connectedPeers() {
    return inner.connectedPeers();
  }

  @Override
  public int port() {
    return inner.port();
  }

  @Override
  public void close() {
    inner.close();
  }
}
