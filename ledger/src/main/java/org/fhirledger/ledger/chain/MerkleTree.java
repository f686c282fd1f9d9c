package org.fhirledger.ledger.chain;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Sha256;

/**
 * RFC 6962 Merkle tree hash: leaves are hashed with a 0x00 prefix and interior nodes with 0x01, so a leaf
 * can never pass for an interior node; the split is at the largest power of two below n. {@link #proof}
 * gives a leaf's audit path ({@link MerkleProof}).
 */
public final class MerkleTree {
  private MerkleTree() {}

  // A digest per hash would cost a provider look-up and a reflective construction each: a block of 500
  // transactions has ~1,000 Merkle hashes per root (OrderingCoreBenchmark profile). Reuse the thread's.
  public static Hash32 leafHash(final byte[] leaf) {
    final MessageDigest d = Sha256.threadDigest();
    d.update((byte) 0x00);
    d.update(leaf);
    return Hash32.wrap(d.digest());
  }

  public static Hash32 nodeHash(final Hash32 left, final Hash32 right) {
    final MessageDigest d = Sha256.threadDigest();
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

  /**
   * The RFC 6962 audit path of leaf {@code index} over the given leaf hashes: {@code PATH(m, D[n])} of section
   * 2.1.1, built by the same split as the root. Costs about n node hashes.
   */
  public static MerkleProof proof(final List<Hash32> leafHashes, final int index) {
    if (index < 0 || index >= leafHashes.size()) {
      throw new IndexOutOfBoundsException("leaf " + index + " of " + leafHashes.size());
    }
    final List<Hash32> path = new ArrayList<>();
    collectPath(leafHashes, index, 0, leafHashes.size(), path);
    return new MerkleProof(index, leafHashes.size(), path);
  }

  // PATH(m, D[from:to]) = PATH(m, left) : MTH(right) when m is on the left, PATH(m - k, right) : MTH(left) otherwise
  private static void collectPath(final List<Hash32> leaves, final int m, final int from, final int to, final List<Hash32> path) {
    final int n = to - from;
    if (n == 1) {
      return;
    }
    final int k = Integer.highestOneBit(n - 1);
    if (m < from + k) {
      collectPath(leaves, m, from, from + k, path);
      path.add(root(leaves, from + k, to));
    } else {
      collectPath(leaves, m, from + k, to, path);
      path.add(root(leaves, from, from + k));
    }
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
