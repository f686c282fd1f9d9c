package org.fhirledger.ledger.kademlia;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.fhirledger.ledger.p2p.PeerListener;
import org.fhirledger.ledger.p2p.PeerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shell around {@link KademliaProtocol}: one event thread owns it, the transport's threads only decode and
 * enqueue, a timer posts ticks, and the protocol's actions become sends on the transport or completions of the
 * callers' futures. Works on any {@link PeerTransport} (t-io, or an in-memory one); it is a {@link PeerListener}
 * for DHT payloads, so a node can give it the transport alone or route DHT payloads to it next to the ledger's.
 */
public final class DhtNode implements PeerListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DhtNode.class);
  public static final long TICK_MILLIS = 100;

  private final KademliaProtocol protocol;
  private final PeerTransport transport;
  private final MemberDirectory directory;
  private final LocalChunks chunks;
  private final LongSupplier clock;
  private final ScheduledExecutorService loop;
  private final AtomicLong ops = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final Map<Long, CompletableFuture<DhtAction>> waiting = new ConcurrentHashMap<>();
  private final String name;
  private final Signer signer;

  public DhtNode(
      final Signer signer,
      final DhtConfig config,
      final LocalChunks chunks,
      final MemberDirectory directory,
      final PeerTransport transport) {
    this.protocol = new KademliaProtocol(signer, config, chunks, directory::isMember, System.nanoTime());
    this.signer = signer;
    this.transport = transport;
    this.directory = directory;
    this.chunks = chunks;
    this.clock = System::currentTimeMillis;
    this.name = "dht-" + signer.publicKey().toShortHex();
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
      final Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /** Puts the current members in the table, looks up our own id, and starts the ticks. */
  public void start() {
    final List<PublicKey> members = directory.members().stream().map(Validator::publicKey).toList();
    post(() -> protocol.start(clock.getAsLong(), members));
    loop.scheduleWithFixedDelay(() -> run(() -> protocol.onTick(clock.getAsLong())),
        TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  public PublicKey publicKey() {
    return protocol.self().key();
  }

  public LocalChunks chunks() {
    return chunks;
  }

  /** Malformed DHT payloads dropped so far. */
  public long droppedMessages() {
    return dropped.get();
  }

  /** Iterative FIND_NODE. */
  public CompletableFuture<DhtAction.LookupFinished> findNode(final NodeId target, final int want) {
    final long op = ops.incrementAndGet();
    return submit(op, () -> protocol.findNode(clock.getAsLong(), op, target, want))
        .thenApply(DhtAction.LookupFinished.class::cast);
  }

  /** Iterative FIND_VALUE: completes with ValueFound (checked against the id) or ValueNotFound. */
  public CompletableFuture<DhtAction> findValue(final ContentId id) {
    final long op = ops.incrementAndGet();
    return submit(op, () -> protocol.findValue(clock.getAsLong(), op, id));
  }

  /** Places a chunk held locally on the r closest members; completes with their receipts. */
  public CompletableFuture<DhtAction.StoreFinished> store(final ContentId id) {
    final long op = ops.incrementAndGet();
    return submit(op, () -> protocol.store(clock.getAsLong(), op, id)).thenApply(DhtAction.StoreFinished.class::cast);
  }

  /** One STORE of the bytes to one chosen holder: {@link DhtAction.StoredAt} with its receipt or none. */
  public CompletableFuture<DhtAction.StoredAt> storeAt(final PublicKey holder, final ContentId id, final byte[] data) {
    final long op = ops.incrementAndGet();
    return submit(op, () -> protocol.storeAt(clock.getAsLong(), op, holder, id, data)).thenApply(DhtAction.StoredAt.class::cast);
  }

  /** This node's signed receipt for a chunk it holds. */
  public StorageReceipt ownReceipt(final ContentId id) {
    return StorageReceipt.sign(id, signer);
  }

  /** One FIND_VALUE to one holder: ChunkReceived (bytes not yet checked) or ChunkMissing. */
  public CompletableFuture<DhtAction> fetch(final PublicKey holder, final ContentId id) {
    final long op = ops.incrementAndGet();
    return submit(op, () -> protocol.fetch(clock.getAsLong(), op, holder, id));
  }

  /** The contacts of the routing table, read on the event thread. */
  public CompletableFuture<List<Contact>> contacts() {
    final CompletableFuture<List<Contact>> result = new CompletableFuture<>();
    execute(() -> result.complete(protocol.routing().contacts()), result);
    return result;
  }

  public CompletableFuture<DhtStats> stats() {
    final CompletableFuture<DhtStats> result = new CompletableFuture<>();
    execute(() -> result.complete(protocol.stats()), result);
    return result;
  }

  public int replication() {
    return protocol.config().replication();
  }

  /** A committed membership change removed a member: repair what it held. */
  public void memberLeft(final PublicKey key) {
    post(() -> protocol.onMemberLeft(clock.getAsLong(), key));
  }

  // ---- PeerListener: transport threads ------------------------------------------------------------------------

  @Override
  public void onMessage(final PublicKey from, final byte[] payload) {
    final DhtMessage message;
    try {
      message = DhtMessage.decode(payload);
    } catch (final DecodingException e) {
      dropped.incrementAndGet();
      LOG.debug("dht dropped malformed message node={} peer={} reason={}", name, from.toShortHex(), e.getMessage());
      return;
    }
    post(() -> protocol.onMessage(clock.getAsLong(), from, message));
  }

  @Override
  public void onPeerUp(final PublicKey peer) {
    post(() -> protocol.onMemberJoined(clock.getAsLong(), peer));
  }

  @Override
  public void onPeerDown(final PublicKey peer) {
    post(() -> protocol.onPeerUnreachable(clock.getAsLong(), peer));
  }

  // ---- event loop ---------------------------------------------------------------------------------------------

  private CompletableFuture<DhtAction> submit(final long op, final java.util.function.Supplier<List<DhtAction>> command) {
    final CompletableFuture<DhtAction> result = new CompletableFuture<>();
    waiting.put(op, result);
    execute(() -> handle(command.get()), result);
    return result;
  }

  private void post(final java.util.function.Supplier<List<DhtAction>> event) {
    try {
      loop.execute(() -> run(event));
    } catch (final RejectedExecutionException e) {
      // closed: late transport callbacks have nowhere to go
    }
  }

  private void execute(final Runnable task, final CompletableFuture<?> onReject) {
    try {
      loop.execute(task);
    } catch (final RejectedExecutionException e) {
      onReject.completeExceptionally(new IllegalStateException("the DHT node is closed"));
    }
  }

  private void run(final java.util.function.Supplier<List<DhtAction>> event) {
    try {
      handle(event.get());
    } catch (final RuntimeException e) {
      LOG.warn("dht event failed node={} error={}", name, e.toString(), e);
    }
  }

  private void handle(final List<DhtAction> actions) {
    for (final DhtAction a : actions) {
      if (a instanceof DhtAction.Send s) {
        if (!transport.send(s.to(), s.message().encode())) {
          // not connected or its queue is full: fail its requests now instead of at their time-out
          handle(protocol.onPeerUnreachable(clock.getAsLong(), s.to()));
        }
      } else {
        final CompletableFuture<DhtAction> f = waiting.remove(opOf(a));
        if (f != null) {
          f.complete(a);
        }
      }
    }
  }

  private static long opOf(final DhtAction a) {
    if (a instanceof DhtAction.LookupFinished x) {
      return x.op();
    } else if (a instanceof DhtAction.ValueFound x) {
      return x.op();
    } else if (a instanceof DhtAction.ValueNotFound x) {
      return x.op();
    } else if (a instanceof DhtAction.StoreFinished x) {
      return x.op();
    } else if (a instanceof DhtAction.ChunkReceived x) {
      return x.op();
    } else if (a instanceof DhtAction.ChunkMissing x) {
      return x.op();
    } else if (a instanceof DhtAction.StoredAt x) {
      return x.op();
    }
    throw new IllegalStateException("no operation: " + a);
  }

  @Override
  public void close() {
    loop.shutdownNow();
    waiting.values().forEach(f -> f.completeExceptionally(new IllegalStateException("the DHT node is closed")));
    waiting.clear();
  }
}
