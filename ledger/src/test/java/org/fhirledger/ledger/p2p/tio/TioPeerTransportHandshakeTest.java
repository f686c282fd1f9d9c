package org.fhirledger.ledger.p2p.tio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Random;
import java.util.Set;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Signer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One real transport (node 0) and one real member (node 1) connected to it; node 2 is a member whose key a
 * hand-written socket client holds, and an outsider key belongs to nobody.
 */
class TioPeerTransportHandshakeTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final int NONCE = Handshake.NONCE_LENGTH;

  private final TestMembers members = new TestMembers(3, 11);
  private final Signer rawMember = members.signers.get(2);
  private final Signer outsider = Ed25519Keys.generate(TestMembers.seeded(99));
  private final RecordingListener listener = new RecordingListener();
  private final RecordingListener memberListener = new RecordingListener();
  private final Random random = new Random(5);
  private TioPeerTransport server;
  private TioPeerTransport member;

  @BeforeEach
  void start() throws Exception {
    server = members.start(0, TestMembers.config(0), listener);
    member = members.start(1, TestMembers.config(0), memberListener);
    await().atMost(WAIT).until(() -> server.connectedPeers().equals(Set.of(members.key(1))));
  }

  @AfterEach
  void stop() {
    server.close();
    member.close();
  }

  private byte[] nonce() {
    final byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    return nonce;
  }

  /** HELLO, read the transport's HELLO, AUTH signed as {@code signer} over its nonce (or over {@code forged}). */
  private RawPeer handshake(final Signer signer, final String chainId, final byte[] forgedNonce) throws Exception {
    final RawPeer raw = new RawPeer(server.port());
    raw.sendHello(chainId, TestMembers.GENESIS, signer, nonce());
    final RawPeer.Frame hello = raw.readUntil(FrameType.HELLO);
    if (hello == null) {
      return raw;
    }
    final Handshake.Hello theirs = Handshake.Hello.decode(hello.payload());
    final byte[] nonce = forgedNonce != null ? forgedNonce : theirs.nonce();
    final byte[] signature = signer.sign(
        Handshake.authMessage(chainId, TestMembers.GENESIS, nonce, signer.publicKey(), theirs.key()));
    raw.send(FrameType.AUTH, Handshake.encodeAuth(signature));
    return raw;
  }

  private void assertMembersStillServed() {
    assertThat(member.send(members.key(0), "members still talk".getBytes())).isTrue();
    await().atMost(WAIT).until(() -> listener.from(members.key(1)).size() == 1);
    assertThat(server.connectedPeers()).contains(members.key(1));
  }

  @Test
  void aMemberThatSignsTheFreshNonceIsAdmittedAndItsMessagesDelivered() throws Exception {
    try (RawPeer raw = handshake(rawMember, TestMembers.CHAIN, null)) {
      assertThat(raw.readUntil(FrameType.AUTH)).isNotNull(); // the transport authenticates itself too
      await().atMost(WAIT).until(() -> server.connectedPeers().contains(rawMember.publicKey()));
      raw.send(FrameType.APP, "hello from raw".getBytes());
      await().atMost(WAIT).until(() -> listener.from(rawMember.publicKey()).size() == 1);
      assertThat(listener.from(rawMember.publicKey()).get(0)).isEqualTo("hello from raw".getBytes());
      assertThat(server.send(rawMember.publicKey(), "reply".getBytes())).isTrue();
      final RawPeer.Frame reply = raw.readUntil(FrameType.APP);
      assertThat(reply.payload()).isEqualTo("reply".getBytes());
    }
  }

  @Test
  void aKeyThatIsNotAMemberIsRefusedAndItsMessagesNeverDelivered() throws Exception {
    try (RawPeer raw = handshake(outsider, TestMembers.CHAIN, null)) {
      raw.send(FrameType.APP, "let me in".getBytes());
      assertThat(raw.closedByPeer()).isTrue();
    }
    assertThat(server.stats().handshakeFailures()).isEqualTo(1);
    assertThat(server.connectedPeers()).doesNotContain(outsider.publicKey());
    assertThat(listener.from(outsider.publicKey())).isEmpty();
    assertMembersStillServed();
  }

  @Test
  void aBadSignatureIsRefused() throws Exception {
    try (RawPeer raw = new RawPeer(server.port())) {
      raw.sendHello(TestMembers.CHAIN, TestMembers.GENESIS, rawMember, nonce());
      raw.readUntil(FrameType.HELLO);
      final byte[] garbage = new byte[Ed25519Keys.SIGNATURE_LENGTH];
      random.nextBytes(garbage);
      raw.send(FrameType.AUTH, Handshake.encodeAuth(garbage));
      raw.send(FrameType.APP, "forged".getBytes());
      assertThat(raw.closedByPeer()).isTrue();
    }
    assertThat(server.stats().handshakeFailures()).isEqualTo(1);
    assertThat(server.connectedPeers()).doesNotContain(rawMember.publicKey());
    assertThat(listener.received).isEmpty();
  }

  @Test
  void aSignatureOverAnotherNonceIsRefusedSoRecordedHandshakesCannotBeReplayed() throws Exception {
    try (RawPeer raw = handshake(rawMember, TestMembers.CHAIN, nonce())) {
      assertThat(raw.closedByPeer()).isTrue();
    }
    assertThat(server.stats().handshakeFailures()).isEqualTo(1);
    assertThat(server.connectedPeers()).doesNotContain(rawMember.publicKey());
  }

  @Test
  void aPeerOnAnotherChainIsRefused() throws Exception {
    try (RawPeer raw = handshake(rawMember, "other-chain", null)) {
      assertThat(raw.closedByPeer()).isTrue();
    }
    assertThat(server.stats().handshakeFailures()).isEqualTo(1);
    assertThat(server.connectedPeers()).doesNotContain(rawMember.publicKey());
  }

  @Test
  void messagesBeforeTheHandshakeCompletesAreDroppedNotDelivered() throws Exception {
    try (RawPeer raw = new RawPeer(server.port())) {
      raw.sendHello(TestMembers.CHAIN, TestMembers.GENESIS, rawMember, nonce());
      raw.send(FrameType.APP, "too early".getBytes());
      final Handshake.Hello theirs = Handshake.Hello.decode(raw.readUntil(FrameType.HELLO).payload());
      raw.send(FrameType.AUTH, Handshake.encodeAuth(rawMember.sign(Handshake.authMessage(
          TestMembers.CHAIN, TestMembers.GENESIS, theirs.nonce(), rawMember.publicKey(), theirs.key()))));
      raw.send(FrameType.APP, "in time".getBytes());
      await().atMost(WAIT).until(() -> listener.from(rawMember.publicKey()).size() == 1);
      assertThat(listener.from(rawMember.publicKey()).get(0)).isEqualTo("in time".getBytes());
      assertThat(server.stats().appDroppedUnauthenticated()).isEqualTo(1);
    }
  }

  @Test
  void garbageBytesCloseThatConnectionOnly() throws Exception {
    final byte[] garbage = new byte[1000];
    random.nextBytes(garbage);
    garbage[4] = 0x7f; // an unknown frame type, whatever the length says
    try (RawPeer raw = new RawPeer(server.port())) {
      raw.write(garbage);
      assertThat(raw.closedByPeer()).isTrue();
    }
    assertThat(server.stats().decodeErrors()).isEqualTo(1);
    assertMembersStillServed();
  }

  @Test
  void anOversizedLengthClosesThatConnectionOnly() throws Exception {
    try (RawPeer raw = new RawPeer(server.port())) {
      raw.write(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, (byte) FrameType.APP.code});
      assertThat(raw.closedByPeer()).isTrue();
    }
    // before authentication even a frame of a few KiB is too big: HELLO and AUTH are small
    try (RawPeer raw = new RawPeer(server.port())) {
      raw.send(FrameType.HELLO, new byte[Handshake.MAX_FRAME_BYTES]);
      assertThat(raw.closedByPeer()).isTrue();
    }
    assertThat(server.stats().decodeErrors()).isEqualTo(2);
    assertThat(server.stats().appDelivered()).isZero();
    assertMembersStillServed();
  }

  @Test
  void anAuthenticatedPeerThatFallsSilentIsDroppedAfterAboutThreeHeartbeats() throws Exception {
    try (RawPeer raw = handshake(rawMember, TestMembers.CHAIN, null)) {
      await().atMost(WAIT).until(() -> server.connectedPeers().contains(rawMember.publicKey()));
      final long admitted = System.nanoTime();
      assertThat(raw.readUntil(FrameType.HEARTBEAT)).isNotNull(); // the transport pings...
      assertThat(raw.closedByPeer()).isTrue(); // ...and hangs up on a peer that never answers
      final long silentMillis = (System.nanoTime() - admitted) / 1_000_000;
      assertThat(silentMillis).isBetween(1_000L, 5_000L); // heartbeat 500 ms: dropped after 1.5 s to 2 s
    }
    await().atMost(WAIT).until(() -> !server.connectedPeers().contains(rawMember.publicKey()));
    assertThat(server.stats().heartbeatTimeouts()).isEqualTo(1);
    assertThat(server.connectedPeers()).contains(members.key(1)); // real members keep heartbeating
  }

  @Test
  void aFullSendQueueDropsInsteadOfBlockingAndEveryAcceptedFrameArrivesInOrder() throws Exception {
    server.close();
    server = members.start(0, TestMembers.config(0).withMaxQueuedPerPeer(4).withHeartbeat(Duration.ofSeconds(3)),
        listener);
    try (RawPeer raw = handshake(rawMember, TestMembers.CHAIN, null)) {
      await().atMost(WAIT).until(() -> server.connectedPeers().contains(rawMember.publicKey()));
      // the raw peer reads nothing yet: once the socket buffers are full, frames pile up in the queue
      final int sends = 48;
      final java.util.List<Integer> accepted = new java.util.ArrayList<>();
      for (int i = 0; i < sends; i++) {
        final byte[] payload = new byte[512 * 1024];
        payload[0] = (byte) i;
        if (server.send(rawMember.publicKey(), payload)) {
          accepted.add(i);
        }
      }
      assertThat(accepted.size()).isBetween(1, sends - 1);
      assertThat(server.stats().sendsDroppedQueueFull()).isEqualTo(sends - accepted.size());
      final java.util.List<Integer> arrived = new java.util.ArrayList<>();
      while (arrived.size() < accepted.size()) {
        final RawPeer.Frame frame = raw.readUntil(FrameType.APP);
        assertThat(frame).isNotNull();
        assertThat(frame.payload()).hasSize(512 * 1024);
        arrived.add(frame.payload()[0] & 0xff);
      }
      assertThat(arrived).isEqualTo(accepted);
    }
  }

  @Test
  void aSecondConnectionFromTheSameMemberReplacesTheFirstAndThePeerStaysUp() throws Exception {
    try (RawPeer first = handshake(rawMember, TestMembers.CHAIN, null)) {
      await().atMost(WAIT).until(() -> server.connectedPeers().contains(rawMember.publicKey()));
      // same direction (both dialled by the member): the newer wins, as after a restart
      try (RawPeer second = handshake(rawMember, TestMembers.CHAIN, null)) {
        assertThat(first.closedByPeer()).isTrue();
        second.send(FrameType.APP, "over the second".getBytes());
        await().atMost(WAIT).until(() -> listener.from(rawMember.publicKey()).size() == 1);
        assertThat(server.connectedPeers()).contains(rawMember.publicKey());
        assertThat(server.stats().handshakeFailures()).isZero();
        assertThat(listener.ups.stream().filter(rawMember.publicKey()::equals).count()).isEqualTo(1);
        assertThat(listener.downs).doesNotContain(rawMember.publicKey());
      }
    }
  }
}
