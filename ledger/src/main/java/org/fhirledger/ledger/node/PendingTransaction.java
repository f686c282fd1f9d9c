package org.fhirledger.ledger.node;

import java.util.List;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.Transaction;

/** A transaction waiting for a block, with the content chunks it writes. */
public record PendingTransaction(Transaction transaction, List<Chunk> chunks) {
  public PendingTransaction {
    chunks = List.copyOf(chunks);
  }

  public long sizeBytes() {
    long n = 200L * transaction.changes().size();
    for (final Chunk c : chunks) {
      n += c.size() + 40;
    }
    return n;
  }
}
