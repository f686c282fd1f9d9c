package org.fhirledger.server.node;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fhirledger.ledger.dag.ChunkSource;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.DagException;
import org.fhirledger.ledger.dag.DagReader;
import org.fhirledger.ledger.kademlia.ChunkFetcher;

/**
 * Reads a resource's canonical bytes by its content id: from this node's chunks (what blocks carried and what
 * it holds for the DHT), and when leaves of placed (large) content are elsewhere, through the
 * {@link ChunkFetcher}: in parallel from their holders, every chunk verified against its id, another holder
 * asked after a wrong chunk or a dead holder. Without a fetcher (offline tools) missing chunks are an error.
 */
public final class LedgerContent {
  /** A 100 MiB read from three holders takes about a second on loopback; this bounds a read of holders gone. */
  static final long FETCH_TIMEOUT_SECONDS = 120;

  private final ChunkSource local;
  private final ChunkFetcher fetcher;

  /** {@code fetcher} null: only what this node has (offline tools such as reindex). */
  public LedgerContent(final ChunkSource local, final ChunkFetcher fetcher) {
    this.local = local;
    this.fetcher = fetcher;
  }

  public byte[] read(final ContentId root) {
    try {
      return DagReader.read(root, local);
    } catch (final DagException.MissingChunk missing) {
      if (fetcher == null) {
        throw missing;
      }
      return fetch(root);
    }
  }

  private byte[] fetch(final ContentId root) {
    try {
      return fetcher.fetchContent(root).get(FETCH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DagException.MissingChunk(root);
    } catch (final ExecutionException e) {
      if (e.getCause() instanceof DagException d) {
        throw d;
      }
      throw new DagException(root, "fetching its chunks failed: " + e.getCause());
    } catch (final TimeoutException e) {
      throw new DagException(root, "its chunks were not fetched within " + FETCH_TIMEOUT_SECONDS + " s");
    }
  }
}
