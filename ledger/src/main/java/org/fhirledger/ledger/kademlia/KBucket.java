package org.fhirledger.ledger.kademlia;

import java.util.ArrayList;
import java.util.List;

/**
 * One k-bucket: up to k contacts in least-recently-seen order (head = seen longest ago, tail = seen last), a
 * replacement cache of contacts that arrived while the bucket was full (newest last), and the head being pinged
 * to decide whether it stays. Mutable; owned by one {@link RoutingTable}.
 */
final class KBucket {
  private final int capacity;
  private final List<Contact> entries = new ArrayList<>();
  private final List<Contact> replacements = new ArrayList<>();
  private Contact pinging;
  long lastTouchedMillis;

  KBucket(final int capacity) {
    this.capacity = capacity;
  }

  boolean contains(final Contact c) {
    return entries.contains(c);
  }

  boolean isFull() {
    return entries.size() >= capacity;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  List<Contact> entries() {
    return List.copyOf(entries);
  }

  Contact head() {
    return entries.get(0);
  }

  Contact pinging() {
    return pinging;
  }

  /** Seen again: to the tail. */
  void moveToTail(final Contact c) {
    entries.remove(c);
    entries.add(c);
    if (c.equals(pinging)) {
      pinging = null;
    }
  }

  void append(final Contact c) {
    entries.add(c);
    replacements.remove(c);
  }

  /** Remembers a contact for a free slot; the oldest candidate is forgotten beyond capacity. */
  void offerReplacement(final Contact c) {
    replacements.remove(c);
    replacements.add(c);
    if (replacements.size() > capacity) {
      replacements.remove(0);
    }
  }

  /** Starts pinging the head if no ping is under way; returns the head to ping, or null. */
  Contact startPingOfHead() {
    if (pinging != null || entries.isEmpty()) {
      return null;
    }
    pinging = entries.get(0);
    return pinging;
  }

  /** Drops a contact and fills its slot with the newest replacement; true when it was in the bucket. */
  boolean evict(final Contact c) {
    replacements.remove(c);
    if (c.equals(pinging)) {
      pinging = null;
    }
    if (!entries.remove(c)) {
      return false;
    }
    if (!replacements.isEmpty()) {
      entries.add(replacements.remove(replacements.size() - 1));
    }
    return true;
  }

  int size() {
    return entries.size();
  }
}
