package org.fhirledger.server.index;

import java.time.Instant;
import java.util.Objects;

/**
 * One resource version as the search index stores it, with its ledger coordinates.
 *
 * @param contentId the content id (CIDv1, base32) of the version's root chunk; null for a delete
 * @param txHash hex of the hash of the transaction that wrote the version
 * @param originNode hex of the public key (or name) of the node that signed the transaction
 */
public record IndexedVersion(
    String resourceType,
    String resourceId,
    long version,
    boolean deleted,
    Instant lastUpdated,
    String contentId,
    long blockHeight,
    String txHash,
    String originNode) {

  public IndexedVersion {
    Objects.requireNonNull(resourceType, "resourceType");
    Objects.requireNonNull(resourceId, "resourceId");
    Objects.requireNonNull(lastUpdated, "lastUpdated");
    Objects.requireNonNull(txHash, "txHash");
    Objects.requireNonNull(originNode, "originNode");
    if (version < 1) {
      throw new IllegalArgumentException("versions start at 1, got " + version);
    }
    if (!deleted && contentId == null) {
      throw new IllegalArgumentException("a live version needs a content id");
    }
  }
}
