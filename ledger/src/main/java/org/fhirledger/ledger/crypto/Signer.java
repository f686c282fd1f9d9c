package org.fhirledger.ledger.crypto;

/** Signs with a node's private key. The key never leaves the implementation. */
public interface Signer {
  PublicKey publicKey();

  /** A 64-byte Ed25519 signature over the message. */
  byte[] sign(byte[] message);
}
