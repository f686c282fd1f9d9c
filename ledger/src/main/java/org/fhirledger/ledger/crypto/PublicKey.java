package org.fhirledger.ledger.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/** An Ed25519 public key (32 raw bytes): how a consortium member is known. Immutable. */
public final class PublicKey implements Comparable<PublicKey> {
  public static final int LENGTH = 32;
  private final byte[] bytes;

  private PublicKey(final byte[] bytes) {
    this.bytes = bytes;
  }

  public static PublicKey wrap(final byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, got " + bytes.length);
    }
    return new PublicKey(bytes.clone());
  }

  public static PublicKey fromHex(final String hex) {
    return wrap(HexFormat.of().parseHex(hex));
  }

  public byte[] toArray() {
    return bytes.clone();
  }

  byte[] rawUnsafe() {
    return bytes;
  }

  /** The Kademlia node id: the first 160 bits of SHA-256(public key), so an id cannot be chosen freely. */
  public byte[] nodeId() {
    return Arrays.copyOf(Sha256.digest(bytes), 20);
  }

  public String nodeIdHex() {
    return HexFormat.of().formatHex(nodeId());
  }

  public String toHex() {
    return HexFormat.of().formatHex(bytes);
  }

  public String toShortHex() {
    return toHex().substring(0, 12);
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof PublicKey other && MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(final PublicKey o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return toShortHex();
  }
}
