package org.fhirledger.ledger.p2p.tio;

/**
 * A snapshot of a transport's counters.
 *
 * @param framesIn frames decoded from authenticated and unauthenticated connections
 * @param framesOut frames written to a socket
 * @param appDelivered APP payloads handed to the listener
 * @param appDroppedUnauthenticated APP frames received before (or without) a completed handshake
 * @param sendsDroppedQueueFull sends refused because the peer's outbound queue was full
 * @param sendsDroppedNotConnected sends refused because the peer was not connected (or the payload too big)
 * @param handshakeFailures connections refused: not a member, wrong chain, bad signature, timeout, protocol error
 * @param decodeErrors connections closed for malformed framing (bad type, bad or oversized length)
 * @param heartbeatTimeouts authenticated peers dropped for silence
 * @param connectionsAccepted inbound TCP connections
 * @param dials outbound connection attempts
 * @param connectionErrors connections t-io closed because reading, decrypting or writing failed (a TLS record that
 *     does not decrypt counts here)
 */
public record TransportStats(
    long framesIn,
    long framesOut,
    long appDelivered,
    long appDroppedUnauthenticated,
    long sendsDroppedQueueFull,
    long sendsDroppedNotConnected,
    long handshakeFailures,
    long decodeErrors,
    long heartbeatTimeouts,
    long connectionsAccepted,
    long dials,
    long connectionErrors) {}
