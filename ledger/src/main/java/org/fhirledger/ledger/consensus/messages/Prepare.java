package org.fhirledger.ledger.consensus.messages;

import java.util.Arrays;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.crypto.Signer;

/** PREPARE(h, r, hash): "this proposal is valid and I am free to vote for it". */
public record Prepare(long height, int round, Hash32 blockHash, PublicKey author, byte[] signature) implements ConsensusMessage {
  public Prepare {
    signature = signature.clone();
  }

  public static Prepare create(final Signer signer, final String chainId, final long height, final int round, final Hash32 blockHash) {
    return new Prepare(height, round, blockHash, signer.publicKey(), signer.sign(signedBytes(chainId, height, round, blockHash)));
  }

  static byte[] signedBytes(final String chainId, final long height, final int round, final Hash32 blockHash) {
    return SignedPart.start(MessageType.PREPARE, chainId, height, round).hash(blockHash).toByteArray();
  }

  public boolean hasValidSignature(final String chainId, final SignatureVerifier verifier) {
    return verifier.verify(author, signedBytes(chainId, height, round, blockHash), signature);
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof Prepare p && p.height == height && p.round == round && p.blockHash.equals(blockHash)
        && p.author.equals(author) && Arrays.equals(p.signature, signature);
  }

  @Override
  public int hashCode() {
    return blockHash.hashCode() * 31 + author.hashCode();
  }
}
