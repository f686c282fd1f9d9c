package org.fhirledger.server.node;

import java.util.List;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.server.index.SearchIndex;
import ca.uhn.fhir.context.FhirContext;

/**
 * Rebuilds a node's search index from its chain: the index is a projection, so emptying it and replaying every
 * block gives the index the live node would have built. Used by {@code fhir-ledger reindex} on a stopped node.
 */
public final class IndexRebuild {
  private IndexRebuild() {}

  /** What was done: the tables emptied and the height indexed up to. */
  public record Result(List<String> tablesReset, long height) {}

  /** Rebuilds the index, then runs the reindex of the custom search parameters the chain defines to its end. */
  public static Result rebuild(final SearchIndex index, final LedgerStore store, final FhirContext fhir) {
    final List<String> reset = index.resetProjection();
    final NodeSearchParams searchParams = new NodeSearchParams(fhir, index, store);
    searchParams.reload();
    try (IndexingBlockListener indexer = new IndexingBlockListener(index, store, searchParams, "reindex")) {
      indexer.catchUp();
      indexer.reindexAll();
    }
    return new Result(reset, index.indexedHeight());
  }
}
