package org.fhirledger.ledger.consensus.messages;

import java.util.Arrays;
import org.fhirledger.ledger.chain.CommitSeal;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.crypto.Signer;

/**
 * COMMIT(h, r, hash, seal): sent after a quorum of prepares, by a validator now locked on the block. The
 * seal signs (chain, h, hash) only, so seals from different rounds make one commit certificate.
 */
public record Commit(long height, int round, Hash32 blockHash, CommitSeal seal, PublicKey author, byte[] signature) implements ConsensusMessage {
  public Commit {
    signature = signature.clone();
  }

  public static Commit create(final Signer signer, final String chainId, final long height, final int round, final Hash32 blockHash) {
    final CommitSeal seal = CommitSeal.create(signer, chainId, height, blockHash);
    return new Commit(height, round, blockHash, seal, signer.publicKey(), signer.sign(signedBytes(chainId, height, round, blockHash)));
  }

  static byte[] signedBytes(final String chainId, final long height, final int round, final Hash32 blockHash) {
    return SignedPart.start(MessageType.COMMIT, chainId, height, round).hash(blockHash).toByteArray();
  }

  /** Both signatures valid and the seal is the author's. */
  public boolean hasValidSignature(final String chainId, final SignatureVerifier verifier) {
    return seal.validator().equals(author)
        && verifier.verify(author, signedBytes(chainId, height, round, blockHash), signature)
        && verifier.verify(author, CommitSeal.signedBytes(chainId, height, blockHash), seal.signature());
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof Commit c && c.height == height && c.round == round && c.blockHash.equals(blockHash)
        && c.author.equals(author) && Arrays.equals(c.signature, signature);
  }

  @Override
  public int hashCode() {
    return blockHash.hashCode() * 31 + author.hashCode();
  }
}
