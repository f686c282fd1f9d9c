package org.fhirledger.ledger.p2p.tio;

import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport's side of {@link Handshake}: sends HELLO, answers a peer's HELLO with AUTH, checks the peer's
 * AUTH. Any deviation refuses the connection (closed and counted). Runs on t-io I/O threads; one Ed25519
 * signature and one verification per connection.
 */
final class Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

  private final TransportConfig config;
  private final Signer signer;
  private final SignatureVerifier verifier;
  private final MemberDirectory directory;
  private final TransportCounters counters;
  private final PublicKey self;

  Authenticator(
      final TransportConfig config,
      final Signer signer,
      final SignatureVerifier verifier,
      final MemberDirectory directory,
      final TransportCounters counters) {
    this.config = config;
    this.signer = signer;
    this.verifier = verifier;
    this.directory = directory;
    this.counters = counters;
    this.self = signer.publicKey();
  }

  /**
   * Our HELLO must precede our AUTH on the wire. t-io starts reading a dialled socket before it reports the
   * connection, so the peer's HELLO can be handled (and answered) before {@link #onConnected} runs.
   */
  void sendHelloOnce(final Connection connection) {
    if (connection.markHelloSent()) {
      final byte[] hello = new Handshake.Hello(Handshake.PROTOCOL_VERSION, config.chainId(), config.genesisHash(),
          self, connection.localNonce).encode();
      connection.enqueue(Frames.encode(FrameType.HELLO, hello), Integer.MAX_VALUE);
    }
  }

  void onHello(final Connection connection, final byte[] payload) {
    if (connection.remoteKey != null) {
      refuse(connection, "second HELLO");
      return;
    }
    final Handshake.Hello hello;
    try {
      hello = Handshake.Hello.decode(payload);
    } catch (final DecodingException e) {
      refuse(connection, "malformed HELLO: " + e.getMessage());
      return;
    }
    final String problem = helloProblem(connection, hello);
    if (problem != null) {
      refuse(connection, problem);
      return;
    }
    connection.remoteNonce = hello.nonce();
    connection.remoteKey = hello.key();
    sendHelloOnce(connection);
    final byte[] signature = signer.sign(
        Handshake.authMessage(config.chainId(), config.genesisHash(), hello.nonce(), self, hello.key()));
    connection.enqueue(Frames.encode(FrameType.AUTH, Handshake.encodeAuth(signature)), Integer.MAX_VALUE);
  }

  private String helloProblem(final Connection connection, final Handshake.Hello hello) {
    if (hello.version() != Handshake.PROTOCOL_VERSION) {
      return "protocol version " + hello.version();
    }
    if (!config.chainId().equals(hello.chainId()) || !config.genesisHash().equals(hello.genesisHash())) {
      return "different chain";
    }
    if (hello.key().equals(self)) {
      return "connected to itself";
    }
    if (!directory.isMember(hello.key())) {
      return "not a member";
    }
    if (connection.dialedKey != null && !connection.dialedKey.equals(hello.key())) {
      return "dialled " + connection.dialedKey.toShortHex() + " but reached another key";
    }
    return null;
  }

  /** True when the peer proved its key: the caller then admits the connection. */
  boolean onAuth(final Connection connection, final byte[] payload) {
    final PublicKey remote = connection.remoteKey;
    if (remote == null || connection.authenticated) {
      refuse(connection, "AUTH out of order");
      return false;
    }
    final byte[] signature;
    try {
      signature = Handshake.decodeAuth(payload);
    } catch (final DecodingException e) {
      refuse(connection, "malformed AUTH: " + e.getMessage());
      return false;
    }
    final byte[] signed =
        Handshake.authMessage(config.chainId(), config.genesisHash(), connection.localNonce, remote, self);
    if (!verifier.verify(remote, signed, signature)) {
      refuse(connection, "bad signature");
      return false;
    }
    connection.authenticated = true;
    return true;
  }

  void refuse(final Connection connection, final String reason) {
    if (connection.close("handshake refused: " + reason, counters.handshakeFailures)) {
      LOG.info("p2p handshake refused node={} conn={} remote={} reason={}",
          self.toShortHex(), connection, connection.context.getClientNode(), reason);
    }
  }
}
