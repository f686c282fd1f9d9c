package org.fhirledger.ledger.crypto;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SignatureVerifier} that remembers the signatures it found valid, so that checking one again costs a
 * map look-up instead of an Ed25519 verification (~60-90 us). The node verifies what arrives on the transport's
 * threads ahead of time; when the single event thread then validates the same message, the answer is already here.
 *
 * <p>Only successes are remembered, keyed by the SHA-256 of the exact key, message and signature bytes (each with its
 * length), so every answer is the one the wrapped verifier gives (verification is a pure function of those three):
 * nothing unverified is ever accepted, and the answers do not depend on which thread asked first. The digest, not
 * the message, is kept: a transaction Bundle signs hundreds of kilobytes, and 65,536 of those would not fit the heap. Thread-safe. Bounded: when it holds
 * {@code capacity} signatures it forgets them all (a forgotten signature is just verified again).
 */
public final class RememberingVerifier implements SignatureVerifier {
  private final SignatureVerifier verifier;
  private final int capacity;
  private final ConcurrentHashMap<Verified, Boolean> verified = new ConcurrentHashMap<>();

  public RememberingVerifier(final SignatureVerifier verifier, final int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.verifier = verifier;
    this.capacity = capacity;
  }

  @Override
  public boolean verify(final PublicKey key, final byte[] message, final byte[] signature) {
    final Verified candidate = Verified.of(key, message, signature);
    if (verified.containsKey(candidate)) {
      return true;
    }
    if (!verifier.verify(key, message, signature)) {
      return false;
    }
    remember(candidate);
    return true;
  }

  /**
   * Records a signature as valid without verifying it. Only for signatures this process made with its own private
   * key ({@link RememberingSigner}); anything received is {@link #verify}d.
   */
  void remember(final PublicKey key, final byte[] message, final byte[] signature) {
    remember(Verified.of(key, message, signature));
  }

  private void remember(final Verified signature) {
    if (verified.size() >= capacity) {
      verified.clear();
    }
    verified.put(signature, Boolean.TRUE);
  }

  /** How many valid signatures it holds now. */
  public int size() {
    return verified.size();
  }

  // A record would compare the arrays by identity.
  private record Verified(byte[] digest) {
    static Verified of(final PublicKey key, final byte[] message, final byte[] signature) {
      final byte[] k = key.toArray();
      final MessageDigest d = Sha256.threadDigest();
      d.update(ByteBuffer.allocate(4).putInt(k.length).array());
      d.update(k);
      d.update(ByteBuffer.allocate(4).putInt(message.length).array());
      d.update(message);
      d.update(ByteBuffer.allocate(4).putInt(signature.length).array());
      d.update(signature);
      return new Verified(d.digest());
    }

    @Override
    public boolean equals(final Object o) {
      return o instanceof Verified v && MessageDigest.isEqual(v.digest, digest);
    }

    @Override
    public int hashCode() {
      return ByteBuffer.wrap(digest).getInt();
    }
  }
}
