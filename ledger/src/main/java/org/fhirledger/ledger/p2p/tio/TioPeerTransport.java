package org.fhirledger.ledger.p2p.tio;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.fhirledger.ledger.p2p.PeerListener;
import org.fhirledger.ledger.p2p.PeerTransport;
import org.fhirledger.ledger.p2p.tls.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tio.client.TioClient;
import org.tio.client.TioClientConfig;
import org.tio.core.ChannelContext;
import org.tio.core.TioConfig;
import org.tio.core.exception.TioDecodeException;
import org.tio.core.ssl.SslConfig;
import org.tio.server.TioServerConfig;

/**
 * {@link PeerTransport} over t-io: each node listens and dials, members authenticate each other with a signed
 * challenge both ways (see {@link Handshake}) before any APP frame is delivered, and each pair keeps one
 * connection. Everything that t-io would otherwise share JVM-wide (executors, reconnect pool, heartbeat) is
 * owned per instance, so several nodes run in one JVM and closing one leaves the others working.
 */
public final class TioPeerTransport implements PeerTransport {
  private static final Logger LOG = LoggerFactory.getLogger(TioPeerTransport.class);
  private static final int READ_BUFFER_BYTES = 64 * 1024;
  private static final long MIN_HANDSHAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final byte[] HEARTBEAT_FRAME = Frames.encode(FrameType.HEARTBEAT, new byte[0]);

  private final TransportConfig config;
  private final MemberDirectory directory;
  private final PublicKey self;
  private final String name;
  private final SecureRandom random = new SecureRandom();
  private final TransportCounters counters = new TransportCounters();
  private final ConcurrentHashMap<ChannelContext, Connection> connections = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<PublicKey, Connection> peers = new ConcurrentHashMap<>();
  private final Object lifecycle = new Object();
  /** Separate from lifecycle so that a t-io thread admitting a peer never waits for start() to finish. */
  private final Object admission = new Object();
  private final Authenticator authenticator;
  /** Null: plain TCP. Either way peers prove who they are by the signed hello, inside TLS when it is on. */
  private final TlsIdentity tls;

  private volatile PeerListener listener;
  private volatile boolean closed;
  private TioServerConfig serverConfig;
  private TioClientConfig clientConfig;
  private OwnedTioServer server;
  private TioClient client;
  private ScheduledExecutorService timer;
  private ScheduledExecutorService dialExecutor;
  private Dialer dialer;
  private int boundPort = -1;

  public TioPeerTransport(
      final TransportConfig config,
      final Signer signer,
      final SignatureVerifier verifier,
      final MemberDirectory directory) {
    this(config, signer, verifier, directory, null);
  }

  /** A transport whose connections run inside TLS with {@code tls}'s certificate and consortium CA (null: off). */
  public TioPeerTransport(
      final TransportConfig config,
      final Signer signer,
      final SignatureVerifier verifier,
      final MemberDirectory directory,
      final TlsIdentity tls) {
    this.tls = tls;
    this.config = Objects.requireNonNull(config);
    this.directory = Objects.requireNonNull(directory);
    this.self = signer.publicKey();
    this.name = "p2p-" + self.toShortHex();
    this.authenticator = new Authenticator(
        config, signer, Objects.requireNonNull(verifier), directory, counters);
  }

  @Override
  public void start(final PeerListener peerListener) throws IOException {
    synchronized (lifecycle) {
      if (listener != null || closed) {
        throw new IllegalStateException("a transport starts once");
      }
      listener = Objects.requireNonNull(peerListener);
      final TioCallbacks callbacks = new TioCallbacks(this);
      synchronized (TioConfig.class) { // t-io registers every config in unsynchronized static HashSets
        serverConfig = new TioServerConfig(name + "-in", callbacks, callbacks,
            TioExecutors.tio(name + "-in-tio"), TioExecutors.group(name + "-in-io"));
        clientConfig = new TioClientConfig(callbacks, callbacks, null,
            TioExecutors.tio(name + "-out-tio"), TioExecutors.group(name + "-out-io"));
      }
      configure(serverConfig);
      configure(clientConfig);
      try {
        if (tls != null) {
          serverConfig.setSslConfig(sslConfig(tls));
          clientConfig.setSslConfig(sslConfig(tls));
        }
        server = new OwnedTioServer(serverConfig);
        server.start(config.bindHost(), config.bindPort());
        boundPort = server.port();
        client = new TioClient(clientConfig); // after configure: it reads the heartbeat setting once
      } catch (final IOException | RuntimeException e) {
        close();
        throw e;
      }
      timer = TioExecutors.scheduler(name + "-timer");
      dialExecutor = TioExecutors.scheduler(name + "-dial");
      dialer = new Dialer(self, directory, config, dialExecutor, client, peers::containsKey, counters);
      final long period = config.heartbeat().toMillis();
      timer.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
      dialer.reconcile();
      LOG.info("p2p transport started node={} host={} port={} tls={}", self.toShortHex(), config.bindHost(), boundPort, tls != null);
    }
  }

  /**
   * t-io's heartbeat is disabled (0): its client heartbeat thread is not a daemon and its server check sleeps
   * 10 s before the first look, so the transport runs its own on {@link #tick}. Per-IP statistics stay off
   * (no durations registered): they grow without bound (t-io issue #46) and would blacklist 127.0.0.1.
   */
  private void configure(final TioConfig tioConfig) {
    tioConfig.setHeartbeatTimeout(0);
    tioConfig.statOn = false;
    tioConfig.setReadBufferSize(READ_BUFFER_BYTES);
    tioConfig.setName(name);
  }

  /**
   * t-io's SslConfig can only load JKS files with one password; this one carries our own key and trust managers
   * instead. The trust managers hold the consortium CA alone, so the dialling side completes a handshake only with
   * a server certificate the consortium issued; t-io never asks the dialler for one (client auth is off in t-io).
   */
  private static SslConfig sslConfig(final TlsIdentity identity) {
    try {
      final SslConfig ssl = SslConfig.forClient();
      ssl.setKeyManagerFactory(identity.keyManagerFactory());
      ssl.setTrustManagerFactory(identity.trustManagerFactory());
      return ssl;
    } catch (final Exception e) { // t-io declares Exception
      throw new IllegalStateException("could not configure TLS", e);
    }
  }

  /** Whether connections run inside TLS. */
  public boolean tlsEnabled() {
    return tls != null;
  }

  @Override
  public boolean send(final PublicKey peer, final byte[] payload) {
    final Connection connection = peers.get(peer);
    if (closed || connection == null || payload.length >= config.maxFrameBytes()) {
      counters.sendsDroppedNotConnected.increment();
      return false;
    }
    return enqueueApp(connection, Frames.encode(FrameType.APP, payload));
  }

  @Override
  public void broadcast(final byte[] payload) {
    if (closed || payload.length >= config.maxFrameBytes()) {
      counters.sendsDroppedNotConnected.increment();
      return;
    }
    final byte[] frame = Frames.encode(FrameType.APP, payload);
    peers.values().forEach(connection -> enqueueApp(connection, frame));
  }

  private boolean enqueueApp(final Connection connection, final byte[] frame) {
    if (connection.enqueue(frame, config.maxQueuedPerPeer())) {
      return true;
    }
    if (connection.isClosing()) {
      counters.sendsDroppedNotConnected.increment();
    } else {
      counters.sendsDroppedQueueFull.increment();
    }
    return false;
  }

  @Override
  public Set<PublicKey> connectedPeers() {
    return Set.copyOf(peers.keySet());
  }

  @Override
  public int port() {
    return boundPort;
  }

  public PublicKey publicKey() {
    return self;
  }

  public TransportStats stats() {
    return counters.snapshot();
  }

  /** The t-io configs this transport created (for tests that check t-io's static registries). */
  List<TioConfig> tioConfigs() {
    synchronized (lifecycle) {
      return serverConfig == null ? List.of() : List.of(serverConfig, clientConfig);
    }
  }

  // ---- t-io callbacks -------------------------------------------------------------------------------------

  private Connection connection(final ChannelContext context) {
    return connections.computeIfAbsent(context, c -> {
      final boolean outbound = !c.isServer();
      final byte[] nonce = new byte[Handshake.NONCE_LENGTH];
      random.nextBytes(nonce);
      return new Connection(c, outbound, outbound ? dialer.expectedKey(c.getServerNode()) : null, nonce);
    });
  }

  void onConnected(final ChannelContext context) {
    if (closed) {
      return;
    }
    if (context.isServer()) {
      counters.connectionsAccepted.increment();
      disableNagle(context);
    }
    authenticator.sendHelloOnce(connection(context));
  }

  /**
   * t-io sets TCP_NODELAY on the sockets it dials but not on the ones it accepts. With Nagle on, a small frame
   * sent while an earlier one is unacknowledged waits for the peer's delayed ACK (40 ms on Linux): consensus
   * votes and echoes leaving through an accepted socket took 40 ms instead of tens of microseconds.
   */
  private void disableNagle(final ChannelContext context) {
    try {
      context.asynchronousSocketChannel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    } catch (final IOException | RuntimeException e) {
      LOG.warn("p2p could not disable Nagle on an accepted connection node={} remote={} reason={}", self.toShortHex(),
          context.getClientNode(), e.toString());
    }
  }

  /** Whether every open connection sends small frames at once (TCP_NODELAY), as {@link #disableNagle} ensures. */
  boolean allConnectionsSendWithoutDelay() {
    for (final ChannelContext c : connections.keySet()) {
      try {
        if (!Boolean.TRUE.equals(c.asynchronousSocketChannel.getOption(StandardSocketOptions.TCP_NODELAY))) {
          return false;
        }
      } catch (final IOException e) {
        return false;
      }
    }
    return true;
  }

  InboundFrame decode(final ByteBuffer buffer, final int position, final int readable, final ChannelContext context)
      throws TioDecodeException {
    if (closed || context.isWaitingClose || context.isRemoved) {
      return null; // a late read of a closing socket must not re-register it
    }
    final Connection connection = connection(context);
    final int max = connection.authenticated ? config.maxFrameBytes() : Handshake.MAX_FRAME_BYTES;
    try {
      return connection.decode(buffer, position, readable, max);
    } catch (final TioDecodeException e) {
      counters.decodeErrors.increment();
      LOG.info("p2p bad framing, closing node={} conn={} remote={} reason={}",
          self.toShortHex(), connection, context.getClientNode(), e.getMessage());
      throw e; // t-io closes this connection
    }
  }

  void onBytesReceived(final ChannelContext context) {
    final Connection connection = connections.get(context);
    if (connection != null) {
      connection.lastReceivedNanos = System.nanoTime();
    }
  }

  /** Runs on a t-io I/O thread: never blocks; APP payloads go straight to the listener, which queues them. */
  void onFrame(final ChannelContext context, final InboundFrame frame) {
    final Connection connection = connections.get(context);
    if (frame.isPartial() || connection == null || connection.isClosing() || closed) {
      return;
    }
    counters.framesIn.increment();
    switch (frame.type()) {
      case HELLO -> authenticator.onHello(connection, frame.payload());
      case AUTH -> {
        if (authenticator.onAuth(connection, frame.payload())) {
          admit(connection);
        }
      }
      case HEARTBEAT -> { }
      case APP -> onApp(connection, frame.payload());
      default -> throw new IllegalStateException("unreachable");
    }
  }

  private void onApp(final Connection connection, final byte[] payload) {
    if (!connection.authenticated) {
      counters.appDroppedUnauthenticated.increment();
      return;
    }
    counters.appDelivered.increment();
    try {
      listener.onMessage(connection.remoteKey, payload);
    } catch (final RuntimeException e) {
      LOG.warn("p2p listener failed node={} peer={} error={}", self.toShortHex(), connection.remoteKey, e.toString());
    }
  }

  /**
   * Makes an authenticated connection the peer's one connection. When two exist, both ends keep the same one
   * without talking: the one dialled by the lower key; between two of the same direction, the newer (the
   * older one is then most likely the dead half of a restarted peer).
   */
  private void admit(final Connection fresh) {
    final PublicKey key = fresh.remoteKey;
    Connection displaced = null;
    boolean up = false;
    boolean keep = true;
    synchronized (admission) {
      if (closed) {
        return;
      }
      final Connection existing = peers.get(key);
      if (existing == null || existing.isClosing()) {
        up = existing == null;
      } else if (fresh.isPreferredDirection(self) == existing.isPreferredDirection(self)
          || fresh.isPreferredDirection(self)) {
        displaced = existing;
      } else {
        keep = false;
      }
      if (keep) {
        peers.put(key, fresh);
      }
    }
    if (!keep) {
      fresh.close("duplicate connection");
      return;
    }
    if (displaced != null) {
      displaced.close("replaced by another connection to the same peer");
    }
    if (fresh.outbound && dialer != null) {
      dialer.onAuthenticated(key);
    }
    LOG.info("p2p peer authenticated node={} peer={} conn={}", self.toShortHex(), key.toShortHex(), fresh);
    if (up) {
      listener.onPeerUp(key);
    }
  }

  void onSent(final OutboundFrame frame, final boolean success) {
    frame.owner().pending.decrementAndGet();
    if (success) {
      counters.framesOut.increment();
    }
  }

  void onClosed(final ChannelContext context, final String remark, final Throwable failure) {
    final Connection connection = connections.remove(context);
    if (closed) {
      return;
    }
    if (failure != null) {
      // counted even before the connection is ours (a TLS handshake that fails to decrypt never reaches onConnected)
      counters.connectionErrors.increment();
      LOG.warn("p2p connection failed node={} remote={} reason={}", self.toShortHex(),
          context.isServer() ? context.getClientNode() : context.getServerNode(), failure.toString());
    }
    if (connection == null) {
      return;
    }
    final PublicKey key = connection.remoteKey;
    if (key != null && peers.remove(key, connection)) {
      LOG.info("p2p peer down node={} peer={} reason={}", self.toShortHex(), key.toShortHex(), remark);
      listener.onPeerDown(key);
    }
    if (connection.outbound && connection.dialedKey != null && dialer != null) {
      dialer.onClosed(connection.dialedKey, connection.authenticated);
    }
  }

  /** Every heartbeat: ping authenticated peers, drop silent ones and ex-members, expire stalled handshakes. */
  private void tick() {
    try {
      final long now = System.nanoTime();
      final long silence = config.silenceTimeout().toNanos();
      for (final Connection connection : connections.values()) {
        if (connection.context.isRemoved) {
          connections.remove(connection.context, connection); // closed without a close callback reaching us
          continue;
        }
        if (connection.isClosing()) {
          continue;
        }
        if (!connection.authenticated) {
          if (now - connection.openedAtNanos > Math.max(silence, MIN_HANDSHAKE_TIMEOUT_NANOS)) {
            authenticator.refuse(connection, "handshake timeout");
          }
        } else if (now - connection.lastReceivedNanos > silence) {
          connection.close("silent for " + TimeUnit.NANOSECONDS.toMillis(now - connection.lastReceivedNanos)
              + " ms", counters.heartbeatTimeouts);
        } else if (!directory.isMember(connection.remoteKey)) {
          connection.close("no longer a member");
        } else {
          connection.enqueue(HEARTBEAT_FRAME, config.maxQueuedPerPeer());
        }
      }
      dialer.reconcile();
    } catch (final RuntimeException e) {
      LOG.warn("p2p tick failed node={} error={}", self.toShortHex(), e.toString(), e);
    }
  }

  /**
   * Stops everything this instance owns and nothing else: its timers, its sockets, its executors, and its
   * entries in t-io's static config registries (which t-io never clears). No listener callbacks afterwards.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      synchronized (admission) {
        if (closed) {
          return;
        }
        closed = true;
      }
    }
    if (dialer != null) {
      dialer.close();
    }
    if (timer != null) {
      timer.shutdownNow();
    }
    if (dialExecutor != null) {
      dialExecutor.shutdownNow();
    }
    if (server != null) {
      server.stop();
    }
    if (clientConfig != null) {
      stopClient();
    }
    peers.clear();
    connections.clear();
    unregister(serverConfig);
    unregister(clientConfig);
    LOG.info("p2p transport stopped node={} port={}", self.toShortHex(), boundPort);
  }

  /** Not TioClient.stop(): it leaves the channel group open and then waits for its executors for 6000 s. */
  private void stopClient() {
    clientConfig.setStopped(true);
    clientConfig.tioExecutor.shutdownNow();
    clientConfig.groupExecutor.shutdownNow();
    if (client != null) {
      try {
        client.getChannelGroup().shutdownNow();
      } catch (final IOException e) {
        LOG.warn("p2p client channel group did not close node={} error={}", self.toShortHex(), e.toString());
      }
    }
  }

  private static void unregister(final TioConfig tioConfig) {
    if (tioConfig == null) {
      return;
    }
    synchronized (TioConfig.class) {
      TioConfig.ALL_GROUPCONTEXTS.remove(tioConfig);
      TioConfig.ALL_SERVER_GROUPCONTEXTS.remove(tioConfig);
      TioConfig.ALL_CLIENT_GROUPCONTEXTS.remove(tioConfig);
    }
  }
}
