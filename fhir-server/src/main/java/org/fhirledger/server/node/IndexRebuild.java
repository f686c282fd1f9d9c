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

  /** What this node has: block chunks and, on a RocksDB store, the leaves it holds for the DHT (no fetching offline). */
  private static LedgerContent localContent(final LedgerStore store) {
    if (store instanceof org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore rocks) {
      return new LedgerContent(new org.fhirledger.ledger.store.rocksdb.RocksDbLocalChunks(rocks)::get, null);
    }
    return new LedgerContent(store::chunk, null);
  }

  /** Rebuilds the index, then runs the reindex of the custom search parameters the chain defines to its end. */
  public static Result rebuild(final SearchIndex index, final LedgerStore store, final FhirContext fhir) {
    final List<String> reset = index.resetProjection();
    final LedgerContent content = localContent(store);
    final NodeSearchParams searchParams = new NodeSearchParams(fhir, index, store, content);
    searchParams.reload();
    try (IndexingBlockListener indexer = new IndexingBlockListener(index, store, content, searchParams, "reindex")) {
      indexer.catchUp();
      indexer.reindexAll();
    }
    return new Result(reset, index.indexedHeight());
  }
}
