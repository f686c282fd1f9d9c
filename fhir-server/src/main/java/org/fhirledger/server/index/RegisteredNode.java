package org.fhirledger.server.index;

import java.time.Instant;

/** A consortium member this node has seen, as kept in the node registry table. */
public record RegisteredNode(String nodeKeyHex, String name, String p2pEndpoint, Instant firstSeen, Instant lastSeen) {}
