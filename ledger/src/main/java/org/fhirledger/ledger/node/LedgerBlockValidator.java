package org.fhirledger.ledger.node;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.ContentPlacement;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.consensus.BlockValidator;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.DagReader;
import org.fhirledger.ledger.kademlia.ContentAssignment;
import org.fhirledger.ledger.store.LedgerStore;

/**
 * What a validator checks in a proposed block's body before it prepares it: every transaction is for this
 * chain, from a validator of the block's height (or from the trusted manager), correctly signed, not already
 * on the chain and not twice in the block, and every content it writes is present and verifies (from the
 * block's chunks or this node's store). The validators come from the store's history, height by height.
 */
final class LedgerBlockValidator implements BlockValidator {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LedgerBlockValidator.class);
  private final String chainId;
  private final PublicKey manager;
  private final LedgerStore store;
  private final SignatureVerifier verifier;
  private final Predicate<Transaction> alreadyVerified;
  private final long largeContentThreshold;
  /**
   * Transactions whose receipts verified, with the validator set they verified against. Checking the receipts
   * of 50 MiB costs ~2,800 Ed25519 verifications (1-4 s on a loaded machine): each transaction is checked once,
   * on the transport's or the writer's thread when it arrives ({@link #precheckPlacements}), so the event thread
   * only finds it here, and a block proposed again in a later round is not checked again.
   */
  private final Map<Hash32, ValidatorSet> verifiedPlacements = new java.util.concurrent.ConcurrentHashMap<>();
  static final int MAX_VERIFIED_PLACEMENTS = 10_000;

  LedgerBlockValidator(
      final String chainId,
      final PublicKey manager,
      final LedgerStore store,
      final SignatureVerifier verifier,
      final Predicate<Transaction> alreadyVerified) {
    this(chainId, manager, store, verifier, alreadyVerified, Genesis.DEFAULT_LARGE_CONTENT_THRESHOLD);
  }

  LedgerBlockValidator(
      final String chainId,
      final PublicKey manager,
      final LedgerStore store,
      final SignatureVerifier verifier,
      final Predicate<Transaction> alreadyVerified,
      final long largeContentThreshold) {
    this.largeContentThreshold = largeContentThreshold;
    this.chainId = chainId;
    this.manager = manager;
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
    final ValidatorSet members = store.validatorsAt(block.height());
    for (final Transaction tx : block.transactions()) {
      final String why = alreadyVerified.test(tx) ? checkChainAndOrigin(tx, members) : checkSignedTransaction(tx, members);
      if (why != null) {
        return why;
      }
      if (!seen.add(tx.hash())) {
        return "transaction " + tx.hash().toShortHex() + " is twice in the block";
      }
      if (store.outcome(tx.hash()).isPresent()) {
        return "transaction " + tx.hash().toShortHex() + " is already on the chain";
      }
      final String content = checkContent(tx, members, carried);
      if (content != null) {
        return content;
      }
    }
    return null;
  }

  /**
   * Small content must be whole here (in the block or the store). Large content (over the chain's threshold)
   * must be placed: its interior DAG nodes here, and a valid receipt from each of the r assigned holders of each
   * leaf, the assignment recomputed from the validators of the block's height. A validity rule rather than an
   * execution outcome, so no final block ever points at content nobody holds.
   */
  String checkContent(final Transaction tx, final ValidatorSet members, final Map<ContentId, byte[]> carried) {
    for (int i = 0; i < tx.changes().size(); i++) {
      final ResourceChange change = tx.changes().get(i);
      if (change.content() == null) {
        continue;
      }
      final String name = change.resourceType() + "/" + change.resourceId();
      final Optional<ContentPlacement> placement = tx.placementOf(i);
      final boolean large = change.contentSize() > largeContentThreshold;
      if (large != placement.isPresent()) {
        return large ? "content of " + name + " is over the large-content threshold and has no placement receipts"
            : "content of " + name + " is not large but carries placement receipts";
      }
      if (!large) {
        if (!contentAvailable(change.content(), carried)) {
          return "content " + change.content() + " of " + name + " is missing";
        }
        continue;
      }
      final List<ContentId> leaves;
      try {
        leaves = DagReader.leafIds(change.content(), change.contentSize(),
            id -> carried.containsKey(id) ? Optional.of(carried.get(id)) : store.chunk(id));
      } catch (final RuntimeException e) {
        return "interior nodes of the placed content of " + name + " are missing or corrupt: " + e.getMessage();
      }
      if (members.equals(verifiedPlacements.get(tx.hash()))) {
        continue;
      }
      final long start = System.nanoTime();
      final String receipts = new ContentAssignment(members).check(leaves, placement.get(), verifier);
      LOG.debug("placement checked resource={} leaves={} ms={} problem={}", name, leaves.size(), (System.nanoTime() - start) / 1_000_000,
          receipts);
      if (receipts != null) {
        return "placement of " + name + ": " + receipts;
      }
    }
    if (!tx.placements().isEmpty()) {
      if (verifiedPlacements.size() >= MAX_VERIFIED_PLACEMENTS) {
        verifiedPlacements.clear();
      }
      verifiedPlacements.put(tx.hash(), members);
    }
    return null;
  }

  /**
   * Checks a transaction's placements against the validators of the next height, off the event thread (any
   * thread may call it: it reads the store's immutable snapshots), so that validating a block that carries it
   * later costs a lookup. Null when it has none or they verify, else why not.
   */
  String precheckPlacements(final Transaction tx, final java.util.List<Chunk> chunks) {
    if (tx.placements().isEmpty()) {
      return null;
    }
    final Map<ContentId, byte[]> carried = new HashMap<>();
    chunks.forEach(c -> carried.put(c.id(), c.dataUnsafe()));
    return checkContent(tx, store.validatorsAt(store.height() + 1), carried);
  }

  /**
   * Chain, origin (a validator of the next height, or the manager) and signature: reads only the store's
   * immutable validator snapshot, so any thread may call it (the node checks gossip on the transport's threads
   * before the event thread sees it).
   */
  String checkSignedTransaction(final Transaction tx) {
    return checkSignedTransaction(tx, store.validatorsAt(store.height() + 1));
  }

  private String checkSignedTransaction(final Transaction tx, final ValidatorSet members) {
    final String why = checkChainAndOrigin(tx, members);
    if (why != null) {
      return why;
    }
    return tx.hasValidSignature(verifier) ? null : "bad signature on transaction " + tx.hash().toShortHex();
  }

  /**
   * Verifies the signatures of the block's transactions, deciding nothing: with a remembering verifier, a later
   * {@link #validate} of the block on the event thread finds them verified. Any thread.
   */
  void verifyAhead(final Block block) {
    for (final Transaction tx : block.transactions()) {
      tx.hasValidSignature(verifier);
    }
  }

  /** A validator of the height or the trusted manager (who need not be a validator) may originate transactions. */
  boolean mayOriginate(final PublicKey origin, final ValidatorSet members) {
    return members.contains(origin) || manager.equals(origin);
  }

  private String checkChainAndOrigin(final Transaction tx, final ValidatorSet members) {
    if (!chainId.equals(tx.chainId())) {
      return "transaction for another chain";
    }
    if (!mayOriginate(tx.origin(), members)) {
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
