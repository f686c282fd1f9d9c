package org.fhirledger.ledger.kademlia;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import org.fhirledger.ledger.chain.ContentPlacement;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.DagReader;

/**
 * Places the leaves of large content on the holders {@link ContentAssignment} gives them (STORE to each, this
 * node's own share into its local chunks) and collects their signed receipts in assignment order, ready for the
 * transaction. Runs on the writer's thread and blocks it; at most {@link #IN_FLIGHT} STOREs are outstanding, so
 * a large payload never fills a peer's send queue. A holder that refuses or fails is asked again up to
 * {@link #ATTEMPTS} times; after that the placement fails (the writer answers 503): the transaction is never
 * proposed without every receipt.
 */
public final class ContentPlacer {
  static final int IN_FLIGHT = 32;
  static final int ATTEMPTS = 3;

  /** A placement that could not collect every receipt. */
  public static final class PlacementFailedException extends RuntimeException {
    public PlacementFailedException(final String message) {
      super(message);
    }
  }

  private final DhtNode dht;

  public ContentPlacer(final DhtNode dht) {
    this.dht = dht;
  }

  /**
   * Places the leaves of the DAG under {@code root} (all its chunks in {@code chunks}) on the assigned members of
   * {@code validators}; returns the placement of change {@code changeIndex}.
   */
  public ContentPlacement place(final int changeIndex, final ContentId root, final long size, final Map<ContentId, byte[]> chunks,
      final ValidatorSet validators) {
    final List<ContentId> leaves = DagReader.leafIds(root, size, id -> Optional.ofNullable(chunks.get(id)));
    final ContentAssignment assignment = new ContentAssignment(validators);
    final PublicKey self = dht.publicKey();
    final Semaphore permits = new Semaphore(IN_FLIGHT);
    final List<CompletableFuture<byte[]>> receipts = new ArrayList<>(leaves.size() * assignment.replication());
    try {
      for (final ContentId leaf : leaves) {
        final byte[] data = chunks.get(leaf);
        for (final PublicKey holder : assignment.holders(leaf)) {
          if (holder.equals(self)) {
            dht.chunks().put(leaf, data);
            receipts.add(CompletableFuture.completedFuture(dht.ownReceipt(leaf).signature()));
          } else {
            permits.acquire();
            receipts.add(storeWithRetries(holder, leaf, data, ATTEMPTS).whenComplete((r, e) -> permits.release()));
          }
        }
      }
      final List<byte[]> signatures = new ArrayList<>(receipts.size());
      for (final CompletableFuture<byte[]> f : receipts) {
        signatures.add(f.get());
      }
      return new ContentPlacement(changeIndex, signatures);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlacementFailedException("interrupted while placing content " + root);
    } catch (final ExecutionException e) {
      throw new PlacementFailedException(e.getCause().getMessage());
    }
  }

  private CompletableFuture<byte[]> storeWithRetries(final PublicKey holder, final ContentId leaf, final byte[] data, final int attempts) {
    return dht.storeAt(holder, leaf, data).thenCompose(answer -> {
      if (answer.receipt() != null) {
        return CompletableFuture.completedFuture(answer.receipt().signature());
      }
      if (attempts > 1) {
        return storeWithRetries(holder, leaf, data, attempts - 1);
      }
      return CompletableFuture.failedFuture(new PlacementFailedException(
          "holder " + holder.toShortHex() + " did not store chunk " + leaf + " after " + ATTEMPTS + " attempts"));
    });
  }
}
