package org.fhirledger.ledger.consensus.messages;

import java.util.Arrays;
import java.util.List;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.crypto.Signer;

/**
 * PROPOSE(h, r, block, validRound, justification) from proposer(h, r). A re-proposed block (validRound >= 0)
 * carries the quorum of PREPAREs from validRound that lets locked validators change their lock.
 */
public record Proposal(long height, int round, Block block, int validRound, List<Prepare> justification, PublicKey author, byte[] signature)
    implements ConsensusMessage {
  public Proposal {
    justification = List.copyOf(justification);
    signature = signature.clone();
  }

  public static Proposal create(
      final Signer signer, final String chainId, final long height, final int round, final Block block, final int validRound,
      final List<Prepare> justification) {
    return new Proposal(height, round, block, validRound, justification, signer.publicKey(),
        signer.sign(signedBytes(chainId, height, round, block, validRound)));
  }

  static byte[] signedBytes(final String chainId, final long height, final int round, final Block block, final int validRound) {
    return SignedPart.start(MessageType.PROPOSAL, chainId, height, round).hash(block.hash()).i32(validRound).toByteArray();
  }

  public boolean hasValidSignature(final String chainId, final SignatureVerifier verifier) {
    return verifier.verify(author, signedBytes(chainId, height, round, block, validRound), signature);
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof Proposal p && p.height == height && p.round == round && p.block.equals(block)
        && p.validRound == validRound && p.author.equals(author) && Arrays.equals(p.signature, signature);
  }

  @Override
  public int hashCode() {
    return block.hashCode() * 31 + author.hashCode();
  }
}
