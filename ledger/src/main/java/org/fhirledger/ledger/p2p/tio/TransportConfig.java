package org.fhirledger.ledger.p2p.tio;

import java.time.Duration;
import java.util.Objects;
import org.fhirledger.ledger.crypto.Hash32;

/**
 * Settings of one {@link TioPeerTransport}.
 *
 * @param bindHost the only address the listening socket binds to (never the wildcard by accident)
 * @param bindPort the listening port; 0 picks an ephemeral one, then {@link TioPeerTransport#port()} tells it
 * @param chainId the chain both ends must be on
 * @param genesisHash the genesis both ends must share
 * @param maxFrameBytes the largest frame accepted or sent (frame type byte plus payload)
 * @param heartbeat how often a HEARTBEAT goes to each peer; a peer silent for 3 heartbeats is dropped
 * @param reconnectMin the first redial delay after a failure
 * @param reconnectMax the cap of the exponential redial delay (a dead member is retried forever at this pace)
 * @param maxQueuedPerPeer frames waiting to be written to one peer beyond which sends are dropped
 */
public record TransportConfig(
    String bindHost,
    int bindPort,
    String chainId,
    Hash32 genesisHash,
    int maxFrameBytes,
    Duration heartbeat,
    Duration reconnectMin,
    Duration reconnectMax,
    int maxQueuedPerPeer) {
  public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofMillis(200);
  public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_QUEUED_PER_PEER = 4096;

  public TransportConfig {
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(chainId, "chainId");
    Objects.requireNonNull(genesisHash, "genesisHash");
    Objects.requireNonNull(heartbeat, "heartbeat");
    Objects.requireNonNull(reconnectMin, "reconnectMin");
    Objects.requireNonNull(reconnectMax, "reconnectMax");
    if (bindPort < 0 || bindPort > 65535) {
      throw new IllegalArgumentException("bindPort out of range: " + bindPort);
    }
    if (maxFrameBytes < Handshake.MAX_FRAME_BYTES) {
      throw new IllegalArgumentException("maxFrameBytes must be at least " + Handshake.MAX_FRAME_BYTES);
    }
    if (heartbeat.toMillis() < 10 || reconnectMin.toMillis() < 1 || reconnectMax.compareTo(reconnectMin) < 0) {
      throw new IllegalArgumentException("heartbeat >= 10 ms and 1 ms <= reconnectMin <= reconnectMax required");
    }
    if (maxQueuedPerPeer < 1) {
      throw new IllegalArgumentException("maxQueuedPerPeer must be positive");
    }
  }

  /** The defaults for everything but the address and the chain identity. */
  public static TransportConfig of(
      final String bindHost, final int bindPort, final String chainId, final Hash32 genesisHash) {
    return new TransportConfig(
        bindHost,
        bindPort,
        chainId,
        genesisHash,
        DEFAULT_MAX_FRAME_BYTES,
        DEFAULT_HEARTBEAT,
        DEFAULT_RECONNECT_MIN,
        DEFAULT_RECONNECT_MAX,
        DEFAULT_MAX_QUEUED_PER_PEER);
  }

  public TransportConfig withBindPort(final int port) {
    return new TransportConfig(bindHost, port, chainId, genesisHash, maxFrameBytes, heartbeat, reconnectMin,
        reconnectMax, maxQueuedPerPeer);
  }

  public TransportConfig withHeartbeat(final Duration value) {
    return new TransportConfig(bindHost, bindPort, chainId, genesisHash, maxFrameBytes, value, reconnectMin,
        reconnectMax, maxQueuedPerPeer);
  }

  public TransportConfig withReconnect(final Duration min, final Duration max) {
    return new TransportConfig(bindHost, bindPort, chainId, genesisHash, maxFrameBytes, heartbeat, min, max,
        maxQueuedPerPeer);
  }

  public TransportConfig withMaxQueuedPerPeer(final int value) {
    return new TransportConfig(bindHost, bindPort, chainId, genesisHash, maxFrameBytes, heartbeat, reconnectMin,
        reconnectMax, value);
  }

  /** A peer silent this long is disconnected; an unauthenticated connection this old is refused. */
  Duration silenceTimeout() {
    return heartbeat.multipliedBy(3);
  }
}
