package org.fhirledger.ledger.consensus;

import java.util.Optional;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.crypto.Hash32;

/** Builds the block this node proposes when it is proposer(h, r): pending transactions, taken fairly by origin. */
public interface BlockSource {
  /** Empty when there is nothing to propose; the state machine asks again on the next TransactionsPending. */
  Optional<Block> createBlock(long height, int round, Hash32 parentHash);
}
