package org.fhirledger.ledger.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable 32-byte SHA-256 digest: block hashes, transaction hashes, Merkle roots.
 * Modelled on Guava's HashCode: the array is copied in and out, equality is constant time.
 */
public final class Hash32 implements Comparable<Hash32> {
  public static final int LENGTH = 32;
  public static final Hash32 ZERO = new Hash32(new byte[LENGTH]);

  private final byte[] bytes;

  private Hash32(final byte[] bytes) {
    this.bytes = bytes;
  }

  public static Hash32 wrap(final byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a Hash32 has 32 bytes, got " + bytes.length);
    }
    return new Hash32(bytes.clone());
  }

  public static Hash32 fromHex(final String hex) {
    return wrap(HexFormat.of().parseHex(hex));
  }

  /** SHA-256 of the given bytes (JDK digest: it uses the SHA-NI intrinsic, BouncyCastle's does not). */
  public static Hash32 sha256(final byte[] data) {
    return new Hash32(Sha256.digest(data));
  }

  public byte[] toArray() {
    return bytes.clone();
  }

  /** Writes the digest into a MessageDigest or other sink without copying. */
  public void updateDigest(final MessageDigest digest) {
    digest.update(bytes);
  }

  public String toHex() {
    return HexFormat.of().formatHex(bytes);
  }

  public String toShortHex() {
    return toHex().substring(0, 12);
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof Hash32 other && MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return (bytes[0] & 0xff) | (bytes[1] & 0xff) << 8 | (bytes[2] & 0xff) << 16 | (bytes[3] & 0xff) << 24;
  }

  @Override
  public int compareTo(final Hash32 o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
