package org.fhirledger.ledger.kademlia;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * A node's Kademlia routing table: 160 k-buckets, bucket i holding the contacts at XOR distance [2^i, 2^(i+1)),
 * each in least-recently-seen order. Updated by the paper's Algorithm 1:
 * <ol>
 *   <li>a contact already in its bucket moves to the tail (seen most recently);</li>
 *   <li>a new contact is appended when its bucket has room;</li>
 *   <li>when the bucket is full, its head (seen longest ago) is pinged and the newcomer waits in the
 *       bucket's replacement cache; if the head answers it moves to the tail and stays (long-lived nodes are
 *       the most likely to stay up), if it does not it is evicted and the newest waiting contact takes its
 *       place.</li>
 * </ol>
 * The paper's bucket splitting is the lazy form of this fixed layout: a bucket that would split is the one
 * covering our own id, and with one bucket per distance range that range is already split all the way down.
 * Events in, decisions out: no clock (times are passed in), no threads, no sockets.
 */
public final class RoutingTable {
  private final NodeId self;
  private final int k;
  private final KBucket[] buckets = new KBucket[NodeId.BITS];

  public RoutingTable(final NodeId self, final int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be positive");
    }
    this.self = self;
    this.k = k;
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new KBucket(k);
    }
  }

  public NodeId self() {
    return self;
  }

  public int k() {
    return k;
  }

  /**
   * Algorithm 1: a contact was seen (it sent us a message or answered). Returns the contact to ping when the
   * bucket is full and no ping of its head is under way yet; the caller reports the answer through
   * {@link #seen} again or the silence through {@link #failed}.
   */
  public Optional<Contact> seen(final Contact contact, final long nowMillis) {
    final int index = self.bucketIndex(contact.id());
    if (index < 0) {
      return Optional.empty();
    }
    final KBucket bucket = buckets[index];
    bucket.lastTouchedMillis = nowMillis;
    if (bucket.contains(contact)) {
      bucket.moveToTail(contact);
      return Optional.empty();
    }
    if (!bucket.isFull()) {
      bucket.append(contact);
      return Optional.empty();
    }
    bucket.offerReplacement(contact);
    return Optional.ofNullable(bucket.startPingOfHead());
  }

  /** A contact did not answer in time (a ping or any request): evicted, its slot filled from the replacements. */
  public boolean failed(final Contact contact) {
    final int index = self.bucketIndex(contact.id());
    return index >= 0 && buckets[index].evict(contact);
  }

  /** A member left the consortium: forgotten everywhere, including the replacement caches. */
  public boolean remove(final PublicKey key) {
    return failed(Contact.of(key));
  }

  public boolean contains(final Contact contact) {
    final int index = self.bucketIndex(contact.id());
    return index >= 0 && buckets[index].contains(contact);
  }

  /** The contact whose ping is under way in that contact's bucket, if any (tests and the shell's timers). */
  public Optional<Contact> pinging(final Contact inBucketOf) {
    final int index = self.bucketIndex(inBucketOf.id());
    return index < 0 ? Optional.empty() : Optional.ofNullable(buckets[index].pinging());
  }

  /** The {@code count} known contacts closest to the target by XOR distance, closest first. */
  public List<Contact> closest(final NodeId target, final int count) {
    final List<Contact> all = contacts();
    all.sort(Contact.byDistanceTo(target));
    return all.size() > count ? new ArrayList<>(all.subList(0, count)) : all;
  }

  /** Every contact, bucket by bucket (farthest bucket first), each bucket least recently seen first. */
  public List<Contact> contacts() {
    final List<Contact> all = new ArrayList<>();
    for (int i = buckets.length - 1; i >= 0; i--) {
      all.addAll(buckets[i].entries());
    }
    return all;
  }

  /** The contacts of one bucket, least recently seen first. */
  public List<Contact> bucket(final int index) {
    return buckets[index].entries();
  }

  public int size() {
    int n = 0;
    for (final KBucket b : buckets) {
      n += b.size();
    }
    return n;
  }

  /**
   * Buckets due for a refresh: not touched for {@code intervalMillis}, from the nearest non-empty bucket
   * outwards (buckets nearer than our nearest neighbour are covered by the lookup of our own id).
   */
  public List<Integer> staleBuckets(final long nowMillis, final long intervalMillis) {
    int nearest = -1;
    for (int i = 0; i < buckets.length && nearest < 0; i++) {
      if (!buckets[i].isEmpty()) {
        nearest = i;
      }
    }
    final List<Integer> stale = new ArrayList<>();
    if (nearest < 0) {
      return stale;
    }
    for (int i = nearest; i < buckets.length; i++) {
      if (nowMillis - buckets[i].lastTouchedMillis >= intervalMillis) {
        stale.add(i);
      }
    }
    return stale;
  }

  /** A lookup in a bucket's range counts as activity there (Kademlia refreshes only idle buckets). */
  public void touch(final int index, final long nowMillis) {
    buckets[index].lastTouchedMillis = nowMillis;
  }
}
