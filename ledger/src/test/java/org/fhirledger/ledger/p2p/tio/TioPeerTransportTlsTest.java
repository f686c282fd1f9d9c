package org.fhirledger.ledger.p2p.tio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.fhirledger.ledger.p2p.tls.ConsortiumCa;
import org.fhirledger.ledger.p2p.tls.TlsIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS on the transport: members with certificates of the consortium CA talk as before, the bytes on the wire are
 * TLS records (the payload never appears in clear), and neither a server with a foreign certificate nor a peer
 * speaking plain frames gets a connection.
 */
class TioPeerTransportTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final List<TioPeerTransport> transports = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    transports.forEach(TioPeerTransport::close);
    for (final AutoCloseable c : closeables) {
      c.close();
    }
  }

  private static List<TlsIdentity> identities(final ConsortiumCa ca, final int n) {
    final List<TlsIdentity> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(ca.issue("node" + i, List.of(TestMembers.HOST), TestMembers.seeded(100 + i)));
    }
    return out;
  }

  private TioPeerTransport start(final TestMembers members, final int i, final MemberDirectory directory,
      final TlsIdentity tls, final org.fhirledger.ledger.p2p.PeerListener listener) throws IOException {
    final TioPeerTransport t = new TioPeerTransport(TestMembers.config(0), members.signers.get(i), Ed25519Keys.verifier(), directory, tls);
    transports.add(t);
    t.start(listener);
    members.setPort(i, t.port());
    return t;
  }

  @Test
  void membersWithConsortiumCertificatesExchangeMessagesAndTheWireCarriesOnlyTlsRecords() throws Exception {
    final TestMembers members = new TestMembers(2, 11);
    final List<TlsIdentity> tls = identities(ConsortiumCa.generate("test-chain", TestMembers.seeded(1)), 2);
    final RecordingListener l1 = new RecordingListener();
    final TioPeerTransport t1 = start(members, 1, members, tls.get(1), l1);
    // Node 0 has the lower key, so it dials node 1; it reaches node 1 through a relay that records the bytes.
    final RecordingRelay relay = new RecordingRelay(t1.port());
    closeables.add(relay);
    final List<Validator> viaRelay = new CopyOnWriteArrayList<>(members.members());
    final Validator v1 = viaRelay.get(1);
    viaRelay.set(1, new Validator(v1.name(), v1.publicKey(), v1.host(), relay.port()));
    final RecordingListener l0 = new RecordingListener();
    final TioPeerTransport t0 = start(members, 0, () -> List.copyOf(viaRelay), tls.get(0), l0);

    await().atMost(WAIT).until(() -> t0.connectedPeers().contains(members.key(1)) && t1.connectedPeers().contains(members.key(0)));
    assertThat(t0.tlsEnabled()).isTrue();
    final byte[] secret = "Patient/123 name=Alice Example diagnosis=confidential".getBytes(StandardCharsets.UTF_8);
    assertThat(t0.send(members.key(1), secret)).isTrue();
    assertThat(t1.send(members.key(0), "reply".getBytes(StandardCharsets.UTF_8))).isTrue();

    await().atMost(WAIT).until(() -> !l1.from(members.key(0)).isEmpty() && !l0.from(members.key(1)).isEmpty());
    assertThat(l1.from(members.key(0)).get(0)).isEqualTo(secret);

    final byte[] wire = relay.clientToServer();
    assertThat(wire.length).isGreaterThan(secret.length);
    assertThat(wire[0]).as("a TLS handshake record opens the connection").isEqualTo((byte) 0x16);
    assertThat(wire[1]).as("TLS record version major").isEqualTo((byte) 0x03);
    assertThat(indexOf(wire, secret)).as("the payload never crosses the wire in clear").isEqualTo(-1);
    assertThat(indexOf(wire, TestMembers.CHAIN.getBytes(StandardCharsets.UTF_8))).as("nor does the hello").isEqualTo(-1);
  }

  /**
   * Right after a handshake the last handshake records (and, in TLS 1.3, a session ticket) sit in t-io's send queue
   * with the hello and the first frames; t-io wrote such a mix as one run, so the peer failed to decrypt it ("Tag
   * mismatch") and dropped the connection. Many fresh meshes whose members send a burst the moment a peer is up,
   * as a ledger node does: every connection must survive its first records and deliver every frame in order.
   */
  @Test
  void freshTlsConnectionsCarryTheirFirstFramesWithoutAFailedRecord() throws Exception {
    final int rounds = 6;
    final int burst = 50;
    final ConsortiumCa ca = ConsortiumCa.generate("test-chain", TestMembers.seeded(8));
    final java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(3);
    closeables.add(senders::shutdownNow);
    for (int round = 0; round < rounds; round++) {
      final TestMembers members = new TestMembers(3, 200 + round);
      final List<TlsIdentity> tls = identities(ca, 3);
      final List<RecordingListener> listeners = new ArrayList<>();
      final List<TioPeerTransport> mesh = new ArrayList<>();
      final String tag = "r" + round + " ";
      for (int i = 0; i < 3; i++) {
        final RecordingListener l = new RecordingListener();
        listeners.add(l);
        final int self = i;
        final TioPeerTransport[] transport = new TioPeerTransport[1];
        final org.fhirledger.ledger.p2p.PeerListener burstOnUp = new org.fhirledger.ledger.p2p.PeerListener() {
          @Override
          public void onMessage(final org.fhirledger.ledger.crypto.PublicKey from, final byte[] payload) {
            l.onMessage(from, payload);
          }

          @Override
          public void onPeerUp(final org.fhirledger.ledger.crypto.PublicKey peer) {
            l.onPeerUp(peer);
            senders.execute(() -> {
              for (int k = 0; k < burst; k++) {
                transport[0].send(peer, (tag + self + " #" + k).getBytes(StandardCharsets.UTF_8));
              }
            });
          }

          @Override
          public void onPeerDown(final org.fhirledger.ledger.crypto.PublicKey peer) {
            l.onPeerDown(peer);
          }
        };
        transport[0] = start(members, i, members, tls.get(i), burstOnUp);
        mesh.add(transport[0]);
      }
      for (int to = 0; to < 3; to++) {
        for (int from = 0; from < 3; from++) {
          if (from != to) {
            final RecordingListener l = listeners.get(to);
            final org.fhirledger.ledger.crypto.PublicKey sender = members.key(from);
            await().atMost(WAIT).until(() -> l.from(sender).size() >= burst);
            final List<String> sent = new ArrayList<>();
            for (int k = 0; k < burst; k++) {
              sent.add(tag + from + " #" + k);
            }
            assertThat(l.from(sender).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList())
                .as("round %d, %d to %d", round, from, to).isEqualTo(sent);
          }
        }
      }
      for (int i = 0; i < 3; i++) {
        assertThat(mesh.get(i).stats().connectionErrors()).as("round %d node %d: connections lost to a failed read", round, i).isZero();
        assertThat(listeners.get(i).downs).as("round %d node %d: no peer went down", round, i).isEmpty();
      }
      mesh.forEach(TioPeerTransport::close);
      transports.removeAll(mesh);
    }
  }

  @Test
  void aServerWhoseCertificateAnotherCaIssuedIsNeverConnected() throws Exception {
    final TestMembers members = new TestMembers(2, 12);
    final TlsIdentity ours = identities(ConsortiumCa.generate("test-chain", TestMembers.seeded(2)), 1).get(0);
    final TlsIdentity foreign = ConsortiumCa.generate("other-chain", TestMembers.seeded(3))
        .issue("node1", List.of(TestMembers.HOST), TestMembers.seeded(4));
    final RecordingListener l1 = new RecordingListener();
    final TioPeerTransport t1 = start(members, 1, members, foreign, l1);
    final RecordingListener l0 = new RecordingListener();
    final TioPeerTransport t0 = start(members, 0, members, ours, l0);

    // Node 0 dials node 1 again and again (backoff 50-800 ms); each TLS handshake fails on node 0's trust check.
    await().atMost(WAIT).until(() -> t0.stats().dials() >= 4);
    assertThat(l0.ups).isEmpty();
    assertThat(l1.ups).isEmpty();
    assertThat(t0.connectedPeers()).isEmpty();
    assertThat(t1.connectedPeers()).isEmpty();
  }

  @Test
  void aPeerSpeakingPlainFramesToATlsNodeIsClosedWithoutAHello() throws Exception {
    final TestMembers members = new TestMembers(2, 13);
    final TlsIdentity tls = identities(ConsortiumCa.generate("test-chain", TestMembers.seeded(5)), 1).get(0);
    final RecordingListener l0 = new RecordingListener();
    final TioPeerTransport t0 = start(members, 0, members, tls, l0);

    try (RawPeer raw = new RawPeer(t0.port())) {
      raw.sendHello(TestMembers.CHAIN, TestMembers.GENESIS, members.signers.get(1), new byte[32]);
      assertThat(raw.closedByPeer()).isTrue();
    }
    assertThat(l0.ups).isEmpty();
    assertThat(t0.connectedPeers()).isEmpty();
  }

  @Test
  void aKeyThatDoesNotMatchItsCertificateIsRefusedAtLoadNamingTheFile() throws Exception {
    final ConsortiumCa ca = ConsortiumCa.generate("test-chain", TestMembers.seeded(6));
    final List<TlsIdentity> two = identities(ca, 2);
    final java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tls");
    try {
      two.get(0).write(dir.resolve("a-cert.pem"), dir.resolve("a-key.pem"));
      two.get(1).write(dir.resolve("b-cert.pem"), dir.resolve("b-key.pem"));
      ca.write(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
      final TlsIdentity loaded = TlsIdentity.load(dir.resolve("a-cert.pem"), dir.resolve("a-key.pem"), dir.resolve("ca.pem"));
      assertThat(loaded.certificate()).isEqualTo(two.get(0).certificate());
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> TlsIdentity.load(dir.resolve("a-cert.pem"), dir.resolve("b-key.pem"), dir.resolve("ca.pem")))
          .hasMessageContaining("a-cert.pem").hasMessageContaining("does not match");
      final ConsortiumCa other = ConsortiumCa.generate("other", TestMembers.seeded(7));
      other.write(dir.resolve("other-ca.pem"), dir.resolve("other-ca-key.pem"));
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> TlsIdentity.load(dir.resolve("a-cert.pem"), dir.resolve("a-key.pem"), dir.resolve("other-ca.pem")))
          .hasMessageContaining("not issued by the consortium CA");
    } finally {
      try (var files = java.nio.file.Files.list(dir)) {
        for (final java.nio.file.Path p : files.toList()) {
          java.nio.file.Files.delete(p);
        }
      }
      java.nio.file.Files.delete(dir);
    }
  }

  private static int indexOf(final byte[] haystack, final byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** A TCP relay on 127.0.0.1 for one connection at a time, keeping a copy of what the dialler sent. */
  private static final class RecordingRelay implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final ByteArrayOutputStream upstream = new ByteArrayOutputStream();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    RecordingRelay(final int target) throws IOException {
      this.target = target;
      this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
      this.acceptor = new Thread(this::acceptLoop, "relay-accept");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    byte[] clientToServer() {
      synchronized (upstream) {
        return upstream.toByteArray();
      }
    }

    private void acceptLoop() {
      try {
        while (!server.isClosed()) {
          final Socket in = server.accept();
          final Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
          sockets.add(in);
          sockets.add(out);
          pump(in.getInputStream(), out.getOutputStream(), true);
          pump(out.getInputStream(), in.getOutputStream(), false);
        }
      } catch (final IOException e) {
        // closed
      }
    }

    private void pump(final InputStream from, final OutputStream to, final boolean record) {
      final Thread t = new Thread(() -> {
        final byte[] buffer = new byte[16 * 1024];
        try {
          for (int n; (n = from.read(buffer)) >= 0; ) {
            if (record) {
              synchronized (upstream) {
                upstream.write(buffer, 0, n);
              }
            }
            to.write(buffer, 0, n);
            to.flush();
          }
        } catch (final IOException e) {
          // one side closed
        }
      }, "relay-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (final Socket s : sockets) {
        s.close();
      }
    }
  }
}
