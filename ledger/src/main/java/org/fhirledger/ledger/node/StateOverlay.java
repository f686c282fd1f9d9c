package org.fhirledger.ledger.node;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.fhirledger.ledger.store.ContentTerms;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.ledger.store.ResourceVersion;

/**
 * The world state as the transactions applied so far in a block left it: the store below, and the heads and
 * terms written since, on top. A transaction stages its writes in a child overlay and merges them only when
 * all its checks pass, so a rejected transaction leaves no trace. Lookups are linear in the overlay's size,
 * which is bounded by one block.
 */
final class StateOverlay {
  private final LedgerStore store;
  private final StateOverlay parent;
  private final Map<String, Written> written = new LinkedHashMap<>();

  private record Written(ResourceVersion head, ContentTerms terms) {}

  StateOverlay(final LedgerStore store, final StateOverlay parent) {
    this.store = store;
    this.parent = parent;
  }

  StateOverlay child() {
    return new StateOverlay(store, this);
  }

  void put(final ResourceVersion head, final ContentTerms terms) {
    written.put(key(head.resourceType(), head.resourceId()), new Written(head, head.deleted() ? ContentTerms.NONE : terms));
  }

  /** Moves this overlay's writes into its parent. */
  void mergeIntoParent() {
    parent.written.putAll(written);
    written.clear();
  }

  Optional<ResourceVersion> head(final String type, final String id) {
    final Written w = written.get(key(type, id));
    if (w != null) {
      return Optional.of(w.head());
    }
    return parent != null ? parent.head(type, id) : store.head(type, id);
  }

  ContentTerms terms(final String type, final String id) {
    final Written w = written.get(key(type, id));
    if (w != null) {
      return w.terms();
    }
    return parent != null ? parent.terms(type, id) : store.terms(type, id);
  }

  boolean isLive(final String type, final String id) {
    return head(type, id).map(h -> !h.deleted()).orElse(false);
  }

  /** Ids of the live resources of the type that carry every key. */
  TreeSet<String> idsWithAllKeys(final String type, final java.util.List<String> keys) {
    TreeSet<String> result = null;
    for (final String k : keys) {
      final TreeSet<String> ids = idsWithKey(type, k);
      if (result == null) {
        result = ids;
      } else {
        result.retainAll(ids);
      }
    }
    return result == null ? new TreeSet<>() : result;
  }

  private TreeSet<String> idsWithKey(final String type, final String key) {
    final TreeSet<String> ids = parent != null ? parent.idsWithKey(type, key) : new TreeSet<>(store.idsWithKey(type, key));
    for (final Written w : written.values()) {
      if (w.head().resourceType().equals(type)) {
        if (w.terms().keys().contains(key)) {
          ids.add(w.head().resourceId());
        } else {
          ids.remove(w.head().resourceId());
        }
      }
    }
    return ids;
  }

  /** {@code Type/id} of the live resources that reference the resource. */
  TreeSet<String> referrers(final String type, final String id) {
    final TreeSet<String> sources = parent != null ? parent.referrers(type, id) : new TreeSet<>(store.referrers(type, id));
    final String target = key(type, id);
    for (final Map.Entry<String, Written> e : written.entrySet()) {
      if (e.getValue().terms().references().contains(target)) {
        sources.add(e.getKey());
      } else {
        sources.remove(e.getKey());
      }
    }
    return sources;
  }

  /** The final terms of every resource written in this overlay, one per resource. */
  java.util.List<org.fhirledger.ledger.store.TermUpdate> termUpdates() {
    return written.values().stream()
        .map(w -> new org.fhirledger.ledger.store.TermUpdate(w.head().resourceType(), w.head().resourceId(), w.terms()))
        .toList();
  }

  static String key(final String type, final String id) {
    return type + "/" + id;
  }
}
