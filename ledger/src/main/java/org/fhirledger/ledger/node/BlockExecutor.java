package org.fhirledger.ledger.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.store.AppliedBlock;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.ledger.store.TransactionOutcome;

/**
 * Applies a final block to the world state deterministically: every node computes the same outcomes from
 * the same parent state. A transaction commits all its changes or none; a precondition that fails (a stale
 * version, a create of an id that exists, a delete of what is gone) rejects it on every node alike, and the
 * rejection is recorded on the chain.
 */
public final class BlockExecutor {
  private final LedgerStore store;

  public BlockExecutor(final LedgerStore store) {
    this.store = store;
  }

  public AppliedBlock execute(final Block block, final CommitCertificate certificate) {
    final Map<String, ResourceVersion> written = new HashMap<>();
    final List<TransactionOutcome> outcomes = new ArrayList<>(block.transactions().size());
    final List<ResourceVersion> versions = new ArrayList<>();
    final List<Transaction> txs = block.transactions();
    for (int i = 0; i < txs.size(); i++) {
      final Transaction tx = txs.get(i);
      final String rejection = precondition(tx, written);
      if (rejection != null) {
        outcomes.add(TransactionOutcome.rejected(tx.hash(), block.height(), i, rejection));
        continue;
      }
      for (final ResourceChange c : tx.changes()) {
        final ResourceVersion v = new ResourceVersion(
            c.resourceType(), c.resourceId(), c.versionId(), c.operation(), c.content(), c.contentSize(),
            tx.timestamp(), block.height(), i, tx.hash(), tx.origin());
        written.put(key(c), v);
        versions.add(v);
      }
      outcomes.add(TransactionOutcome.committed(tx.hash(), block.height(), i));
    }
    return new AppliedBlock(block, certificate, outcomes, versions);
  }

  /** The resource versions a stored block wrote, rebuilt from its transactions and recorded outcomes. */
  public static List<ResourceVersion> versionsOf(final Block block, final List<TransactionOutcome> outcomes) {
    final List<ResourceVersion> versions = new ArrayList<>();
    for (final TransactionOutcome o : outcomes) {
      if (!o.committed()) {
        continue;
      }
      final Transaction tx = block.transactions().get(o.txIndex());
      for (final ResourceChange c : tx.changes()) {
        versions.add(new ResourceVersion(
            c.resourceType(), c.resourceId(), c.versionId(), c.operation(), c.content(), c.contentSize(),
            tx.timestamp(), block.height(), o.txIndex(), tx.hash(), tx.origin()));
      }
    }
    return versions;
  }

  private String precondition(final Transaction tx, final Map<String, ResourceVersion> written) {
    if (store.outcome(tx.hash()).isPresent()) {
      return "transaction already on the chain";
    }
    final Map<String, ResourceVersion> local = new HashMap<>();
    for (final ResourceChange c : tx.changes()) {
      if (c.operation() == Operation.ADD_VALIDATOR || c.operation() == Operation.REMOVE_VALIDATOR) {
        return "membership changes are not enabled on this network yet";
      }
      final String k = key(c);
      if (local.containsKey(k)) {
        return "two changes to " + c.resourceType() + "/" + c.resourceId() + " in one transaction";
      }
      final Optional<ResourceVersion> head = written.containsKey(k)
          ? Optional.of(written.get(k))
          : store.head(c.resourceType(), c.resourceId());
      final long current = head.map(ResourceVersion::versionId).orElse(0L);
      final boolean deleted = head.map(ResourceVersion::deleted).orElse(true);
      final String why = switch (c.operation()) {
        case CREATE -> head.isPresent() ? c.resourceType() + "/" + c.resourceId() + " already exists" : null;
        case UPDATE -> null;
        case DELETE -> deleted ? c.resourceType() + "/" + c.resourceId() + " is not there to delete" : null;
        default -> "unsupported operation";
      };
      if (why != null) {
        return why;
      }
      if (c.expectedPrevious() != current || c.versionId() != current + 1) {
        return "version conflict on " + c.resourceType() + "/" + c.resourceId() + ": current version is " + current
            + ", the write expected " + c.expectedPrevious();
      }
      local.put(k, null);
    }
    return null;
  }

  private static String key(final ResourceChange c) {
    return c.resourceType() + "/" + c.resourceId();
  }
}
