package org.fhirledger.ledger.node;

import org.fhirledger.ledger.store.AppliedBlock;

/**
 * Told of every block after it is stored, in height order, on the node's event thread (e.g. the search
 * index). It must be idempotent by height: the same block may be offered again after a restart.
 */
public interface BlockListener {
  void onBlockApplied(AppliedBlock block);
}
