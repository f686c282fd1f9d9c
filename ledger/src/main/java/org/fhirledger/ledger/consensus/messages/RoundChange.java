package org.fhirledger.ledger.consensus.messages;

import java.util.Arrays;
import java.util.List;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.crypto.Signer;

/**
 * ROUND-CHANGE(h, r): "I give up on the rounds before r". It carries the sender's prepared block (the one it
 * saw a quorum of PREPAREs for, at preparedRound) with those PREPAREs, so the next proposer re-proposes it.
 */
public record RoundChange(
    long height, int round, int preparedRound, Block preparedBlock, List<Prepare> preparedCertificate, PublicKey author, byte[] signature)
    implements ConsensusMessage {
  public RoundChange {
    preparedCertificate = List.copyOf(preparedCertificate);
    signature = signature.clone();
    if ((preparedBlock == null) != (preparedRound < 0)) {
      throw new IllegalArgumentException("a prepared block comes with its prepared round and only then");
    }
  }

  public static RoundChange create(
      final Signer signer, final String chainId, final long height, final int round, final int preparedRound, final Block preparedBlock,
      final List<Prepare> preparedCertificate) {
    return new RoundChange(height, round, preparedRound, preparedBlock, preparedCertificate, signer.publicKey(),
        signer.sign(signedBytes(chainId, height, round, preparedRound, preparedBlock)));
  }

  static byte[] signedBytes(final String chainId, final long height, final int round, final int preparedRound, final Block preparedBlock) {
    return SignedPart.start(MessageType.ROUND_CHANGE, chainId, height, round).i32(preparedRound)
        .hash(preparedBlock == null ? Hash32.ZERO : preparedBlock.hash()).toByteArray();
  }

  public boolean hasValidSignature(final String chainId, final SignatureVerifier verifier) {
    return verifier.verify(author, signedBytes(chainId, height, round, preparedRound, preparedBlock), signature);
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof RoundChange c && c.height == height && c.round == round && c.preparedRound == preparedRound
        && c.author.equals(author) && Arrays.equals(c.signature, signature);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(height) * 31 + round * 17 + author.hashCode();
  }
}
