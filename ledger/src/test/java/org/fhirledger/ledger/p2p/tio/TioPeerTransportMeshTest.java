package org.fhirledger.ledger.p2p.tio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tio.core.TioConfig;

class TioPeerTransportMeshTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private final List<TioPeerTransport> transports = new ArrayList<>();

  @AfterEach
  void closeAll() {
    transports.forEach(TioPeerTransport::close);
  }

  private List<RecordingListener> startMesh(final TestMembers members, final int n) throws Exception {
    final List<RecordingListener> listeners = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      final RecordingListener listener = new RecordingListener();
      listeners.add(listener);
      transports.add(members.start(i, TestMembers.config(0), listener));
    }
    return listeners;
  }

  private Set<PublicKey> othersThan(final TestMembers members, final int n, final int... excluded) {
    final Set<PublicKey> keys = new HashSet<>();
    outer:
    for (int i = 0; i < n; i++) {
      for (final int e : excluded) {
        if (i == e) {
          continue outer;
        }
      }
      keys.add(members.key(i));
    }
    return keys;
  }

  private void awaitMesh(final TestMembers members, final int n, final int... down) {
    await().atMost(WAIT).untilAsserted(() -> {
      for (int i = 0; i < n; i++) {
        final int node = i;
        if (java.util.Arrays.stream(down).anyMatch(d -> d == node)) {
          continue;
        }
        final int[] excluded = java.util.stream.IntStream.concat(
            java.util.stream.IntStream.of(node), java.util.Arrays.stream(down)).toArray();
        assertThat(transports.get(node).connectedPeers())
            .as("peers of node %d", node)
            .isEqualTo(othersThan(members, n, excluded));
      }
    });
  }

  @Test
  void acceptedAndDialledConnectionsBothSendSmallFramesWithoutNagleDelay() throws Exception {
    final TestMembers members = new TestMembers(3, 4);
    startMesh(members, 3);
    awaitMesh(members, 3);
    // node 0 (lowest key) only dials, node 2 only accepts, node 1 does both
    for (final TioPeerTransport t : transports) {
      assertThat(t.allConnectionsSendWithoutDelay()).as("TCP_NODELAY on every socket of %s", t.publicKey().toShortHex()).isTrue();
    }
  }

  @Test
  void fourTransportsFormAFullMeshAndDeliverExactBytes() throws Exception {
    final TestMembers members = new TestMembers(4, 1);
    final List<RecordingListener> listeners = startMesh(members, 4);
    awaitMesh(members, 4);

    for (int from = 0; from < 4; from++) {
      for (int to = 0; to < 4; to++) {
        if (from != to) {
          assertThat(transports.get(from).send(members.key(to), ("from " + from + " to " + to).getBytes())).isTrue();
        }
      }
    }
    final byte[] big = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(big);
    transports.get(2).broadcast(big);

    await().atMost(WAIT).untilAsserted(() -> {
      for (int to = 0; to < 4; to++) {
        for (int from = 0; from < 4; from++) {
          if (from == to) {
            continue;
          }
          final List<byte[]> got = listeners.get(to).from(members.key(from));
          final List<byte[]> expected = new ArrayList<>();
          expected.add(("from " + from + " to " + to).getBytes());
          if (from == 2) {
            expected.add(big);
          }
          assertThat(got).as("node %d from node %d", to, from).containsExactlyElementsOf(expected);
        }
      }
    });
    assertThat(listeners.get(2).received).hasSize(3); // nothing comes back to the broadcaster
    for (int i = 0; i < 4; i++) {
      assertThat(listeners.get(i).ups).containsExactlyInAnyOrderElementsOf(othersThan(members, 4, i));
      assertThat(listeners.get(i).downs).isEmpty();
    }
    for (final TioPeerTransport t : transports) {
      assertThat(t.stats().handshakeFailures()).isZero();
      assertThat(t.stats().decodeErrors()).isZero();
      for (final TioConfig c : t.tioConfigs()) {
        assertThat(c.isIpStatEnable()).as("t-io per-IP statistics").isFalse();
      }
    }
    // one connection per pair: the lower key dials, so node 0 only dials and node 3 only accepts
    assertThat(transports.get(0).stats().connectionsAccepted()).isZero();
    assertThat(transports.get(3).stats().dials()).isZero();
  }

  @Test
  void closingOneLeavesTheOthersConnectedAndARestartRejoins() throws Exception {
    final TestMembers members = new TestMembers(4, 2);
    final List<RecordingListener> listeners = startMesh(members, 4);
    awaitMesh(members, 4);

    final int victim = 1; // dials 2 and 3, is dialled by 0
    final TioPeerTransport closed = transports.get(victim);
    final int port = closed.port();
    final List<TioConfig> closedConfigs = closed.tioConfigs();
    closed.close();
    awaitMesh(members, 4, victim);
    assertThat(transports.get(0).send(members.key(3), "still here".getBytes())).isTrue();
    assertThat(transports.get(victim).send(members.key(0), "closed".getBytes())).isFalse();
    await().atMost(WAIT).until(() -> listeners.get(3).from(members.key(0)).size() == 1);
    assertThat(listeners.get(0).downs).contains(members.key(victim));

    // its own threads are gone and t-io's static registry no longer holds its configs
    final String prefix = "p2p-" + members.key(victim).toShortHex();
    await().atMost(WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.isAlive() && t.getName().startsWith(prefix)));
    assertThat(TioConfig.ALL_GROUPCONTEXTS).doesNotContainAnyElementsOf(closedConfigs);

    final RecordingListener reborn = new RecordingListener();
    transports.set(victim, members.start(victim, TestMembers.config(port), reborn));
    assertThat(transports.get(victim).port()).isEqualTo(port);
    awaitMesh(members, 4);
    assertThat(transports.get(victim).send(members.key(3), "back".getBytes())).isTrue();
    assertThat(transports.get(0).send(members.key(victim), "welcome".getBytes())).isTrue();
    await().atMost(WAIT).until(() -> listeners.get(3).from(members.key(victim)).size() == 1
        && reborn.from(members.key(0)).size() == 1);
  }

  @Test
  void aTransportWhoseKeyIsNotAMemberIsNeverConnected() throws Exception {
    final TestMembers members = new TestMembers(3, 4);
    final PublicKey outsiderKey = members.key(0); // the lowest key: it dials both insiders
    final MemberDirectory insiderView =
        () -> members.members().stream().filter(v -> !v.publicKey().equals(outsiderKey)).toList();
    final List<RecordingListener> insiderListeners = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      final RecordingListener listener = new RecordingListener();
      insiderListeners.add(listener);
      final TioPeerTransport insider = new TioPeerTransport(
          TestMembers.config(0), members.signers.get(i), Ed25519Keys.verifier(), insiderView);
      insider.start(listener);
      members.setPort(i, insider.port());
      transports.add(insider);
    }
    final TioPeerTransport outsider = members.start(0, TestMembers.config(0), new RecordingListener());
    transports.add(outsider);

    await().atMost(WAIT).until(() -> transports.get(0).stats().handshakeFailures() >= 2
        && transports.get(1).stats().handshakeFailures() >= 2 // it keeps knocking, it is refused each time
        && transports.get(0).connectedPeers().contains(members.key(2)));
    assertThat(transports.get(0).connectedPeers()).isEqualTo(Set.of(members.key(2)));
    assertThat(transports.get(1).connectedPeers()).isEqualTo(Set.of(members.key(1)));
    assertThat(outsider.connectedPeers()).isEmpty();
    assertThat(outsider.send(members.key(1), "let me in".getBytes())).isFalse();
    assertThat(insiderListeners.get(0).from(outsiderKey)).isEmpty();
    assertThat(insiderListeners.get(1).from(outsiderKey)).isEmpty();
    assertThat(insiderListeners.get(0).ups).doesNotContain(outsiderKey);
  }
}
