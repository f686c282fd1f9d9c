package org.fhirledger.ledger.consensus;

import java.time.Duration;

/**
 * Timing and buffer limits of I-PBFT. Round timeouts grow with the round so that validators that fell out
 * of step meet again in some round: timeout(r) = min(base * (r + 1), max). Linear rather than exponential
 * growth (as Tendermint does): after a few failed rounds under load a write is not left waiting minutes.
 */
public record ConsensusConfig(Duration baseRoundTimeout, Duration maxRoundTimeout, int maxBufferedFutureMessages, int futureHeightWindow) {
  public static final Duration DEFAULT_BASE_ROUND_TIMEOUT = Duration.ofMillis(1000);
  public static final Duration DEFAULT_MAX_ROUND_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_BUFFERED_FUTURE_MESSAGES = 10_000;
  public static final int DEFAULT_FUTURE_HEIGHT_WINDOW = 10;

  public static ConsensusConfig defaults() {
    return new ConsensusConfig(DEFAULT_BASE_ROUND_TIMEOUT, DEFAULT_MAX_ROUND_TIMEOUT, DEFAULT_MAX_BUFFERED_FUTURE_MESSAGES, DEFAULT_FUTURE_HEIGHT_WINDOW);
  }

  public Duration roundTimeout(final int round) {
    final long base = baseRoundTimeout.toMillis();
    final long ms = round >= Integer.MAX_VALUE / 2 ? Long.MAX_VALUE : base * (round + 1L);
    return Duration.ofMillis(Math.min(ms, maxRoundTimeout.toMillis()));
  }
}
