package org.fhirledger.ledger.p2p.tio;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.slf4j.LoggerFactory;

/** Seeded keys, a mutable directory (ports become known after binding) and test transport settings. */
final class TestMembers implements MemberDirectory {
  static final String CHAIN = "test-chain";
  static final Hash32 GENESIS = Hash32.sha256("genesis".getBytes());
  static final String HOST = "127.0.0.1";

  private final List<Validator> members = new CopyOnWriteArrayList<>();
  final List<Signer> signers = new ArrayList<>();

  static {
    // t-io logs every partial read at INFO and more at DEBUG; keep test output readable.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.tio"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
  }

  /** Members sorted by key, so index 0 is the lowest key (it dials everyone). */
  TestMembers(final int count, final long seed) {
    final SecureRandom random = seeded(seed);
    for (int i = 0; i < count; i++) {
      signers.add(Ed25519Keys.generate(random));
    }
    signers.sort((a, b) -> a.publicKey().compareTo(b.publicKey()));
    for (int i = 0; i < count; i++) {
      members.add(new Validator("node" + i, signers.get(i).publicKey(), HOST, 0));
    }
  }

  static SecureRandom seeded(final long seed) {
    try {
      final SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (final NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static TransportConfig config(final int port) {
    return TransportConfig.of(HOST, port, CHAIN, GENESIS)
        .withHeartbeat(Duration.ofMillis(500))
        .withReconnect(Duration.ofMillis(50), Duration.ofMillis(800));
  }

  PublicKey key(final int i) {
    return signers.get(i).publicKey();
  }

  void setPort(final int i, final int port) {
    final Validator v = members.get(i);
    members.set(i, new Validator(v.name(), v.publicKey(), v.host(), port));
  }

  @Override
  public List<Validator> members() {
    return List.copyOf(members);
  }

  TioPeerTransport start(final int i, final TransportConfig config, final RecordingListener listener)
      throws java.io.IOException {
    final TioPeerTransport transport =
        new TioPeerTransport(config, signers.get(i), Ed25519Keys.verifier(), this);
    transport.start(listener);
    setPort(i, transport.port());
    return transport;
  }
}
