package org.fhirledger.ledger.node;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.consensus.BlockValidator;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.DagReader;
import org.fhirledger.ledger.store.LedgerStore;

/**
 * What a validator checks in a proposed block's body before it prepares it: every transaction is for this
 * chain, from a member, correctly signed, not already on the chain and not twice in the block, and every
 * content it writes is present and verifies (from the block's chunks or this node's store).
 */
final class LedgerBlockValidator implements BlockValidator {
  private final String chainId;
  private final ValidatorSet members;
  private final LedgerStore store;
  private final SignatureVerifier verifier;
  private final Predicate<Transaction> alreadyVerified;

  LedgerBlockValidator(
      final String chainId,
      final ValidatorSet members,
      final LedgerStore store,
      final SignatureVerifier verifier,
      final Predicate<Transaction> alreadyVerified) {
    this.chainId = chainId;
    this.members = members;
    this.store = store;
    this.verifier = verifier;
    this.alreadyVerified = alreadyVerified;
  }

  @Override
  public String validate(final Block block) {
    final Map<ContentId, byte[]> carried = new HashMap<>();
    for (final Chunk c : block.chunks()) {
      carried.put(c.id(), c.dataUnsafe());
    }
    final Set<Hash32> seen = new HashSet<>();
    for (final Transaction tx : block.transactions()) {
      final String why = checkTransaction(tx);
      if (why != null) {
        return why;
      }
      if (!seen.add(tx.hash())) {
        return "transaction " + tx.hash().toShortHex() + " is twice in the block";
      }
      if (store.outcome(tx.hash()).isPresent()) {
        return "transaction " + tx.hash().toShortHex() + " is already on the chain";
      }
      for (final ResourceChange change : tx.changes()) {
        if (change.content() != null && !contentAvailable(change.content(), carried)) {
          return "content " + change.content() + " of " + change.resourceType() + "/" + change.resourceId() + " is missing";
        }
      }
    }
    return null;
  }

  /** The checks that need no state, skipping the signature of a transaction the mempool already verified. */
  String checkTransaction(final Transaction tx) {
    return alreadyVerified.test(tx) ? checkChainAndOrigin(tx) : checkSignedTransaction(tx);
  }

  /**
   * Chain, origin and signature: no state, so any thread may call it (the node checks gossip on the transport's
   * threads before the event thread sees it).
   */
  String checkSignedTransaction(final Transaction tx) {
    final String why = checkChainAndOrigin(tx);
    if (why != null) {
      return why;
    }
    return tx.hasValidSignature(verifier) ? null : "bad signature on transaction " + tx.hash().toShortHex();
  }

  private String checkChainAndOrigin(final Transaction tx) {
    if (!chainId.equals(tx.chainId())) {
      return "transaction for another chain";
    }
    if (!members.contains(tx.origin())) {
      return "transaction origin " + tx.origin() + " is not a member";
    }
    return null;
  }

  private boolean contentAvailable(final ContentId root, final Map<ContentId, byte[]> carried) {
    try {
      DagReader.read(root, id -> carried.containsKey(id) ? Optional.of(carried.get(id)) : store.chunk(id));
      return true;
    } catch (final RuntimeException e) {
      return false;
    }
  }
}
