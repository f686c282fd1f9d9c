package org.fhirledger.ledger.kademlia;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.kademlia.Requests.BucketPing;
import org.fhirledger.ledger.kademlia.Requests.FetchRequest;
import org.fhirledger.ledger.kademlia.Requests.HaveProbe;
import org.fhirledger.ledger.kademlia.Requests.Kind;
import org.fhirledger.ledger.kademlia.Requests.LookupQuery;
import org.fhirledger.ledger.kademlia.Requests.Operation;
import org.fhirledger.ledger.kademlia.Requests.Pending;
import org.fhirledger.ledger.kademlia.Requests.Purpose;
import org.fhirledger.ledger.kademlia.Requests.DirectStore;
import org.fhirledger.ledger.kademlia.Requests.ReplicaStore;
import org.fhirledger.ledger.kademlia.Requests.StoreRequest;

/**
 * One node's Kademlia: routing table, requests in flight, lookups, placements, and the chunk-serving side.
 * Events in ({@link #onMessage}, {@link #onTick}, {@link #onMemberLeft}, commands), {@link DhtAction}s out.
 * No threads, sockets or clocks: the caller passes the time, and the same events give the same actions
 * (the random ids of bucket refreshes come from a seeded generator). Not thread-safe: one event loop owns it.
 *
 * <p>Only members take part: messages from non-members are dropped, and contacts a peer names in NODES are
 * kept only when they are members. The sender of a message is the transport's authenticated peer.
 */
public final class KademliaProtocol {
  private final Contact self;
  private final Signer signer;
  private final LocalChunks chunks;
  private final Predicate<PublicKey> isMember;
  private final RoutingTable routing;
  private final SplittableRandom random;
  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  private final Map<Long, Operation> operations = new HashMap<>();
  private final DhtStats stats = new DhtStats();
  private DhtConfig config;
  private long nextRequestId = 1;
  private long nextInternalOp = -1;
  private long lastRepublishMillis;

  public KademliaProtocol(
      final Signer signer,
      final DhtConfig config,
      final LocalChunks chunks,
      final Predicate<PublicKey> isMember,
      final long seed) {
    this.signer = signer;
    this.self = Contact.of(signer.publicKey());
    this.config = config;
    this.chunks = chunks;
    this.isMember = isMember;
    this.routing = new RoutingTable(self.id(), config.k());
    this.random = new SplittableRandom(seed);
  }

  public Contact self() {
    return self;
  }

  public RoutingTable routing() {
    return routing;
  }

  public DhtConfig config() {
    return config;
  }

  public DhtStats stats() {
    return stats;
  }

  /** The consortium changed size: r follows it (2f+1). */
  public void setReplication(final int replication) {
    config = config.withReplication(replication);
  }

  // ---- events ------------------------------------------------------------------------------------------------

  /** Joins: the known members go into the table, then a lookup of our own id fills the nearby buckets. */
  public List<DhtAction> start(final long now, final List<PublicKey> bootstrap) {
    final List<DhtAction> out = new ArrayList<>();
    lastRepublishMillis = now;
    for (final PublicKey key : bootstrap) {
      if (!key.equals(self.key()) && isMember.test(key)) {
        seen(Contact.of(key), now, out);
      }
    }
    startLookup(now, nextInternalOp--, Kind.REFRESH, self.id(), null, config.k(), out);
    return out;
  }

  /** A member joined: it goes into the table like any contact seen. */
  public List<DhtAction> onMemberJoined(final long now, final PublicKey key) {
    final List<DhtAction> out = new ArrayList<>();
    if (!key.equals(self.key())) {
      seen(Contact.of(key), now, out);
    }
    return out;
  }

  /**
   * A member left the consortium (or is known dead): forgotten, its requests failed, and for every chunk we
   * hold for which it was one of the r closest, the closest remaining member (if that is us) asks the others
   * now among the r closest whether they hold it and copies it to those that do not, so r copies exist again.
   */
  public List<DhtAction> onMemberLeft(final long now, final PublicKey key) {
    final List<DhtAction> out = new ArrayList<>();
    final Contact gone = Contact.of(key);
    routing.remove(key);
    final List<Pending> toGone = new ArrayList<>();
    for (final Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      final Pending p = it.next().getValue();
      if (p.to().equals(gone)) {
        it.remove();
        toGone.add(p);
      }
    }
    for (final Pending p : toGone) {
      failed(now, p, true, out);
    }
    final ReplicaSets sets = new ReplicaSets(routing, self, config.replication());
    probe(now, sets.repairProbes(chunks.ids(), gone), out);
    return out;
  }

  /**
   * The transport lost the peer (or could not queue a message to it): its outstanding requests fail now rather
   * than at their time-out, so lookups and fetches move on to other contacts. It stays a member; when it is
   * back, {@link #onMemberJoined} or its next message puts it in the table again.
   */
  public List<DhtAction> onPeerUnreachable(final long now, final PublicKey key) {
    final List<DhtAction> out = new ArrayList<>();
    final Contact gone = Contact.of(key);
    final List<Pending> toGone = new ArrayList<>();
    for (final Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      final Pending p = it.next().getValue();
      if (p.to().equals(gone)) {
        it.remove();
        toGone.add(p);
      }
    }
    for (final Pending p : toGone) {
      failed(now, p, false, out);
    }
    routing.failed(gone);
    return out;
  }

  /** Expires requests, refreshes idle buckets and, when due, republishes. */
  public List<DhtAction> onTick(final long now) {
    final List<DhtAction> out = new ArrayList<>();
    final List<Pending> expired = new ArrayList<>();
    for (final Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      final Pending p = it.next().getValue();
      if (p.deadline() <= now) {
        it.remove();
        expired.add(p);
      }
    }
    for (final Pending p : expired) { // failing one may send requests, so not while iterating
      stats.timeouts++;
      failed(now, p, true, out);
    }
    for (final int bucket : routing.staleBuckets(now, config.refreshIntervalMillis())) {
      routing.touch(bucket, now);
      stats.refreshes++;
      startLookup(now, nextInternalOp--, Kind.REFRESH, self.id().randomInBucket(bucket, random), null,
          config.k(), out);
    }
    if (now - lastRepublishMillis >= config.republishIntervalMillis()) {
      lastRepublishMillis = now;
      republish(now, out);
    }
    return out;
  }

  /** A message from an authenticated peer. */
  public List<DhtAction> onMessage(final long now, final PublicKey fromKey, final DhtMessage message) {
    final List<DhtAction> out = new ArrayList<>();
    if (!isMember.test(fromKey) || fromKey.equals(self.key())) {
      stats.droppedNonMember++;
      return out;
    }
    final Contact from = Contact.of(fromKey);
    seen(from, now, out);
    if (message instanceof DhtMessage.Ping m) {
      out.add(new DhtAction.Send(fromKey, new DhtMessage.Pong(m.requestId())));
    } else if (message instanceof DhtMessage.FindNode m) {
      out.add(new DhtAction.Send(fromKey, nodes(m.requestId(), m.target(), from)));
    } else if (message instanceof DhtMessage.FindValue m) {
      final Optional<byte[]> held = chunks.get(m.id());
      stats.valueRequests++;
      out.add(new DhtAction.Send(fromKey, held.isPresent()
          ? new DhtMessage.Value(m.requestId(), m.id(), held.get())
          : nodes(m.requestId(), NodeId.ofContent(m.id()), from)));
    } else if (message instanceof DhtMessage.Store m) {
      out.add(new DhtAction.Send(fromKey, onStore(m)));
    } else if (message instanceof DhtMessage.Have m) {
      final List<Boolean> held = new ArrayList<>(m.ids().size());
      m.ids().forEach(id -> held.add(chunks.has(id)));
      out.add(new DhtAction.Send(fromKey, new DhtMessage.HaveReply(m.requestId(), held)));
    } else {
      onAnswer(now, from, message, out);
    }
    return out;
  }

  // ---- commands ----------------------------------------------------------------------------------------------

  /** Iterative FIND_NODE: the {@code want} closest live contacts to the target. */
  public List<DhtAction> findNode(final long now, final long op, final NodeId target, final int want) {
    final List<DhtAction> out = new ArrayList<>();
    startLookup(now, checkOp(op), Kind.FIND_NODE, target, null, want, out);
    return out;
  }

  /** Iterative FIND_VALUE: the chunk from whoever holds it, checked against its id. */
  public List<DhtAction> findValue(final long now, final long op, final ContentId id) {
    final List<DhtAction> out = new ArrayList<>();
    final Optional<byte[]> local = chunks.get(id);
    if (local.isPresent()) {
      out.add(new DhtAction.ValueFound(checkOp(op), id, local.get(), self, 0));
      return out;
    }
    startLookup(now, checkOp(op), Kind.FIND_VALUE, NodeId.ofContent(id), id, config.k(), out);
    return out;
  }

  /**
   * Places a chunk this node holds in {@link LocalChunks} on the r closest members (self included when it is
   * one): a lookup of the chunk's key, then STORE to the r closest that answered, replacing any that refuse
   * or fail by the next closest. Ends with {@link DhtAction.StoreFinished} carrying the receipts.
   */
  public List<DhtAction> store(final long now, final long op, final ContentId id) {
    if (!chunks.has(id)) {
      throw new IllegalArgumentException("store() places a chunk held locally: " + id);
    }
    final List<DhtAction> out = new ArrayList<>();
    startLookup(now, checkOp(op), Kind.STORE, NodeId.ofContent(id), id,
        config.replication() + DhtConfig.STORE_SPARES, out);
    return out;
  }

  /**
   * One direct STORE of the given bytes to a chosen holder (placement of large content on the holders the
   * validator set assigns, rather than on those a lookup finds). Ends with {@link DhtAction.StoredAt}: the
   * holder's verified receipt, or none when it refused, answered wrongly or not at all.
   */
  public List<DhtAction> storeAt(final long now, final long op, final PublicKey holder, final ContentId id, final byte[] data) {
    final List<DhtAction> out = new ArrayList<>();
    request(now, Contact.of(holder), new DirectStore(checkOp(op), id), rid -> new DhtMessage.Store(rid, id, data), out);
    return out;
  }

  /** One direct FIND_VALUE to a chosen holder (the parallel fetcher's request). */
  public List<DhtAction> fetch(final long now, final long op, final PublicKey holder, final ContentId id) {
    final List<DhtAction> out = new ArrayList<>();
    request(now, Contact.of(holder), new FetchRequest(op, id), rid -> new DhtMessage.FindValue(rid, id), out);
    return out;
  }

  /** The r members closest to the chunk by this node's view (self included): where it should live. */
  public List<Contact> holdersOf(final ContentId id) {
    return new ReplicaSets(routing, self, config.replication()).closest(NodeId.ofContent(id), null);
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  private static long checkOp(final long op) {
    if (op < 0) {
      throw new IllegalArgumentException("operation ids below 0 are the protocol's own");
    }
    return op;
  }

  private void seen(final Contact contact, final long now, final List<DhtAction> out) {
    routing.seen(contact, now).ifPresent(head ->
        request(now, head, new BucketPing(), DhtMessage.Ping::new, out));
  }

  private DhtMessage.Nodes nodes(final long requestId, final NodeId target, final Contact asker) {
    final List<PublicKey> keys = new ArrayList<>();
    for (final Contact c : routing.closest(target, config.k() + 1)) {
      if (!c.equals(asker) && keys.size() < config.k()) {
        keys.add(c.key());
      }
    }
    if (keys.size() < config.k()) {
      keys.add(self.key()); // the asker learns of us too; its lookup ignores us if it already has us
    }
    return new DhtMessage.Nodes(requestId, keys);
  }

  private DhtMessage.Stored onStore(final DhtMessage.Store m) {
    if (!m.id().matches(m.data())) {
      stats.badStores++;
      return new DhtMessage.Stored(m.requestId(), m.id(), false, new byte[0]);
    }
    final NodeId key = NodeId.ofContent(m.id());
    final int limit = config.replication() + DhtConfig.STORE_SLACK;
    final List<Contact> closer = routing.closest(key, limit);
    final long ahead = closer.stream().filter(c -> key.compareDistance(c.id(), self.id()) < 0).count();
    if (ahead >= limit) {
      stats.storesRefused++;
      return new DhtMessage.Stored(m.requestId(), m.id(), false, new byte[0]);
    }
    chunks.put(m.id(), m.data());
    stats.storesAccepted++;
    return new DhtMessage.Stored(m.requestId(), m.id(), true,
        StorageReceipt.sign(m.id(), signer).signature());
  }

  private void onAnswer(final long now, final Contact from, final DhtMessage message, final List<DhtAction> out) {
    final Pending p = pending.get(message.requestId());
    if (p == null || !p.to().equals(from)) {
      stats.unsolicited++;
      return;
    }
    pending.remove(message.requestId());
    final Purpose purpose = p.purpose();
    if (purpose instanceof LookupQuery q) {
      onLookupAnswer(now, operations.get(q.op()), from, message, out);
    } else if (purpose instanceof StoreRequest s) {
      if (message instanceof DhtMessage.Stored m) {
        onStored(now, operations.get(s.op()), from, m, out);
      } else {
        failed(now, p, false, out);
      }
    } else if (purpose instanceof DirectStore d) {
      final StorageReceipt receipt = message instanceof DhtMessage.Stored m && m.held() && m.id().equals(d.id())
          ? new StorageReceipt(d.id(), from.key(), m.receiptSignature()) : null;
      final boolean good = receipt != null && receipt.verify(org.fhirledger.ledger.crypto.Ed25519Keys.verifier());
      out.add(new DhtAction.StoredAt(d.op(), d.id(), from.key(), good ? receipt : null));
    } else if (purpose instanceof FetchRequest f) {
      if (message instanceof DhtMessage.Value m && m.id().equals(f.id())) {
        out.add(new DhtAction.ChunkReceived(f.op(), f.id(), from, m.data()));
      } else {
        out.add(new DhtAction.ChunkMissing(f.op(), f.id(), from, false));
      }
    } else if (purpose instanceof HaveProbe h) {
      if (message instanceof DhtMessage.HaveReply m && m.held().size() == h.ids().size()) {
        for (int i = 0; i < h.ids().size(); i++) {
          if (!m.held().get(i)) {
            stats.repairs++;
            sendStore(now, from, h.ids().get(i), new ReplicaStore(), out);
          }
        }
      } else {
        failed(now, p, false, out);
      }
    }
    // PONG to a bucket ping: seen() already moved the head to the tail. STORED of a repair: nothing to do.
  }

  private void onLookupAnswer(final long now, final Operation op, final Contact from, final DhtMessage message,
      final List<DhtAction> out) {
    if (op == null) {
      return;
    }
    final Lookup lookup = op.lookup;
    if (message instanceof DhtMessage.Nodes m) {
      final List<Contact> learned = new ArrayList<>(m.contacts().size());
      for (final PublicKey key : m.contacts()) {
        if (isMember.test(key)) {
          learned.add(Contact.of(key));
        }
      }
      queryAll(now, op, lookup.onNodes(from, learned), out);
    } else if (op.kind == Kind.FIND_VALUE && message instanceof DhtMessage.Value m && m.id().equals(op.id)
        && op.id.matches(m.data())) {
      lookup.onValue(from);
      out.add(new DhtAction.ValueFound(op.op, op.id, m.data(), from, lookup.rounds()));
    } else {
      if (message instanceof DhtMessage.Value) {
        stats.badValues++; // bytes that do not hash to the id asked for: a lying or broken holder
      }
      queryAll(now, op, lookup.onFailure(from), out);
    }
    finishIfDone(now, op, out);
  }

  private void startLookup(final long now, final long op, final Kind kind, final NodeId target,
      final ContentId id, final int want, final List<DhtAction> out) {
    final int index = self.id().bucketIndex(target);
    if (index >= 0) {
      routing.touch(index, now);
    }
    final Lookup lookup = new Lookup(target, self.id(), want, config.alpha(),
        routing.closest(target, Math.max(want, config.k())));
    final Operation operation = new Operation(op, kind, id, lookup);
    operations.put(op, operation);
    stats.lookups++;
    queryAll(now, operation, lookup.start(), out);
    finishIfDone(now, operation, out);
  }

  private void queryAll(final long now, final Operation op, final List<Contact> targets, final List<DhtAction> out) {
    for (final Contact c : targets) {
      request(now, c, new LookupQuery(op.op), rid -> op.kind == Kind.FIND_VALUE
          ? new DhtMessage.FindValue(rid, op.id)
          : new DhtMessage.FindNode(rid, op.lookup.target()), out);
    }
  }

  private void finishIfDone(final long now, final Operation op, final List<DhtAction> out) {
    if (!op.lookup.isFinished() || op.kind == Kind.STORE && op.outstanding > 0
        || op.kind == Kind.STORE && !op.candidates.isEmpty()) {
      return;
    }
    final Lookup lookup = op.lookup;
    stats.recordRounds(lookup.rounds());
    switch (op.kind) {
      case FIND_NODE -> out.add(new DhtAction.LookupFinished(op.op, lookup.target(), lookup.closest(),
          lookup.rounds(), lookup.queries()));
      case FIND_VALUE -> {
        if (lookup.valueFrom() == null) {
          out.add(new DhtAction.ValueNotFound(op.op, op.id, lookup.rounds()));
        }
      }
      case STORE -> {
        beginPlacement(now, op, out);
        return;
      }
      case REFRESH -> { }
      default -> throw new IllegalStateException("unreachable");
    }
    operations.remove(op.op);
  }

  private void beginPlacement(final long now, final Operation op, final List<DhtAction> out) {
    final List<Contact> candidates = new ArrayList<>(op.lookup.closest());
    candidates.add(self);
    candidates.sort(Contact.byDistanceTo(op.lookup.target()));
    op.candidates = candidates;
    final int r = Math.min(config.replication(), candidates.size());
    for (int i = 0; i < r; i++) {
      placeOnNext(now, op, out);
    }
    finishPlacementIfDone(op, out);
  }

  private void placeOnNext(final long now, final Operation op, final List<DhtAction> out) {
    if (op.nextCandidate >= op.candidates.size()) {
      return;
    }
    final Contact c = op.candidates.get(op.nextCandidate++);
    if (c.equals(self)) {
      op.receipts.add(StorageReceipt.sign(op.id, signer));
      return;
    }
    op.outstanding++;
    sendStore(now, c, op.id, new StoreRequest(op.op), out);
  }

  private void onStored(final long now, final Operation op, final Contact from, final DhtMessage.Stored m,
      final List<DhtAction> out) {
    if (op == null) {
      return;
    }
    op.outstanding--;
    final StorageReceipt receipt = new StorageReceipt(op.id, from.key(), m.receiptSignature());
    if (m.held() && m.id().equals(op.id) && receipt.verify(org.fhirledger.ledger.crypto.Ed25519Keys.verifier())) {
      op.receipts.add(receipt);
    } else {
      op.refused.add(from);
      placeOnNext(now, op, out);
    }
    finishPlacementIfDone(op, out);
  }

  private void finishPlacementIfDone(final Operation op, final List<DhtAction> out) {
    if (op.outstanding > 0) {
      return;
    }
    operations.remove(op.op);
    out.add(new DhtAction.StoreFinished(op.op, op.id, List.copyOf(op.receipts), List.copyOf(op.refused)));
  }

  private void sendStore(final long now, final Contact to, final ContentId id, final Purpose purpose,
      final List<DhtAction> out) {
    final Optional<byte[]> data = chunks.get(id);
    if (data.isEmpty()) {
      return;
    }
    request(now, to, purpose, rid -> new DhtMessage.Store(rid, id, data.get()), out);
  }

  private void request(final long now, final Contact to, final Purpose purpose,
      final java.util.function.LongFunction<DhtMessage> message, final List<DhtAction> out) {
    final long rid = nextRequestId++;
    pending.put(rid, new Pending(to, now + config.requestTimeoutMillis(), purpose));
    out.add(new DhtAction.Send(to.key(), message.apply(rid)));
  }

  /** A request got no (usable) answer: the contact failed for the routing table and for whoever asked. */
  private void failed(final long now, final Pending p, final boolean timedOut, final List<DhtAction> out) {
    routing.failed(p.to());
    final Purpose purpose = p.purpose();
    if (purpose instanceof LookupQuery q) {
      final Operation op = operations.get(q.op());
      if (op != null) {
        queryAll(now, op, op.lookup.onFailure(p.to()), out);
        finishIfDone(now, op, out);
      }
    } else if (purpose instanceof StoreRequest s) {
      final Operation op = operations.get(s.op());
      if (op != null) {
        op.outstanding--;
        op.refused.add(p.to());
        placeOnNext(now, op, out);
        finishPlacementIfDone(op, out);
      }
    } else if (purpose instanceof FetchRequest f) {
      out.add(new DhtAction.ChunkMissing(f.op(), f.id(), p.to(), timedOut));
    } else if (purpose instanceof DirectStore d) {
      out.add(new DhtAction.StoredAt(d.op(), d.id(), p.to().key(), null));
    }
  }

  /**
   * Republish: for each chunk held whose r closest (by our view) include us, ask the members of that set closer
   * than us whether they hold it, and if we are the closest, ask all the others (HAVE, ids only); STORE goes
   * to those that lack it. Probing the closer ones evicts a dead closest holder by its time-out, so the next
   * round has a live closest holder, which then fills the set. Catches what {@link #onMemberLeft} cannot see:
   * holders that crashed, members that joined closer to the chunk. Costs about r^2/2 ids per chunk per round.
   */
  private void republish(final long now, final List<DhtAction> out) {
    probe(now, new ReplicaSets(routing, self, config.replication()).republishProbes(chunks.ids()), out);
    stats.republishes++;
  }

  /**
   * Asks each contact which of the given chunks it holds (ids only); the answers lead to a STORE of each chunk
   * it lacks. Repair and republish both go this way, so a chunk is sent only where it is missing.
   */
  private void probe(final long now, final Map<Contact, List<ContentId>> probes, final List<DhtAction> out) {
    for (final Map.Entry<Contact, List<ContentId>> e : probes.entrySet()) {
      final List<ContentId> ids = e.getValue();
      for (int from = 0; from < ids.size(); from += DhtMessage.MAX_HAVE_IDS) {
        final List<ContentId> batch =
            List.copyOf(ids.subList(from, Math.min(ids.size(), from + DhtMessage.MAX_HAVE_IDS)));
        request(now, e.getKey(), new HaveProbe(batch), rid -> new DhtMessage.Have(rid, batch), out);
      }
    }
  }
}
