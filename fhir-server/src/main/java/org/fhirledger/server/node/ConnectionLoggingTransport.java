package org.fhirledger.server.node;

import java.io.IOException;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.fhirledger.ledger.p2p.PeerListener;
import org.fhirledger.ledger.p2p.PeerTransport;
import org.fhirledger.server.index.SearchIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the connection log and the node registry in PostgreSQL, as the paper keeps them in MySQL: every
 * authenticated peer that comes up or goes down is a {@code peer.up} / {@code peer.down} row in {@code node_log},
 * and a peer coming up refreshes its {@code node_registry.last_seen}. The transport calls its listener on I/O
 * threads that must never wait for a database, so the rows are written by one thread of this class behind a
 * bounded queue; when PostgreSQL cannot keep up, rows are dropped and counted, never the connection.
 */
final class ConnectionLoggingTransport implements PeerTransport {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLoggingTransport.class);
  private static final int QUEUE = 1024;

  private final PeerTransport transport;
  private final SearchIndex index;
  private final MemberDirectory directory;
  private final ThreadPoolExecutor writer;
  private final LongAdder dropped = new LongAdder();

  ConnectionLoggingTransport(final PeerTransport transport, final SearchIndex index, final MemberDirectory directory, final String nodeName) {
    this.transport = transport;
    this.index = index;
    this.directory = directory;
    this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
      final Thread t = new Thread(r, "connection-log-" + nodeName);
      t.setDaemon(true);
      return t;
    }, (r, executor) -> dropped.increment());
  }

  @Override
  public void start(final PeerListener listener) throws IOException {
    transport.start(new PeerListener() {
      @Override
      public void onMessage(final PublicKey from, final byte[] payload) {
        listener.onMessage(from, payload);
      }

      @Override
      public void onPeerUp(final PublicKey peer) {
        listener.onPeerUp(peer);
        record("peer.up", peer, Instant.now());
      }

      @Override
      public void onPeerDown(final PublicKey peer) {
        listener.onPeerDown(peer);
        record("peer.down", peer, null);
      }
    });
  }

  private void record(final String event, final PublicKey peer, final Instant seenAt) {
    final Validator member = directory.members().stream().filter(v -> v.publicKey().equals(peer)).findFirst().orElse(null);
    final String name = member == null ? "?" : member.name();
    writer.execute(() -> {
      try {
        if (seenAt != null && member != null) {
          index.recordNode(peer.toHex(), name, member.host() + ":" + member.p2pPort(), seenAt);
        }
        index.log("INFO", event, "peer=" + name + " key=" + peer.toShortHex());
      } catch (final RuntimeException e) {
        dropped.increment();
        LOG.debug("connection log row not written event={} peer={}", event, name, e);
      }
    });
  }

  /** Log rows not written (queue full or PostgreSQL failing). */
  long droppedRows() {
    return dropped.sum();
  }

  @Override
  public boolean send(final PublicKey peer, final byte[] payload) {
    return transport.send(peer, payload);
  }

  @Override
  public void broadcast(final byte[] payload) {
    transport.broadcast(payload);
  }

  @Override
  public Set<PublicKey> connectedPeers() {
    return transport.connectedPeers();
  }

  @Override
  public int port() {
    return transport.port();
  }

  /** Closes the transport first (no more events), then lets queued rows reach PostgreSQL for a short while. */
  @Override
  public void close() {
    transport.close();
    writer.shutdown();
    try {
      if (!writer.awaitTermination(2, TimeUnit.SECONDS)) {
        writer.shutdownNow();
      }
    } catch (final InterruptedException e) {
      writer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
