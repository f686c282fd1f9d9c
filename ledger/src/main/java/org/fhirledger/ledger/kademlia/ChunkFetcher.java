package org.fhirledger.ledger.kademlia;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.DagException;
import org.fhirledger.ledger.dag.DagLink;
import org.fhirledger.ledger.dag.DagNode;
import org.fhirledger.ledger.dag.DagReader;

/**
 * Reads content that lives on other members: fetches its Merkle-DAG level by level, each level's chunks in
 * parallel from several holders (the chunk's XOR-closest members, least busy first, at most
 * {@code perHolder} requests in flight to one), checks every chunk against its id on its own threads (never on
 * the DHT's event thread), and on a wrong chunk, a holder without it or a dead holder asks the next candidate;
 * when every candidate failed, an iterative FIND_VALUE searches the whole network, and after that up to
 * {@link #PASSES} passes. The content is put together with every size checked against its parent.
 */
public final class ChunkFetcher implements AutoCloseable {
  /** Candidates tried per chunk beyond r before the iterative lookup (views of the holders may differ a little). */
  static final int EXTRA_CANDIDATES = 2;
  /**
   * Times a chunk goes through all its candidates and the lookup before the fetch fails; between passes the
   * fetcher waits 500 ms times the pass number, so connections lost for a moment (a restart, a GC pause that
   * tripped the heartbeat) do not fail a read.
   */
  static final int PASSES = 3;

  private final DhtNode dht;
  private final int perHolder;
  private final ExecutorService verifiers;
  private final LongAdder badChunks = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder fetched = new LongAdder();

  public ChunkFetcher(final DhtNode dht, final int perHolder, final int verifierThreads) {
    this.dht = dht;
    this.perHolder = perHolder;
    final AtomicInteger n = new AtomicInteger();
    this.verifiers = Executors.newFixedThreadPool(verifierThreads, r -> {
      final Thread t = new Thread(r, "chunk-verify-" + dht.publicKey().toShortHex() + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Chunks whose bytes did not match their id (a lying or broken holder). */
  public long badChunks() {
    return badChunks.sum();
  }

  /** Requests sent again to another holder after a wrong chunk, a miss or a failure. */
  public long retries() {
    return retries.sum();
  }

  public long chunksFetched() {
    return fetched.sum();
  }

  /** The whole content under {@code root}, byte-identical to what was stored, or a DagException. */
  public CompletableFuture<byte[]> fetchContent(final ContentId root) {
    final Map<ContentId, byte[]> got = new java.util.concurrent.ConcurrentHashMap<>();
    return fetchLevel(List.of(root), got).thenApply(ignored -> assemble(root, got));
  }

  /**
   * Every chunk in {@code got} was checked against its id when it arrived, so the content is put together
   * without hashing it again (what {@link DagReader#read} would do): one array of the root's size, each leaf
   * copied into place, every size checked against what its parent declares.
   */
  private static byte[] assemble(final ContentId root, final Map<ContentId, byte[]> got) {
    if (root.codec() == ContentId.CODEC_RAW) {
      return got.get(root);
    }
    final DagNode node = decode(root, got.get(root));
    if (node.size() > Integer.MAX_VALUE - 64) {
      throw new DagException(root, "content of " + node.size() + " bytes does not fit in memory; stream it");
    }
    final byte[] out = new byte[(int) node.size()];
    final int end = fill(root, node, got, out, 0, 1);
    if (end != out.length) {
      throw new DagException.CorruptChunk(root, "children hold " + end + " bytes, node says " + out.length);
    }
    return out;
  }

  private static int fill(final ContentId id, final DagNode node, final Map<ContentId, byte[]> got, final byte[] out,
      final int offset, final int depth) {
    if (depth > DagReader.MAX_DEPTH) {
      throw new DagException.CorruptChunk(id, "DAG deeper than " + DagReader.MAX_DEPTH);
    }
    int at = offset;
    for (final DagLink link : node.links()) {
      final byte[] bytes = got.get(link.id());
      if (link.id().codec() == ContentId.CODEC_RAW) {
        if (bytes.length != link.size() || at + bytes.length > out.length) {
          throw new DagException.CorruptChunk(link.id(), "holds " + bytes.length + " bytes, its parent says " + link.size());
        }
        System.arraycopy(bytes, 0, out, at, bytes.length);
        at += bytes.length;
      } else {
        final DagNode child = decode(link.id(), bytes);
        if (child.size() != link.size()) {
          throw new DagException.CorruptChunk(link.id(), "holds " + child.size() + " bytes, its parent says " + link.size());
        }
        at = fill(link.id(), child, got, out, at, depth + 1);
      }
    }
    return at;
  }

  private static DagNode decode(final ContentId id, final byte[] bytes) {
    if (id.codec() != ContentId.CODEC_DAG_NODE) {
      throw new DagException.CorruptChunk(id, "unknown codec 0x" + Integer.toHexString(id.codec()));
    }
    try {
      return DagNode.decode(bytes);
    } catch (final DecodingException e) {
      throw new DagException.CorruptChunk(id, e.getMessage());
    }
  }

  /** Fetches a level, then the children of its interior nodes as the next level, until only leaves came. */
  private CompletableFuture<Void> fetchLevel(final List<ContentId> level, final Map<ContentId, byte[]> got) {
    if (level.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return fetchChunks(level).thenCompose(chunks -> {
      got.putAll(chunks);
      final List<ContentId> next = new ArrayList<>();
      final Set<ContentId> seen = new HashSet<>();
      for (final ContentId id : level) {
        if (id.codec() != ContentId.CODEC_RAW) {
          for (final DagLink l : decode(id, chunks.get(id)).links()) {
            if (!got.containsKey(l.id()) && seen.add(l.id())) {
              next.add(l.id());
            }
          }
        }
      }
      return fetchLevel(next, got);
    });
  }

  /** The given chunks, each checked against its id; chunks held locally are read locally. */
  public CompletableFuture<Map<ContentId, byte[]>> fetchChunks(final List<ContentId> ids) {
    return dht.contacts().thenCompose(contacts -> {
      final Job job = new Job(ids, contacts);
      job.dispatch();
      return job.done;
    });
  }

  /** One fetch: which chunks wait, which holders are busy, which candidates each chunk has left. */
  private final class Job {
    final CompletableFuture<Map<ContentId, byte[]>> done = new CompletableFuture<>();
    final Map<ContentId, byte[]> result = new HashMap<>();
    final Map<ContentId, Deque<PublicKey>> candidates = new HashMap<>();
    final Map<ContentId, List<PublicKey>> allCandidates = new HashMap<>();
    final Map<ContentId, Integer> passes = new HashMap<>();
    final Deque<ContentId> waiting = new ArrayDeque<>();
    final Map<PublicKey, Integer> busy = new HashMap<>();
    final Set<ContentId> searching = new HashSet<>();
    final int total;

    Job(final List<ContentId> ids, final List<Contact> contacts) {
      final Set<ContentId> distinct = new java.util.LinkedHashSet<>(ids);
      total = distinct.size();
      final int r = dht.replication();
      for (final ContentId id : distinct) {
        final Optional<byte[]> local = dht.chunks().get(id);
        if (local.isPresent() && id.matches(local.get())) {
          result.put(id, local.get());
          continue;
        }
        final NodeId key = NodeId.ofContent(id);
        final Deque<PublicKey> list = new ArrayDeque<>();
        contacts.stream().sorted(Contact.byDistanceTo(key)).limit(r + EXTRA_CANDIDATES)
            .forEach(c -> list.add(c.key()));
        candidates.put(id, list);
        allCandidates.put(id, List.copyOf(list));
        waiting.add(id);
      }
    }

    synchronized void dispatch() {
      if (done.isDone()) {
        return;
      }
      if (result.size() == total) {
        done.complete(Map.copyOf(result));
        return;
      }
      final int n = waiting.size();
      for (int i = 0; i < n; i++) {
        final ContentId id = waiting.poll();
        final Deque<PublicKey> left = candidates.get(id);
        if (left.isEmpty()) {
          search(id);
          continue;
        }
        final PublicKey holder = leastBusy(left);
        if (holder == null) {
          waiting.add(id); // every candidate is at its limit: wait for an answer
          continue;
        }
        left.remove(holder);
        busy.merge(holder, 1, Integer::sum);
        dht.fetch(holder, id).whenCompleteAsync((answer, error) -> onAnswer(id, holder, answer, error), verifiers);
      }
    }

    private PublicKey leastBusy(final Deque<PublicKey> left) {
      PublicKey best = null;
      int bestLoad = perHolder;
      for (final PublicKey k : left) {
        final int load = busy.getOrDefault(k, 0);
        if (load < bestLoad) {
          best = k;
          bestLoad = load;
        }
      }
      return best;
    }

    /** On a verifier thread: hashing happens here, outside the lock and off the DHT's event thread. */
    private void onAnswer(final ContentId id, final PublicKey holder, final DhtAction answer, final Throwable error) {
      final boolean good = error == null && answer instanceof DhtAction.ChunkReceived r && id.matches(r.data());
      if (error == null && answer instanceof DhtAction.ChunkReceived && !good) {
        badChunks.increment();
      }
      synchronized (this) {
        busy.merge(holder, -1, Integer::sum);
        if (good) {
          result.put(id, ((DhtAction.ChunkReceived) answer).data());
          fetched.increment();
        } else if (error != null && !(error instanceof CompletionException)) {
          done.completeExceptionally(error);
          return;
        } else {
          retries.increment();
          waiting.addFirst(id);
        }
      }
      dispatch();
    }

    /** Every candidate failed: the iterative lookup asks the network. */
    private void search(final ContentId id) {
      if (!searching.add(id)) {
        return;
      }
      dht.findValue(id).whenCompleteAsync((answer, error) -> {
        synchronized (this) {
          if (error == null && answer instanceof DhtAction.ValueFound v && id.matches(v.data())) {
            result.put(id, v.data());
            fetched.increment();
          } else if (passes.merge(id, 1, Integer::sum) < PASSES) {
            searching.remove(id);
            candidates.put(id, new ArrayDeque<>(allCandidates.get(id)));
            final long delay = 500L * passes.get(id);
            CompletableFuture.runAsync(() -> {
              synchronized (this) {
                waiting.add(id);
              }
              dispatch();
            }, CompletableFuture.delayedExecutor(delay, java.util.concurrent.TimeUnit.MILLISECONDS, verifiers));
            return;
          } else {
            done.completeExceptionally(error != null ? error : new DagException.MissingChunk(id));
            return;
          }
        }
        dispatch();
      }, verifiers);
    }
  }

  @Override
  public void close() {
    verifiers.shutdownNow();
  }
}
