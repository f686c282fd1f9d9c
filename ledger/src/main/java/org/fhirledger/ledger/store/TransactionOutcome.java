package org.fhirledger.ledger.store;

import org.fhirledger.ledger.crypto.Hash32;

/**
 * What applying a transaction did: committed, or rejected with a reason that every node computed the same
 * way (a stale version, a create of an existing id). Both are final and on the chain.
 */
public record TransactionOutcome(Hash32 txHash, long height, int txIndex, boolean committed, String rejection) {
  public static TransactionOutcome committed(final Hash32 tx, final long height, final int index) {
    return new TransactionOutcome(tx, height, index, true, null);
  }

  public static TransactionOutcome rejected(final Hash32 tx, final long height, final int index, final String why) {
    return new TransactionOutcome(tx, height, index, false, why);
  }
}
