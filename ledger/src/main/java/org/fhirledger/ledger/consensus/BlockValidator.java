package org.fhirledger.ledger.consensus;

import org.fhirledger.ledger.chain.Block;

/**
 * Checks a proposed block's body against the node's state: transaction signatures and chain id, members as
 * origins, no transaction already on the chain, content chunks present and matching. The state machine
 * itself checks the header (height, parent, proposer, round) and the body roots.
 */
public interface BlockValidator {
  /** Null when the block is acceptable, otherwise the reason it is not. */
  String validate(Block block);
}
