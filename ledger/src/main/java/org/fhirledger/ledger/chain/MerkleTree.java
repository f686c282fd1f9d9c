package org.fhirledger.ledger.chain;

import java.security.MessageDigest;
import java.util.List;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Sha256;

/**
 * RFC 6962 Merkle tree hash: leaves are hashed with a 0x00 prefix and interior nodes with 0x01, so a leaf
 * can never pass for an interior node; the split is at the largest power of two below n.
 */
public final class MerkleTree {
  private MerkleTree() {}

  public static Hash32 leafHash(final byte[] leaf) {
    final MessageDigest d = Sha256.newDigest();
    d.update((byte) 0x00);
    d.update(leaf);
    return Hash32.wrap(d.digest());
  }

  public static Hash32 nodeHash(final Hash32 left, final Hash32 right) {
    final MessageDigest d = Sha256.newDigest();
    d.update((byte) 0x01);
    left.updateDigest(d);
    right.updateDigest(d);
    return Hash32.wrap(d.digest());
  }

  /** The root over the given leaf hashes (already {@link #leafHash}ed); SHA-256 of nothing when empty. */
  public static Hash32 rootOfLeafHashes(final List<Hash32> leafHashes) {
    if (leafHashes.isEmpty()) {
      return Hash32.sha256(new byte[0]);
    }
    return root(leafHashes, 0, leafHashes.size());
  }

  private static Hash32 root(final List<Hash32> leaves, final int from, final int to) {
    final int n = to - from;
    if (n == 1) {
      return leaves.get(from);
    }
    final int k = Integer.highestOneBit(n - 1);
    return nodeHash(root(leaves, from, from + k), root(leaves, from + k, to));
  }
}
