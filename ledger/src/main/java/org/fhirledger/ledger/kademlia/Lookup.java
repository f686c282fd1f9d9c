package org.fhirledger.ledger.kademlia;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One iterative Kademlia lookup (FIND_NODE or FIND_VALUE) as a deterministic state machine: it says whom to
 * ask next and is told what they answered; it never sends, waits or times out by itself.
 *
 * <p>The shortlist holds every contact heard of, ordered by XOR distance to the target. At most {@code alpha}
 * queries are in flight, always to the closest contacts not yet asked among the {@code want} closest that have
 * not failed. The lookup ends when those {@code want} closest have all answered (or nobody is left to ask), or
 * when a FIND_VALUE gets a value. Answers from contacts queried earlier that arrive after the end are ignored.
 *
 * <p>Rounds count hops: the seeds are round 1, and a contact first heard of in an answer from a round-r contact
 * is round r+1. {@link #rounds()} is the deepest round queried, which is what "converges within log2(n) + 2
 * rounds" bounds.
 */
public final class Lookup {
  private enum Status { NEW, IN_FLIGHT, ANSWERED, FAILED }

  private static final class Entry {
    final Contact contact;
    final int round;
    Status status = Status.NEW;

    Entry(final Contact contact, final int round) {
      this.contact = contact;
      this.round = round;
    }
  }

  private final NodeId target;
  private final NodeId self;
  private final int want;
  private final int alpha;
  private final List<Entry> shortlist = new ArrayList<>();
  private final Map<Contact, Entry> byContact = new HashMap<>();
  private int inFlight;
  private int deepestRound;
  private int queries;
  private boolean finished;
  private Contact valueFrom;

  public Lookup(final NodeId target, final NodeId self, final int want, final int alpha, final List<Contact> seeds) {
    if (want < 1 || alpha < 1) {
      throw new IllegalArgumentException("want and alpha must be positive");
    }
    this.target = target;
    this.self = self;
    this.want = want;
    this.alpha = alpha;
    seeds.forEach(c -> learn(c, 1));
  }

  public NodeId target() {
    return target;
  }

  /** The first queries (up to alpha); empty, and finished, when there is nobody to ask. */
  public List<Contact> start() {
    return next();
  }

  /** A contact answered with the contacts it knows closest to the target. */
  public List<Contact> onNodes(final Contact from, final List<Contact> contacts) {
    final Entry entry = answered(from);
    if (entry == null) {
      return List.of();
    }
    contacts.forEach(c -> learn(c, entry.round + 1));
    return next();
  }

  /** A contact did not answer, answered nonsense, or (FIND_VALUE) sent bytes that do not match the id. */
  public List<Contact> onFailure(final Contact from) {
    final Entry entry = byContact.get(from);
    if (finished || entry == null || entry.status != Status.IN_FLIGHT) {
      return List.of();
    }
    entry.status = Status.FAILED;
    inFlight--;
    return next();
  }

  /** FIND_VALUE: a contact sent the value and the caller verified it; the lookup is over. */
  public void onValue(final Contact from) {
    if (answered(from) != null) {
      valueFrom = from;
      finished = true;
    }
  }

  public boolean isFinished() {
    return finished;
  }

  /** Who sent the value, or null. */
  public Contact valueFrom() {
    return valueFrom;
  }

  /** The closest contacts that answered, closest first, at most {@code want}. */
  public List<Contact> closest() {
    final List<Contact> out = new ArrayList<>();
    for (final Entry e : shortlist) {
      if (e.status == Status.ANSWERED) {
        out.add(e.contact);
        if (out.size() == want) {
          break;
        }
      }
    }
    return out;
  }

  public int rounds() {
    return deepestRound;
  }

  public int queries() {
    return queries;
  }

  /** True while a query to this contact is outstanding (its answer or failure is still expected). */
  public boolean awaits(final Contact contact) {
    final Entry e = byContact.get(contact);
    return !finished && e != null && e.status == Status.IN_FLIGHT;
  }

  private Entry answered(final Contact from) {
    final Entry entry = byContact.get(from);
    if (finished || entry == null || entry.status != Status.IN_FLIGHT) {
      return null;
    }
    entry.status = Status.ANSWERED;
    inFlight--;
    return entry;
  }

  private void learn(final Contact c, final int round) {
    if (c.id().equals(self) || byContact.containsKey(c)) {
      return;
    }
    final Entry e = new Entry(c, round);
    byContact.put(c, e);
    int at = shortlist.size();
    while (at > 0 && target.compareDistance(shortlist.get(at - 1).contact.id(), c.id()) > 0) {
      at--;
    }
    shortlist.add(at, e);
  }

  private List<Contact> next() {
    if (finished) {
      return List.of();
    }
    final List<Contact> toAsk = new ArrayList<>();
    int considered = 0;
    boolean allAnswered = true;
    for (final Entry e : shortlist) {
      if (considered == want) {
        break;
      }
      if (e.status == Status.FAILED) {
        continue;
      }
      considered++;
      if (e.status == Status.NEW && inFlight < alpha) {
        e.status = Status.IN_FLIGHT;
        inFlight++;
        queries++;
        deepestRound = Math.max(deepestRound, e.round);
        toAsk.add(e.contact);
      }
      if (e.status != Status.ANSWERED) {
        allAnswered = false;
      }
    }
    if (allAnswered && toAsk.isEmpty()) {
      finished = true;
    }
    return toAsk;
  }
}
