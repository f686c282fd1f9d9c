package org.fhirledger.server.index;

import java.time.Instant;

/**
 * A consortium member this node has seen, as kept in the node registry table; {@code removedAtHeight} is the height
 * of the block whose membership transaction removed it (null while it is a member).
 */
public record RegisteredNode(String nodeKeyHex, String name, String p2pEndpoint, Instant firstSeen, Instant lastSeen, Long removedAtHeight) {
  /** A current member. */
  public RegisteredNode(final String nodeKeyHex, final String name, final String p2pEndpoint, final Instant firstSeen, final Instant lastSeen) {
    this(nodeKeyHex, name, p2pEndpoint, firstSeen, lastSeen, null);
  }

  public boolean removed() {
    return removedAtHeight != null;
  }
}
