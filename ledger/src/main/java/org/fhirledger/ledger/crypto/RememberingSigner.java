package org.fhirledger.ledger.crypto;

/**
 * A node's {@link Signer} that tells the node's {@link RememberingVerifier} about every signature it makes, so the
 * node never spends an Ed25519 verification on its own signatures. Without it, a transaction this node originated
 * was verified here when another validator proposed the block holding it (about one verification in five of the
 * 4-node network's, see docs/benchmarks.md).
 *
 * <p>Only the exact (key, message, signature) triples made here are remembered: a transaction that claims this
 * node's key but was signed elsewhere, or altered, is still verified. A signature made with the node's own private
 * key is valid by construction (Ed25519 signing is deterministic); the other validators verify it anyway.
 */
public final class RememberingSigner implements Signer {
  private final Signer signer;
  private final RememberingVerifier verifier;

  public RememberingSigner(final Signer signer, final RememberingVerifier verifier) {
    this.signer = signer;
    this.verifier = verifier;
  }

  @Override
  public PublicKey publicKey() {
    return signer.publicKey();
  }

  @Override
  public byte[] sign(final byte[] message) {
    final byte[] signature = signer.sign(message);
    verifier.remember(signer.publicKey(), message, signature);
    return signature;
  }
}
