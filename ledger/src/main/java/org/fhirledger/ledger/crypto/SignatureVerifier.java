package org.fhirledger.ledger.crypto;

/** Checks signatures; stateless and thread-safe. */
public interface SignatureVerifier {
  boolean verify(PublicKey key, byte[] message, byte[] signature);
}
