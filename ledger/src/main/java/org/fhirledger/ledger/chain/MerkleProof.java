package org.fhirledger.ledger.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.Hash32;

/**
 * An RFC 6962 inclusion proof (section 2.1.1): the audit path {@code PATH(m, D[n])} of leaf {@code m} in a tree
 * of {@code n} leaves, the sibling nearest the leaf first and the root's other child last. Anyone holding the
 * root (a block header's {@code transactionsRoot}) can check that a leaf is in the tree at that index without
 * the other leaves. The leaf is hashed with the 0x00 prefix and every step with 0x01 (see {@link MerkleTree}),
 * so no interior node can pass for a leaf.
 *
 * <p>Encoding (docs/protocol/encoding.md): {@code u8 version(1), i64 leafIndex, i64 treeSize, list<hash> path}.
 * A decoded proof always has the path length its index and size imply.
 */
public record MerkleProof(long leafIndex, long treeSize, List<Hash32> path) {
  public static final int ENCODING_VERSION = 1;
  /** A tree of at most 2^63 - 1 leaves is at most 63 levels deep. */
  public static final int MAX_PATH = 63;

  public MerkleProof {
    if (treeSize < 1 || leafIndex < 0 || leafIndex >= treeSize) {
      throw new IllegalArgumentException("leaf index " + leafIndex + " is not in a tree of " + treeSize + " leaves");
    }
    path = List.copyOf(path);
    if (path.size() > MAX_PATH) {
      throw new IllegalArgumentException("an audit path has at most " + MAX_PATH + " hashes, got " + path.size());
    }
  }

  /** The length of {@code PATH(m, D[n])}: one hash per split on the way from the root down to leaf m. */
  public static int pathLength(final long leafIndex, final long treeSize) {
    long m = leafIndex;
    long n = treeSize;
    int length = 0;
    while (n > 1) {
      final long k = Long.highestOneBit(n - 1);
      if (m < k) {
        n = k;
      } else {
        m -= k;
        n -= k;
      }
      length++;
    }
    return length;
  }

  /**
   * The root this proof leads to from the given leaf hash ({@link MerkleTree#leafHash}); empty when the path
   * does not have the length the index and tree size imply, since then it proves nothing.
   */
  public Optional<Hash32> rootFromLeafHash(final Hash32 leafHash) {
    Objects.requireNonNull(leafHash, "leafHash");
    // Walk down from the root as the RFC's recursion does, remembering at each split whether the leaf went
    // right; the path lists the siblings bottom-up, so fold it against those turns in reverse.
    long m = leafIndex;
    long n = treeSize;
    long wentRight = 0;
    int depth = 0;
    while (n > 1) {
      final long k = Long.highestOneBit(n - 1);
      if (m < k) {
        n = k;
      } else {
        wentRight |= 1L << depth;
        m -= k;
        n -= k;
      }
      depth++;
    }
    if (depth != path.size()) {
      return Optional.empty();
    }
    Hash32 node = leafHash;
    for (int i = 0; i < depth; i++) {
      final int split = depth - 1 - i;
      final Hash32 sibling = path.get(i);
      node = (wentRight >>> split & 1) == 1 ? MerkleTree.nodeHash(sibling, node) : MerkleTree.nodeHash(node, sibling);
    }
    return Optional.of(node);
  }

  /** True when the leaf whose hash is given sits at {@link #leafIndex} of the tree with this root. */
  public boolean verifyLeafHash(final Hash32 leafHash, final Hash32 root) {
    return rootFromLeafHash(leafHash).map(root::equals).orElse(false);
  }

  /** True when these leaf bytes (for a block: the transaction hash's 32 bytes) sit at {@link #leafIndex} of the tree with this root. */
  public boolean verify(final byte[] leaf, final Hash32 root) {
    return verifyLeafHash(MerkleTree.leafHash(leaf), root);
  }

  public void write(final ByteWriter out) {
    out.u8(ENCODING_VERSION).i64(leafIndex).i64(treeSize).i32(path.size());
    for (final Hash32 h : path) {
      out.hash(h);
    }
  }

  public byte[] encode() {
    final ByteWriter out = new ByteWriter(21 + Hash32.LENGTH * path.size());
    write(out);
    return out.toByteArray();
  }

  public static MerkleProof read(final ByteReader in) {
    in.expectVersion(ENCODING_VERSION, "merkle proof");
    final long index = in.i64();
    final long size = in.i64();
    if (size < 1 || index < 0 || index >= size) {
      throw new DecodingException("leaf index " + index + " is not in a tree of " + size + " leaves");
    }
    final int expected = pathLength(index, size);
    final int n = in.count(MAX_PATH, Hash32.LENGTH);
    if (n != expected) {
      throw new DecodingException("audit path of " + n + " hashes for leaf " + index + " of " + size + ", which needs " + expected);
    }
    final List<Hash32> path = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      path.add(in.hash());
    }
    return new MerkleProof(index, size, path);
  }

  public static MerkleProof decode(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    final MerkleProof proof = read(in);
    in.expectEnd();
    return proof;
  }
}
