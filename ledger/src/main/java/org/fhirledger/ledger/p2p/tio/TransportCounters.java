package org.fhirledger.ledger.p2p.tio;

import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link TransportStats}. */
final class TransportCounters {
  final LongAdder framesIn = new LongAdder();
  final LongAdder framesOut = new LongAdder();
  final LongAdder appDelivered = new LongAdder();
  final LongAdder appDroppedUnauthenticated = new LongAdder();
  final LongAdder sendsDroppedQueueFull = new LongAdder();
  final LongAdder sendsDroppedNotConnected = new LongAdder();
  final LongAdder handshakeFailures = new LongAdder();
  final LongAdder decodeErrors = new LongAdder();
  final LongAdder heartbeatTimeouts = new LongAdder();
  final LongAdder connectionsAccepted = new LongAdder();
  final LongAdder dials = new LongAdder();
  final LongAdder connectionErrors = new LongAdder();

  TransportStats snapshot() {
    return new TransportStats(
        framesIn.sum(),
        framesOut.sum(),
        appDelivered.sum(),
        appDroppedUnauthenticated.sum(),
        sendsDroppedQueueFull.sum(),
        sendsDroppedNotConnected.sum(),
        handshakeFailures.sum(),
        decodeErrors.sum(),
        heartbeatTimeouts.sum(),
        connectionsAccepted.sum(),
        dials.sum(),
        connectionErrors.sum());
  }
}
