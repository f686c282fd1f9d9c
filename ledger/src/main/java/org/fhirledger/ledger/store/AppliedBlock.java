package org.fhirledger.ledger.store;

import java.util.List;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.CommitCertificate;

/**
 * Everything one final block changes in a node's store, written in one atomic batch: the block and its
 * certificate, the outcome of each transaction, the new resource versions (world state) and the chunks.
 */
public record AppliedBlock(Block block, CommitCertificate certificate, List<TransactionOutcome> outcomes, List<ResourceVersion> versions) {
  public AppliedBlock {
    outcomes = List.copyOf(outcomes);
    versions = List.copyOf(versions);
  }
}
