package org.fhirledger.server.node;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.DagException;
import org.fhirledger.ledger.node.BlockExecutor;
import org.fhirledger.ledger.node.BlockListener;
import org.fhirledger.ledger.store.AppliedBlock;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.IndexedParam;
import org.fhirledger.server.index.SearchIndex;
import org.fhirledger.server.config.FhirContexts;
import org.hl7.fhir.r4.model.Resource;

/**
 * Keeps the PostgreSQL search index a projection of the chain: each applied block is indexed in one SQL
 * transaction that also records its height, and on start the index replays whatever blocks it missed.
 *
 * <p>Indexing runs on its own thread, behind the ledger: parsing every resource and evaluating its search
 * parameters must not slow the consensus thread that calls {@link #onBlockApplied}. That call only wakes the
 * indexer, which reads what it has not indexed yet from the ledger store, block by block (so a burst of blocks
 * costs one wake-up, and a failure is retried at the next block). Searches wait for the height the ledger had
 * when they started ({@code SearchIndex.awaitIndexed}), so a client still reads its own writes.
 */
final class IndexingBlockListener implements BlockListener, AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IndexingBlockListener.class);

  private final SearchIndex index;
  private final LedgerStore store;
  private final LedgerContent content;
  private final NodeSearchParams searchParams;
  private final java.util.concurrent.ExecutorService worker;
  private final java.util.concurrent.atomic.AtomicBoolean wakeUpQueued = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicBoolean reindexQueued = new java.util.concurrent.atomic.AtomicBoolean();

  IndexingBlockListener(final SearchIndex index, final LedgerStore store, final LedgerContent content,
      final NodeSearchParams searchParams, final String nodeName) {
    this.index = index;
    this.store = store;
    this.content = content;
    this.searchParams = searchParams;
    this.worker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
      final Thread t = new Thread(r, "indexer-" + nodeName);
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void onBlockApplied(final AppliedBlock block) {
    if (wakeUpQueued.compareAndSet(false, true)) {
      worker.execute(() -> {
        wakeUpQueued.set(false);
        try {
          catchUp();
        } catch (final RuntimeException e) {
          // the next block wakes the indexer again and it resumes from its watermark
          LOG.error("indexing failed; will retry at the next block indexedHeight={}", index.indexedHeight(), e);
        }
        scheduleReindex();
      });
    }
  }

  /**
   * Queues one reindex batch of a custom search parameter behind whatever the indexer has queued, and the next one
   * after it: blocks woken meanwhile run between two batches, so a long reindex never holds the live index back by
   * more than one batch.
   */
  void scheduleReindex() {
    if (worker.isShutdown() || !searchParams.reindexPending() || !reindexQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      worker.execute(() -> {
        reindexQueued.set(false);
        try {
          if (searchParams.reindexStep()) {
            scheduleReindex();
          }
        } catch (final RuntimeException e) {
          // the batch rolled back; the next block schedules it again
          LOG.error("reindex batch failed; will retry at the next block", e);
        }
      });
    } catch (final java.util.concurrent.RejectedExecutionException e) {
      // the node is closing; the job resumes from its cursor at the next start
      reindexQueued.set(false);
    }
  }

  /** Runs every pending reindex job to its end on the calling thread (a rebuild of a stopped node). */
  void reindexAll() {
    while (searchParams.reindexStep()) {
      LOG.debug("reindex batch done");
    }
  }

  @Override
  public void close() {
    worker.shutdown();
    try {
      if (!worker.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
        worker.shutdownNow();
      }
    } catch (final InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The search parameter values of a live version, from its content (placed large content is fetched from its
   * holders). Content that cannot be read (every holder of a leaf gone) is indexed without parameters rather than
   * stopping the index at this block; a read of it answers the error.
   */
  private List<IndexedParam> paramsOf(final IndexedVersion v) {
    if ("Binary".equals(v.resourceType()) && isLarge(v)) {
      // A Binary has no search parameters of its own, only meta's (_tag, _profile, _security, _source): a large one
      // is not fetched and parsed (tens of MiB on every node) for those; _id and _lastUpdated come from its version row.
      return List.of();
    }
    final byte[] json;
    try {
      json = content.read(ContentId.parse(v.contentId()));
    } catch (final DagException e) {
      LOG.warn("content not readable, indexed without search parameters resource={}/{} content={} reason={}", v.resourceType(),
          v.resourceId(), v.contentId(), e.getMessage());
      return List.of();
    }
    return searchParams.extractor().extract(parse(json));
  }

  /** The resource of this canonical JSON. */
  static Resource parse(final byte[] json) {
    return (Resource) FhirContexts.r4().newJsonParser().parseResource(new String(json, StandardCharsets.UTF_8));
  }

  private boolean isLarge(final IndexedVersion v) {
    final long threshold = store.genesis().map(g -> g.largeContentThreshold()).orElse(Long.MAX_VALUE);
    return store.version(v.resourceType(), v.resourceId(), v.version()).map(rv -> rv.contentSize() > threshold).orElse(false);
  }

  /** Replays blocks that are in the store but not yet in the index (e.g. after a crash between the two). */
  void catchUp() {
    for (long h = index.indexedHeight() + 1; h <= store.height(); h++) {
      final Block block = store.block(h).orElseThrow();
      final List<TransactionOutcome> outcomes = new ArrayList<>();
      for (final Transaction tx : block.transactions()) {
        outcomes.add(store.outcome(tx.hash()).orElseThrow());
      }
      final List<IndexedVersion> versions = toIndexed(BlockExecutor.versionsOf(block, outcomes));
      index.applyBlock(h, block.hash().toHex(), versions, this::paramsOf);
      searchParams.afterBlock(versions);
    }
  }

  private static List<IndexedVersion> toIndexed(final List<ResourceVersion> versions) {
    final List<IndexedVersion> out = new ArrayList<>(versions.size());
    for (final ResourceVersion v : versions) {
      out.add(new IndexedVersion(v.resourceType(), v.resourceId(), v.versionId(), v.deleted(), Instant.ofEpochMilli(v.timestamp()),
          v.content() == null ? null : v.content().toString(), v.height(), v.txHash().toHex(), v.origin().toHex()));
    }
    return out;
  }
}
