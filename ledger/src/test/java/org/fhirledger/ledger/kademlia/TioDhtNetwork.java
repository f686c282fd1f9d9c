package org.fhirledger.ledger.kademlia;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.fhirledger.ledger.p2p.tio.TioPeerTransport;
import org.fhirledger.ledger.p2p.tio.TransportConfig;
import org.slf4j.LoggerFactory;

/**
 * N members on 127.0.0.1, each a real {@link TioPeerTransport} (ephemeral port, signed handshake) with a
 * {@link DhtNode} as its listener. Nodes can be started late and stopped one by one.
 */
final class TioDhtNetwork implements MemberDirectory, AutoCloseable {
  static final String HOST = "127.0.0.1";

  final class Member {
    final Signer signer;
    final InMemoryLocalChunks chunks = new InMemoryLocalChunks();
    TioPeerTransport transport;
    DhtNode dht;

    Member(final Signer signer) {
      this.signer = signer;
    }

    boolean running() {
      return transport != null;
    }
  }

  static {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.tio")).setLevel(ch.qos.logback.classic.Level.WARN);
  }

  final List<Member> members = new ArrayList<>();
  private final List<Validator> validators = new CopyOnWriteArrayList<>();
  private final DhtConfig config;
  private final Duration heartbeat;

  TioDhtNetwork(final int n, final long seed, final DhtConfig config) {
    this(n, seed, config, Duration.ofMillis(500));
  }

  /** A peer silent for 3 heartbeats is dropped: bulk transfers on a loaded machine want longer ones. */
  TioDhtNetwork(final int n, final long seed, final DhtConfig config, final Duration heartbeat) {
    this.config = config;
    this.heartbeat = heartbeat;
    final SecureRandom random = DhtSimulation.seeded(seed);
    for (int i = 0; i < n; i++) {
      final Signer s = Ed25519Keys.generate(random);
      members.add(new Member(s));
      validators.add(new Validator("node" + i, s.publicKey(), HOST, 0));
    }
  }

  @Override
  public List<Validator> members() {
    return List.copyOf(validators);
  }

  void start(final int i) throws IOException {
    final Member m = members.get(i);
    final TransportConfig tc = TransportConfig.of(HOST, 0, "dht-test", Hash32.sha256("genesis".getBytes()))
        .withHeartbeat(heartbeat)
        .withReconnect(Duration.ofMillis(50), Duration.ofMillis(500));
    m.transport = new TioPeerTransport(tc, m.signer, Ed25519Keys.verifier(), this);
    m.dht = new DhtNode(m.signer, config, m.chunks, this, m.transport);
    m.transport.start(m.dht);
    final Validator v = validators.get(i);
    validators.set(i, new Validator(v.name(), v.publicKey(), v.host(), m.transport.port()));
    m.dht.start();
  }

  /** Waits until every running member is connected to every other running member. */
  void awaitMesh() {
    final long running = members.stream().filter(Member::running).count();
    await().atMost(Duration.ofSeconds(30)).until(() -> members.stream().filter(Member::running)
        .allMatch(m -> m.transport.connectedPeers().size() == running - 1));
  }

  void stop(final int i) {
    final Member m = members.get(i);
    m.dht.close();
    m.transport.close();
    m.transport = null;
  }

  @Override
  public void close() {
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).running()) {
        stop(i);
      }
    }
  }
}
