package org.fhirledger.ledger.consensus.simulation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.Sha256;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.crypto.Signer;

/**
 * Cheap stand-in signatures for the cluster simulator, at the {@link Signer}/{@link SignatureVerifier} seam: a
 * "signature" is two SHA-256 digests binding the key and the message, so it is unique per (key, message), any
 * change to either fails verification, and it costs microseconds instead of Ed25519's tenth of a millisecond.
 * The simulator tests the protocol, not the curve: Byzantine validators in it are scripted and never forge by
 * computing these (a forged signature there is random bytes). Real Ed25519 is used everywhere else, including the
 * state-machine tests and the scenario test. Public for the ordering-core benchmark (src/jmh), which compares the two.
 */
public final class SimulatedKeys {
  private static final byte[] DOMAIN = "fhirledger/simulated-signature".getBytes(StandardCharsets.US_ASCII);

  private SimulatedKeys() {}

  public static Signer signer(final long seed) {
    final byte[] pub = new byte[PublicKey.LENGTH];
    new Random(seed).nextBytes(pub);
    final PublicKey key = PublicKey.wrap(pub);
    return new Signer() {
      @Override
      public PublicKey publicKey() {
        return key;
      }

      @Override
      public byte[] sign(final byte[] message) {
        return signature(key, message);
      }
    };
  }

  public static final SignatureVerifier VERIFIER = (key, message, signature) -> MessageDigest.isEqual(signature(key, message), signature);

  private static byte[] signature(final PublicKey key, final byte[] message) {
    final MessageDigest d = Sha256.newDigest();
    d.update(DOMAIN);
    d.update(key.toArray());
    d.update(message);
    final byte[] first = d.digest();
    d.update(first);
    d.update(message);
    final byte[] second = d.digest();
    final byte[] sig = Arrays.copyOf(first, 64);
    System.arraycopy(second, 0, sig, 32, 32);
    return sig;
  }
}
