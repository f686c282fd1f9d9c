package org.fhirledger.ledger.kademlia;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;

/**
 * A seeded, single-threaded network of {@link KademliaProtocol}s: an in-memory transport with random delays
 * (1-10 ms of virtual time), a virtual clock, ticks every 100 ms, and nodes that can be killed (their messages
 * vanish, so requests to them time out). Every message goes through the real codec. Same seed, same run.
 */
final class DhtSimulation {
  static final long TICK_MILLIS = 100;

  final class SimNode {
    final Signer signer;
    final InMemoryLocalChunks chunks = new InMemoryLocalChunks();
    final KademliaProtocol protocol;
    boolean alive = true;

    SimNode(final Signer signer, final DhtConfig config, final long seed) {
      this.signer = signer;
      this.protocol = new KademliaProtocol(signer, config, chunks, members::contains, seed);
    }

    PublicKey key() {
      return signer.publicKey();
    }

    Contact contact() {
      return protocol.self();
    }
  }

  private record Event(long time, long seq, Runnable action) {}

  final List<SimNode> nodes = new ArrayList<>();
  final Set<PublicKey> members = new HashSet<>();
  /** Every action other than Send, by node, in order: what the tests inspect. */
  final Map<PublicKey, List<DhtAction>> results = new HashMap<>();
  private final Map<PublicKey, SimNode> byKey = new HashMap<>();
  private final PriorityQueue<Event> queue = new PriorityQueue<>(
      (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  private final SplittableRandom random;
  private long now;
  private long seq;
  private long nextTick = TICK_MILLIS;
  long messages;

  DhtSimulation(final int n, final DhtConfig config, final long seed) {
    this.random = new SplittableRandom(seed);
    final SecureRandom keys = seeded(seed);
    for (int i = 0; i < n; i++) {
      final SimNode node = new SimNode(Ed25519Keys.generate(keys), config, random.nextLong());
      nodes.add(node);
      members.add(node.key());
      byKey.put(node.key(), node);
      results.put(node.key(), new ArrayList<>());
    }
  }

  /** Kademlia's join: each node in turn knows only node 0 and looks itself up; then the network settles. */
  void bootstrap() {
    apply(nodes.get(0), nodes.get(0).protocol.start(now, List.of()));
    for (int i = 1; i < nodes.size(); i++) {
      final SimNode node = nodes.get(i);
      apply(node, node.protocol.start(now, List.of(nodes.get(0).key())));
      runQuiet();
    }
  }

  long now() {
    return now;
  }

  SimNode node(final PublicKey key) {
    return byKey.get(key);
  }

  List<SimNode> alive() {
    return nodes.stream().filter(n -> n.alive).toList();
  }

  /** Applies a node's actions: sends become deliveries after a random delay, the rest are recorded. */
  void apply(final SimNode from, final List<DhtAction> actions) {
    for (final DhtAction a : actions) {
      if (a instanceof DhtAction.Send s) {
        messages++;
        final byte[] wire = s.message().encode();
        final SimNode to = byKey.get(s.to());
        schedule(1 + random.nextInt(10), () -> {
          if (to != null && to.alive && from.alive) {
            apply(to, to.protocol.onMessage(now, from.key(), DhtMessage.decode(wire)));
          }
        });
      } else {
        results.get(from.key()).add(a);
      }
    }
  }

  void schedule(final long delay, final Runnable action) {
    queue.add(new Event(now + delay, seq++, action));
  }

  /** Runs until no message is in flight (ticks keep firing meanwhile, so timeouts happen). */
  void runQuiet() {
    runUntil(queue::isEmpty, 600_000);
  }

  /** Runs events and ticks until the condition holds or the virtual time limit passes; false on the limit. */
  boolean runUntil(final BooleanSupplier done, final long limitMillis) {
    final long end = now + limitMillis;
    while (!done.getAsBoolean()) {
      final Event next = queue.peek();
      if (next != null && next.time <= nextTick) {
        queue.poll();
        now = next.time;
        next.action.run();
      } else {
        now = nextTick;
        nextTick += TICK_MILLIS;
        if (now > end) {
          return false;
        }
        for (final SimNode n : nodes) {
          if (n.alive) {
            apply(n, n.protocol.onTick(now));
          }
        }
      }
    }
    return true;
  }

  /** Advances virtual time, delivering everything on the way. */
  void runFor(final long millis) {
    final long end = now + millis;
    runUntil(() -> now >= end, millis + TICK_MILLIS);
  }

  <T extends DhtAction> T awaitResult(final SimNode node, final Class<T> type, final long op) {
    final Object[] found = new Object[1];
    final boolean ok = runUntil(() -> {
      for (final DhtAction a : results.get(node.key())) {
        if (type.isInstance(a) && opOf(a) == op) {
          found[0] = a;
          return true;
        }
      }
      return false;
    }, 600_000);
    if (!ok) {
      throw new AssertionError("no " + type.getSimpleName() + " for op " + op + " at " + node.contact());
    }
    return type.cast(found[0]);
  }

  /** Any result of a FIND_VALUE operation: found or not found. */
  DhtAction awaitValueResult(final SimNode node, final long op) {
    final DhtAction[] found = new DhtAction[1];
    runUntil(() -> {
      for (final DhtAction a : results.get(node.key())) {
        if ((a instanceof DhtAction.ValueFound || a instanceof DhtAction.ValueNotFound) && opOf(a) == op) {
          found[0] = a;
          return true;
        }
      }
      return false;
    }, 600_000);
    return found[0];
  }

  private static long opOf(final DhtAction a) {
    if (a instanceof DhtAction.LookupFinished l) {
      return l.op();
    } else if (a instanceof DhtAction.ValueFound v) {
      return v.op();
    } else if (a instanceof DhtAction.ValueNotFound v) {
      return v.op();
    } else if (a instanceof DhtAction.StoreFinished s) {
      return s.op();
    }
    return Long.MIN_VALUE;
  }

  /** The true r closest live members to a chunk, by global knowledge. */
  List<PublicKey> trueClosest(final NodeId target, final int count) {
    return alive().stream().map(SimNode::contact).sorted(Contact.byDistanceTo(target)).limit(count)
        .map(Contact::key).toList();
  }

  List<SimNode> holders(final ContentId id) {
    return alive().stream().filter(n -> n.chunks.has(id)).toList();
  }

  /** Kills a node: it stops sending and receiving; with {@code announce}, every live node is told it left. */
  void kill(final SimNode node, final boolean announce) {
    node.alive = false;
    if (announce) {
      members.remove(node.key());
      for (final SimNode n : alive()) {
        apply(n, n.protocol.onMemberLeft(now, node.key()));
      }
    }
  }

  static SecureRandom seeded(final long seed) {
    try {
      final SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (final NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
