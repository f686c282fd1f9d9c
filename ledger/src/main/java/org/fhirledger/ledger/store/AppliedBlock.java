package org.fhirledger.ledger.store;

import java.util.List;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.ValidatorSet;

/**
 * Everything one final block changes in a node's store, written in one atomic batch: the block and its
 * certificate, the outcome of each transaction, the new resource versions (world state), the terms
 * (condition keys and references) of every resource the block touched, the chunks, and, when the block's
 * membership transactions changed the validators, the set in force from the next height ({@code null}: unchanged).
 */
public record AppliedBlock(
    Block block, CommitCertificate certificate, List<TransactionOutcome> outcomes, List<ResourceVersion> versions, List<TermUpdate> terms,
    ValidatorSet nextValidators) {
  public AppliedBlock {
    outcomes = List.copyOf(outcomes);
    versions = List.copyOf(versions);
    terms = List.copyOf(terms);
  }

  /** A block that leaves the validators as they were. */
  public AppliedBlock(final Block block, final CommitCertificate certificate, final List<TransactionOutcome> outcomes,
      final List<ResourceVersion> versions, final List<TermUpdate> terms) {
    this(block, certificate, outcomes, versions, terms, null);
  }

  /** A block whose resources carry no terms (tests, and chains whose application indexes nothing). */
  public AppliedBlock(final Block block, final CommitCertificate certificate, final List<TransactionOutcome> outcomes, final List<ResourceVersion> versions) {
    this(block, certificate, outcomes, versions, List.of());
  }
}
