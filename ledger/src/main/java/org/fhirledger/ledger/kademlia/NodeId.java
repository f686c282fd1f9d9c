package org.fhirledger.ledger.kademlia;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.Sha256;
import org.fhirledger.ledger.dag.ContentId;

/**
 * A 160-bit Kademlia identifier, for nodes and for the keys they store. A node's id is the first 160 bits of
 * SHA-256(public key) (architecture.md section 2), so a member cannot choose where it sits; a chunk's key is the
 * first 160 bits of its content id's SHA-256 digest, which is already uniform. Immutable (Guava HashCode style).
 */
public final class NodeId implements Comparable<NodeId> {
  public static final int BITS = 160;
  public static final int LENGTH = BITS / 8;

  private final byte[] bytes;

  private NodeId(final byte[] bytes) {
    this.bytes = bytes;
  }

  public static NodeId wrap(final byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a node id has 20 bytes, got " + bytes.length);
    }
    return new NodeId(bytes.clone());
  }

  public static NodeId of(final PublicKey key) {
    return new NodeId(key.nodeId());
  }

  /** Where a chunk lives in the id space: the first 160 bits of its SHA-256 digest. */
  public static NodeId ofContent(final ContentId id) {
    return new NodeId(Arrays.copyOf(id.digest(), LENGTH));
  }

  /** A 160-bit id from a hash of arbitrary bytes (simulations make ids without keys). */
  public static NodeId hashOf(final byte[] data) {
    return new NodeId(Arrays.copyOf(Sha256.digest(data), LENGTH));
  }

  /**
   * The index of the k-bucket that holds {@code other} in this node's table: i such that the XOR distance is in
   * [2^i, 2^(i+1)), that is 159 minus the length of the common prefix; -1 for this id itself.
   */
  public int bucketIndex(final NodeId other) {
    for (int i = 0; i < LENGTH; i++) {
      final int x = (bytes[i] ^ other.bytes[i]) & 0xff;
      if (x != 0) {
        return BITS - 1 - (i * 8 + Integer.numberOfLeadingZeros(x) - 24);
      }
    }
    return -1;
  }

  /**
   * Compares the XOR distances of {@code a} and {@code b} to this id: negative when a is closer. XOR distance
   * is a metric with unique distances, so two different ids are never equally far from a target.
   */
  public int compareDistance(final NodeId a, final NodeId b) {
    for (int i = 0; i < LENGTH; i++) {
      final int da = (a.bytes[i] ^ bytes[i]) & 0xff;
      final int db = (b.bytes[i] ^ bytes[i]) & 0xff;
      if (da != db) {
        return da < db ? -1 : 1;
      }
    }
    return 0;
  }

  /** The XOR distance to another id, as 20 big-endian bytes. */
  public byte[] distance(final NodeId other) {
    final byte[] d = new byte[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      d[i] = (byte) (bytes[i] ^ other.bytes[i]);
    }
    return d;
  }

  /**
   * A random id whose distance to this one falls in bucket {@code index}: the bits above it equal ours, the
   * bit itself differs, the bits below are random. A bucket refresh looks this id up.
   */
  public NodeId randomInBucket(final int index, final RandomGenerator random) {
    if (index < 0 || index >= BITS) {
      throw new IllegalArgumentException("bucket index out of range: " + index);
    }
    final byte[] out = new byte[LENGTH];
    random.nextBytes(out);
    final int flip = BITS - 1 - index; // bit position from the most significant end
    for (int bit = 0; bit < flip; bit++) {
      setBit(out, bit, bit(bytes, bit));
    }
    setBit(out, flip, !bit(bytes, flip));
    return new NodeId(out);
  }

  private static boolean bit(final byte[] b, final int position) {
    return (b[position >>> 3] & (0x80 >>> (position & 7))) != 0;
  }

  private static void setBit(final byte[] b, final int position, final boolean value) {
    final int mask = 0x80 >>> (position & 7);
    b[position >>> 3] = (byte) (value ? b[position >>> 3] | mask : b[position >>> 3] & ~mask);
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  public String toHex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof NodeId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(final NodeId o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return toHex().substring(0, 10);
  }
}
