package org.fhirledger.ledger.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.Condition;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.DagReader;
import org.fhirledger.ledger.store.AppliedBlock;
import org.fhirledger.ledger.store.ContentTerms;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.ledger.store.TransactionOutcome;

/**
 * Applies a final block to the world state deterministically: every node computes the same outcomes from
 * the same parent state. A transaction commits all its changes or none. It is rejected, on every node alike
 * and with the reason recorded on the chain, when a precondition fails against the state left by the
 * transactions before it: a condition whose matches changed, a stale version, a create of an id that
 * exists, a delete of what is gone, and (when the transaction asks for referential integrity) a reference to
 * a resource that is not live or a delete of a resource that live resources still reference.
 *
 * <p>Every rejection starts with a stable code ({@link Rejection}) so that the writer can answer its client
 * precisely without parsing prose.
 */
public final class BlockExecutor {
  private final LedgerStore store;
  private final ContentTermExtractor extractor;

  public BlockExecutor(final LedgerStore store) {
    this(store, ContentTermExtractor.NONE);
  }

  public BlockExecutor(final LedgerStore store, final ContentTermExtractor extractor) {
    this.store = store;
    this.extractor = extractor;
  }

  /** The stable first word of a rejection reason. */
  public enum Rejection {
    DUPLICATE("duplicate"),
    /** Kept for outcomes recorded before membership changes were enabled ("unsupported: membership ..."). */
    UNSUPPORTED("unsupported"),
    CONDITION_CHANGED("condition-changed"),
    EXISTS("exists"),
    GONE("gone"),
    VERSION_CONFLICT("version-conflict"),
    REFERENCE_MISSING("reference-missing"),
    REFERENCED("referenced"),
    /** A membership change not signed by the genesis trusted manager. */
    UNAUTHORIZED("unauthorized"),
    /** A membership transaction that is not exactly one well-formed change. */
    MALFORMED("malformed"),
    /** An ADD_VALIDATOR of a key that is already a validator. */
    MEMBER_EXISTS("member-exists"),
    /** A REMOVE_VALIDATOR of a key that is not a validator. */
    NOT_A_MEMBER("not-a-member"),
    /** A REMOVE_VALIDATOR that would leave no validator. */
    LAST_VALIDATOR("last-validator"),
    /** A REMOVE_VALIDATOR of the trusted manager's own key. */
    MANAGER_STAYS("manager-stays");

    private final String code;

    Rejection(final String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }

    String because(final String detail) {
      return code + ": " + detail;
    }

    /** The code a recorded rejection starts with, if it is one of ours. */
    public static Optional<Rejection> of(final String rejection) {
      if (rejection != null) {
        for (final Rejection r : values()) {
          if (rejection.startsWith(r.code + ":")) {
            return Optional.of(r);
          }
        }
      }
      return Optional.empty();
    }
  }

  public AppliedBlock execute(final Block block, final CommitCertificate certificate) {
    final Map<ContentId, byte[]> blockChunks = new HashMap<>();
    for (final Chunk c : block.chunks()) {
      blockChunks.put(c.id(), c.dataUnsafe());
    }
    final ValidatorSet before = store.validatorsAt(block.height());
    ValidatorSet members = before;
    final StateOverlay blockState = new StateOverlay(store, null);
    final List<TransactionOutcome> outcomes = new ArrayList<>(block.transactions().size());
    final List<ResourceVersion> versions = new ArrayList<>();
    final Set<org.fhirledger.ledger.crypto.Hash32> seenInBlock = new HashSet<>();
    final List<Transaction> txs = block.transactions();
    for (int i = 0; i < txs.size(); i++) {
      final Transaction tx = txs.get(i);
      final StateOverlay txState = blockState.child();
      final List<ResourceVersion> written = new ArrayList<>(tx.changes().size());
      String rejection = seenInBlock.add(tx.hash())
          ? null
          : Rejection.DUPLICATE.because("transaction appears twice in the block");
      if (rejection == null && MembershipRules.isMembership(tx)) {
        // membership changes touch no resource: decided against the validators the transactions before left
        final MembershipRules.Decision d = decideMembership(tx, members, blockChunks);
        rejection = d.rejection();
        members = d.next();
      } else if (rejection == null) {
        rejection = stage(tx, block.height(), i, blockState, txState, blockChunks, written);
      }
      if (rejection != null) {
        outcomes.add(TransactionOutcome.rejected(tx.hash(), block.height(), i, rejection));
        continue;
      }
      txState.mergeIntoParent();
      versions.addAll(written);
      outcomes.add(TransactionOutcome.committed(tx.hash(), block.height(), i));
    }
    return new AppliedBlock(block, certificate, outcomes, versions, blockState.termUpdates(), members.equals(before) ? null : members);
  }

  private MembershipRules.Decision decideMembership(final Transaction tx, final ValidatorSet members, final Map<ContentId, byte[]> blockChunks) {
    if (store.outcome(tx.hash()).isPresent()) {
      return new MembershipRules.Decision(members, Rejection.DUPLICATE.because("transaction already on the chain"));
    }
    final org.fhirledger.ledger.crypto.PublicKey manager =
        store.genesis().orElseThrow(() -> new IllegalStateException("the store holds no genesis")).manager();
    return MembershipRules.decide(tx, members, manager, id -> Optional.ofNullable(blockChunks.get(id)).or(() -> store.chunk(id)));
  }

  /**
   * The resource versions a stored block wrote, rebuilt from its transactions and recorded outcomes. A membership
   * transaction writes no resource (it changes the validators), so it has none.
   */
  public static List<ResourceVersion> versionsOf(final Block block, final List<TransactionOutcome> outcomes) {
    final List<ResourceVersion> versions = new ArrayList<>();
    for (final TransactionOutcome o : outcomes) {
      final Transaction tx = block.transactions().get(o.txIndex());
      if (!o.committed() || MembershipRules.isMembership(tx)) {
        continue;
      }
      for (final ResourceChange c : tx.changes()) {
        versions.add(versionOf(c, tx, block.height(), o.txIndex()));
      }
    }
    return versions;
  }

  private static ResourceVersion versionOf(final ResourceChange c, final Transaction tx, final long height, final int index) {
    return new ResourceVersion(c.resourceType(), c.resourceId(), c.versionId(), c.operation(), c.content(), c.contentSize(),
        tx.timestamp(), height, index, tx.hash(), tx.origin());
  }

  /** Checks the transaction and stages its writes in txState; returns why it is rejected, or null. */
  private String stage(
      final Transaction tx,
      final long height,
      final int index,
      final StateOverlay before,
      final StateOverlay txState,
      final Map<ContentId, byte[]> blockChunks,
      final List<ResourceVersion> written) {
    if (store.outcome(tx.hash()).isPresent()) {
      return Rejection.DUPLICATE.because("transaction already on the chain");
    }
    for (final Condition c : tx.conditions()) {
      final TreeSet<String> matches = before.idsWithAllKeys(c.resourceType(), c.keys());
      if (!matches.equals(new TreeSet<>(c.expectedIds()))) {
        return Rejection.CONDITION_CHANGED.because(c.resourceType() + "?" + String.join("&", c.keys()) + " now matches "
            + describe(matches) + ", the writer expected " + describe(c.expectedIds()));
      }
    }
    final Set<String> touched = new HashSet<>();
    for (int i = 0; i < tx.changes().size(); i++) {
      final ResourceChange c = tx.changes().get(i);
      final String why = checkChange(c, txState, touched);
      if (why != null) {
        return why;
      }
      final ResourceVersion v = versionOf(c, tx, height, index);
      // Placed (large) content: its leaves are on 2f+1 holders, not on every node, so no node reads it here and
      // it has no condition keys or references, on every node alike (docs/protocol/large-content.md).
      final boolean placed = tx.placementOf(i).isPresent();
      txState.put(v, c.operation() == Operation.DELETE || placed ? ContentTerms.NONE : termsOf(c, blockChunks));
      written.add(v);
    }
    return tx.enforcesReferentialIntegrity() ? checkReferences(tx, txState) : null;
  }

  private String checkChange(final ResourceChange c, final StateOverlay state, final Set<String> touched) {
    final String name = StateOverlay.key(c.resourceType(), c.resourceId());
    if (!touched.add(name)) {
      return Rejection.DUPLICATE.because("two changes to " + name + " in one transaction");
    }
    final Optional<ResourceVersion> head = state.head(c.resourceType(), c.resourceId());
    final long current = head.map(ResourceVersion::versionId).orElse(0L);
    final boolean deleted = head.map(ResourceVersion::deleted).orElse(true);
    if (c.operation() == Operation.CREATE && head.isPresent()) {
      return Rejection.EXISTS.because(name + " already exists");
    }
    if (c.operation() == Operation.DELETE && deleted) {
      return Rejection.GONE.because(name + " is not there to delete");
    }
    if (c.expectedPrevious() != current || c.versionId() != current + 1) {
      return Rejection.VERSION_CONFLICT.because("version conflict on " + name + ": current version is " + current
          + ", the write expected " + c.expectedPrevious());
    }
    return null;
  }

  /** After all the transaction's changes: what it writes points at live resources, what it deletes is unreferenced. */
  private static String checkReferences(final Transaction tx, final StateOverlay txState) {
    for (final ResourceChange c : tx.changes()) {
      final String name = StateOverlay.key(c.resourceType(), c.resourceId());
      if (c.operation() == Operation.DELETE) {
        final TreeSet<String> referrers = txState.referrers(c.resourceType(), c.resourceId());
        if (!referrers.isEmpty()) {
          return Rejection.REFERENCED.because(name + " is referenced by " + describe(referrers));
        }
        continue;
      }
      for (final String target : txState.terms(c.resourceType(), c.resourceId()).references()) {
        final int slash = target.indexOf('/');
        if (!txState.isLive(target.substring(0, slash), target.substring(slash + 1))) {
          return Rejection.REFERENCE_MISSING.because(name + " references " + target + ", which does not exist");
        }
      }
    }
    return null;
  }

  private ContentTerms termsOf(final ResourceChange c, final Map<ContentId, byte[]> blockChunks) {
    // the block validator has already checked that every chunk is here, in the block or the store
    final byte[] content = DagReader.read(c.content(), id -> {
      final byte[] inBlock = blockChunks.get(id);
      return inBlock != null ? Optional.of(inBlock) : store.chunk(id);
    });
    try {
      return extractor.extract(c.resourceType(), content);
    } catch (final RuntimeException e) {
      // content the application cannot understand has no terms, on every node alike
      return ContentTerms.NONE;
    }
  }

  private static String describe(final java.util.Collection<String> ids) {
    if (ids.isEmpty()) {
      return "nothing";
    }
    return ids.size() <= 5 ? String.join(", ", ids) : String.join(", ", List.copyOf(ids).subList(0, 5)) + " and " + (ids.size() - 5) + " more";
  }
}
