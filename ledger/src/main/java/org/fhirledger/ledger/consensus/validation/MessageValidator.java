package org.fhirledger.ledger.consensus.validation;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.consensus.messages.Commit;
import org.fhirledger.ledger.consensus.messages.ConsensusMessage;
import org.fhirledger.ledger.consensus.messages.Prepare;
import org.fhirledger.ledger.consensus.messages.Proposal;
import org.fhirledger.ledger.consensus.messages.RoundChange;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.SignatureVerifier;

/**
 * Checks what a message claims that can be checked without the round state: membership, signatures, the
 * proposer rotation, and that the PREPARE certificates carried by proposals and round changes really are a
 * quorum for the block they name. Kept apart from the state machine, as Besu keeps its validators.
 */
public final class MessageValidator {
  private final String chainId;
  private final SignatureVerifier verifier;

  public MessageValidator(final String chainId, final SignatureVerifier verifier) {
    this.chainId = chainId;
    this.verifier = verifier;
  }

  /** Null when the message is acceptable as far as it alone goes, else why not. */
  public String check(final ConsensusMessage message, final ValidatorSet validators) {
    if (!validators.contains(message.author())) {
      return "author " + message.author() + " is not a validator at height " + message.height();
    }
    if (message instanceof Prepare p) {
      return p.hasValidSignature(chainId, verifier) ? null : "bad PREPARE signature";
    }
    if (message instanceof Commit c) {
      return c.hasValidSignature(chainId, verifier) ? null : "bad COMMIT signature or seal";
    }
    if (message instanceof Proposal p) {
      return checkProposal(p, validators);
    }
    if (message instanceof RoundChange rc) {
      return checkRoundChange(rc, validators);
    }
    return "unknown message";
  }

  /**
   * Only the message's own signature (and a COMMIT's seal), whoever the validators are: stateless, so a transport
   * thread may run it before the message is queued for the state machine, whose {@link #check} checks it again
   * (cheaply when the verifier remembers, see {@code RememberingVerifier}) with everything that needs the round
   * state. A message failing here would fail there at any height, so it may be dropped at once. The PREPAREs of
   * a certificate are left to {@link #check}: they usually arrived, and were verified, as PREPAREs of their own.
   * Null when the signatures verify, else why not.
   */
  public String checkSignatures(final ConsensusMessage message) {
    final boolean valid;
    if (message instanceof Prepare p) {
      valid = p.hasValidSignature(chainId, verifier);
    } else if (message instanceof Commit c) {
      valid = c.hasValidSignature(chainId, verifier);
    } else if (message instanceof Proposal p) {
      valid = p.hasValidSignature(chainId, verifier);
    } else if (message instanceof RoundChange rc) {
      valid = rc.hasValidSignature(chainId, verifier);
    } else {
      return "unknown message";
    }
    return valid ? null : "bad " + message.getClass().getSimpleName() + " signature";
  }

  private String checkProposal(final Proposal p, final ValidatorSet validators) {
    if (!validators.proposer(p.height(), p.round()).equals(p.author())) {
      return "PROPOSAL for round " + p.round() + " from " + p.author() + ", who is not its proposer";
    }
    if (!p.hasValidSignature(chainId, verifier)) {
      return "bad PROPOSAL signature";
    }
    final Block b = p.block();
    if (b.height() != p.height() || !chainId.equals(b.header().chainId()) || b.header().round() > p.round()) {
      return "proposed block header does not fit the proposal";
    }
    if (p.validRound() < 0) {
      if (b.header().round() != p.round() || !b.header().proposer().equals(p.author())) {
        return "a new block must be built by the proposer of this round";
      }
      return null;
    }
    if (p.validRound() >= p.round()) {
      return "validRound must be below the proposal's round";
    }
    return isQuorumOfPrepares(p.justification(), p.height(), p.validRound(), b.hash(), validators)
        ? null : "re-proposal without a quorum of PREPAREs from its valid round";
  }

  private String checkRoundChange(final RoundChange rc, final ValidatorSet validators) {
    if (!rc.hasValidSignature(chainId, verifier)) {
      return "bad ROUND-CHANGE signature";
    }
    if (rc.preparedBlock() == null) {
      return null;
    }
    if (rc.preparedRound() >= rc.round() || rc.preparedBlock().height() != rc.height()) {
      return "prepared round or block does not fit the round change";
    }
    return isQuorumOfPrepares(rc.preparedCertificate(), rc.height(), rc.preparedRound(), rc.preparedBlock().hash(), validators)
        ? null : "prepared block without a quorum of PREPAREs";
  }

  /** A quorum of distinct validators' valid PREPAREs, all for (height, round, hash). */
  public boolean isQuorumOfPrepares(
      final List<Prepare> prepares, final long height, final int round, final Hash32 hash, final ValidatorSet validators) {
    final Set<PublicKey> authors = new HashSet<>();
    for (final Prepare p : prepares) {
      if (p.height() != height || p.round() != round || !p.blockHash().equals(hash)) {
        return false;
      }
      if (!validators.contains(p.author()) || !authors.add(p.author()) || !p.hasValidSignature(chainId, verifier)) {
        return false;
      }
    }
    return authors.size() >= validators.quorum();
  }
}
