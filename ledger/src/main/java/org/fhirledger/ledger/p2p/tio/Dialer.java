package org.fhirledger.ledger.p2p.tio;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tio.client.ClientChannelContext;
import org.tio.client.TioClient;
import org.tio.core.Node;

/**
 * Keeps one outbound connection to each member with a higher key than this node (the lower key dials, so a
 * pair normally has one connection). A failed or lost dial is retried forever with exponential backoff and
 * "equal jitter" (half the delay fixed, half random), capped at reconnectMax. Dials run on this transport's
 * own scheduler rather than t-io's ReconnConf, whose pool is JVM-wide.
 */
final class Dialer {
  private static final Logger LOG = LoggerFactory.getLogger(Dialer.class);
  private static final int CONNECT_TIMEOUT_SECONDS = 3;
  private static final int MAX_DOUBLINGS = 20;

  private final PublicKey self;
  private final MemberDirectory directory;
  private final TransportConfig config;
  private final ScheduledExecutorService executor;
  private final TioClient client;
  private final Predicate<PublicKey> connected;
  private final TransportCounters counters;
  private final Map<PublicKey, Target> targets = new HashMap<>();
  private final Map<String, PublicKey> keysByAddress = new HashMap<>();
  private boolean closed;

  private static final class Target {
    int failures;
    ScheduledFuture<?> scheduled;
    ClientChannelContext live;
  }

  Dialer(
      final PublicKey self,
      final MemberDirectory directory,
      final TransportConfig config,
      final ScheduledExecutorService executor,
      final TioClient client,
      final Predicate<PublicKey> connected,
      final TransportCounters counters) {
    this.self = self;
    this.directory = directory;
    this.config = config;
    this.executor = executor;
    this.client = client;
    this.connected = connected;
    this.counters = counters;
  }

  /** Starts dialling every member this node should dial and is not connected to; cheap, called every tick. */
  synchronized void reconcile() {
    if (closed) {
      return;
    }
    for (final Validator member : directory.members()) {
      final PublicKey key = member.publicKey();
      if (self.compareTo(key) >= 0 || member.p2pPort() <= 0) {
        continue; // the higher key dials us; port 0 means the endpoint is not known yet
      }
      final Target target = targets.computeIfAbsent(key, k -> new Target());
      final boolean idle = (target.scheduled == null || target.scheduled.isDone())
          && (target.live == null || target.live.isClosed || target.live.isRemoved);
      if (idle && !connected.test(key)) {
        schedule(key, target, 0);
      }
    }
  }

  /** The member an outbound connection to this address was dialled for. */
  synchronized PublicKey expectedKey(final Node serverNode) {
    return serverNode == null ? null : keysByAddress.get(address(serverNode.getIp(), serverNode.getPort()));
  }

  synchronized void onAuthenticated(final PublicKey key) {
    final Target target = targets.get(key);
    if (target != null) {
      target.failures = 0;
    }
  }

  /** An outbound connection ended; redial after the backoff (short if it had been authenticated). */
  synchronized void onClosed(final PublicKey key, final boolean wasAuthenticated) {
    final Target target = targets.get(key);
    if (closed || target == null) {
      return;
    }
    target.live = null;
    if (!wasAuthenticated) {
      target.failures++;
    }
    if (target.scheduled == null || target.scheduled.isDone()) {
      schedule(key, target, backoffMillis(target.failures));
    }
  }

  synchronized void close() {
    closed = true;
    targets.values().forEach(t -> {
      if (t.scheduled != null) {
        t.scheduled.cancel(false);
      }
    });
  }

  long backoffMillis(final int failures) {
    final long min = config.reconnectMin().toMillis();
    final long cap = config.reconnectMax().toMillis();
    final long exponential = Math.min(cap, min << Math.min(failures, MAX_DOUBLINGS));
    final long half = Math.max(1, exponential / 2);
    return half + ThreadLocalRandom.current().nextLong(half + 1);
  }

  private void schedule(final PublicKey key, final Target target, final long delayMillis) {
    try {
      target.scheduled = executor.schedule(() -> dial(key), delayMillis, TimeUnit.MILLISECONDS);
    } catch (final java.util.concurrent.RejectedExecutionException e) {
      target.scheduled = null; // shutting down
    }
  }

  /** Runs on the dial scheduler, never on a t-io thread: t-io's connect blocks until the socket connects. */
  private void dial(final PublicKey key) {
    final Validator member;
    synchronized (this) {
      member = directory.members().stream().filter(v -> v.publicKey().equals(key)).findFirst().orElse(null);
      if (closed || member == null || connected.test(key)) {
        return;
      }
      keysByAddress.put(address(member.host(), member.p2pPort()), key);
    }
    counters.dials.increment();
    ClientChannelContext context = null;
    try {
      context = client.connect(new Node(member.host(), member.p2pPort()), CONNECT_TIMEOUT_SECONDS);
    } catch (final Exception e) {
      LOG.debug("p2p dial failed peer={} error={}", key.toShortHex(), e.toString());
    }
    synchronized (this) {
      final Target target = targets.get(key);
      if (closed || target == null) {
        return;
      }
      if (context != null && !context.isClosed) {
        target.live = context;
      } else {
        target.failures++;
        final long delay = backoffMillis(target.failures);
        LOG.debug("p2p dial refused peer={} failures={} retryMs={}", key.toShortHex(), target.failures, delay);
        schedule(key, target, delay);
      }
    }
  }

  private static String address(final String host, final int port) {
    return host + ":" + port;
  }
}
