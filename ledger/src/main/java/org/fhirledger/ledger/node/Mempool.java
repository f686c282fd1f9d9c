package org.fhirledger.ledger.node;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * Transactions waiting for a block, one FIFO queue per origin node. A proposer takes them round-robin
 * across origins (ipbft.md: fairly across origin nodes, in arrival order within each), so one busy
 * hospital cannot starve the others. Not thread-safe: owned by the node's event thread.
 */
final class Mempool {
  private final Map<PublicKey, LinkedHashMap<Hash32, PendingTransaction>> byOrigin = new TreeMap<>();
  private final int capacity;
  private int size;

  Mempool(final int capacity) {
    this.capacity = capacity;
  }

  /** False when already present or the pool is full. */
  boolean add(final PendingTransaction ptx) {
    if (size >= capacity) {
      return false;
    }
    final var queue = byOrigin.computeIfAbsent(ptx.transaction().origin(), k -> new LinkedHashMap<>());
    if (queue.putIfAbsent(ptx.transaction().hash(), ptx) != null) {
      return false;
    }
    size++;
    return true;
  }

  boolean contains(final Hash32 tx) {
    for (final var q : byOrigin.values()) {
      if (q.containsKey(tx)) {
        return true;
      }
    }
    return false;
  }

  /** The pending transaction with this hash, if any. */
  PendingTransaction get(final PublicKey origin, final Hash32 tx) {
    final var q = byOrigin.get(origin);
    return q == null ? null : q.get(tx);
  }

  void remove(final PublicKey origin, final Hash32 tx) {
    final var q = byOrigin.get(origin);
    if (q != null && q.remove(tx) != null) {
      size--;
      if (q.isEmpty()) {
        byOrigin.remove(origin);
      }
    }
  }

  /** Takes out every transaction of the origins the predicate names (members removed from the consortium). */
  List<PendingTransaction> removeOrigins(final java.util.function.Predicate<PublicKey> drop) {
    final List<PendingTransaction> out = new ArrayList<>();
    for (final Iterator<Map.Entry<PublicKey, LinkedHashMap<Hash32, PendingTransaction>>> it = byOrigin.entrySet().iterator(); it.hasNext();) {
      final var e = it.next();
      if (drop.test(e.getKey())) {
        out.addAll(e.getValue().values());
        size -= e.getValue().size();
        it.remove();
      }
    }
    return out;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Up to maxCount transactions and about maxBytes, round-robin by origin; they stay in the pool until committed. */
  List<PendingTransaction> select(final int maxCount, final long maxBytes) {
    final List<PendingTransaction> out = new ArrayList<>();
    final List<Iterator<PendingTransaction>> cursors = new ArrayList<>();
    for (final var q : byOrigin.values()) {
      cursors.add(q.values().iterator());
    }
    long bytes = 0;
    boolean progress = true;
    while (progress && out.size() < maxCount) {
      progress = false;
      for (final Iterator<PendingTransaction> it : cursors) {
        if (out.size() >= maxCount || !it.hasNext()) {
          continue;
        }
        final PendingTransaction next = it.next();
        if (!out.isEmpty() && bytes + next.sizeBytes() > maxBytes) {
          return out;
        }
        bytes += next.sizeBytes();
        out.add(next);
        progress = true;
      }
    }
    return out;
  }
}
