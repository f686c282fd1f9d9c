package org.fhirledger.ledger.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.BlockHeader;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.CommitSeal;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.consensus.ConsensusAction;
import org.fhirledger.ledger.consensus.VoteJournal;
import org.fhirledger.ledger.consensus.ConsensusEvent;
import org.fhirledger.ledger.consensus.messages.ConsensusCodec;
import org.fhirledger.ledger.consensus.messages.ConsensusMessage;
import org.fhirledger.ledger.consensus.messages.Proposal;
import org.fhirledger.ledger.consensus.validation.MessageValidator;
import org.fhirledger.ledger.consensus.statemachine.Evidence;
import org.fhirledger.ledger.consensus.statemachine.IpbftStateMachine;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.RememberingSigner;
import org.fhirledger.ledger.crypto.RememberingVerifier;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.p2p.PeerListener;
import org.fhirledger.ledger.p2p.PeerTransport;
import org.fhirledger.ledger.store.AppliedBlock;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hospital's ledger node: the thin shell around the I-PBFT state machine. Everything that touches
 * consensus, the mempool or the store's write side runs on one event thread, fed by the transport, the
 * timers and client submissions, so the state machine needs no locks and sees events in one order.
 */
public final class LedgerNode implements AutoCloseable {
  /** Where this validator's votes and lock at the current height are kept (see {@link VoteJournal}). */
  static final String VOTE_JOURNAL_KEY = "ipbft-vote-journal";
  static final String VOTE_LOCK_KEY = "ipbft-vote-lock";
  private static final Logger LOG = LoggerFactory.getLogger(LedgerNode.class);
  private static final int MEMPOOL_CAPACITY = 200_000;
  /** One gossip message carries at most about this much (the transport's frames go to 64 MiB). */
  private static final long GOSSIP_BATCH_BYTES = 8L * 1024 * 1024;
  /**
   * Valid signatures remembered between a transport thread's check and the event thread's (a few heights of
   * votes and transactions at full load, a catch-up batch of blocks; ~300 bytes each).
   */
  static final int REMEMBERED_SIGNATURES = 65_536;

  private final Genesis genesis;
  private final Signer signer;
  private final SignatureVerifier verifier;
  private final MessageValidator signatureCheck;
  private final LedgerStore store;
  private final PeerTransport transport;
  private final NodeConfig config;
  private final List<BlockListener> listeners;
  private final BlockExecutor executor;
  private final LedgerBlockValidator blockValidator;
  private final Mempool mempool = new Mempool(MEMPOOL_CAPACITY);
  private final Map<Hash32, CompletableFuture<TransactionOutcome>> waiting = new HashMap<>();
  private final ThreadPoolExecutor loop;
  private final ScheduledThreadPoolExecutor timers;
  private final AtomicLong dropped = new AtomicLong();
  private IpbftStateMachine consensus;
  private boolean pendingSignalScheduled;
  private final List<PendingTransaction> gossipOutbox = new ArrayList<>();
  private boolean gossipFlushQueued;
  private long syncRequestedAt = -1;
  private volatile NodeStatus lastStatus;
  private volatile List<Evidence> lastEvidence = List.of();

  public LedgerNode(
      final Genesis genesis,
      final Signer signer,
      final SignatureVerifier verifier,
      final LedgerStore store,
      final PeerTransport transport,
      final NodeConfig config,
      final List<BlockListener> listeners) {
    this(genesis, signer, verifier, store, transport, config, listeners, ContentTermExtractor.NONE);
  }

  /** A node whose application derives condition keys and references from content (the FHIR layer does). */
  public LedgerNode(
      final Genesis genesis,
      final Signer signer,
      final SignatureVerifier verifier,
      final LedgerStore store,
      final PeerTransport transport,
      final NodeConfig config,
      final List<BlockListener> listeners,
      final ContentTermExtractor extractor) {
    this.genesis = genesis;
    // Signatures are verified on the transport's threads as messages arrive; the event thread's checks (state
    // machine, block validator, certificates) go through the same verifier and find them remembered, as they find
    // the node's own signatures (its transactions in another validator's proposal).
    final RememberingVerifier remembering = new RememberingVerifier(verifier, REMEMBERED_SIGNATURES);
    this.verifier = remembering;
    this.signer = new RememberingSigner(signer, remembering);
    this.signatureCheck = new MessageValidator(genesis.chainId(), this.verifier);
    this.store = store;
    this.transport = transport;
    this.config = config;
    this.listeners = List.copyOf(listeners);
    this.executor = new BlockExecutor(store, extractor);
    this.blockValidator = new LedgerBlockValidator(genesis.chainId(), genesis.manager(), store, this.verifier, this::verifiedInMempool,
        genesis.largeContentThreshold());
    final String name = genesis.validatorSet().byKey(signer.publicKey()).map(v -> v.name()).orElse(signer.publicKey().toShortHex());
    this.loop = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(config.eventQueueCapacity()),
        r -> daemon(r, "ledger-" + name));
    this.timers = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "ledger-timers-" + name));
    this.timers.setRemoveOnCancelPolicy(true);
  }

  private static Thread daemon(final Runnable r, final String name) {
    final Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Opens the chain at the store's height, starts the transport and the consensus. */
  public void start() throws IOException {
    store.initGenesis(genesis);
    // quorum, proposer rotation and message checks of each height follow the validator history on disk
    consensus = new IpbftStateMachine(genesis.chainId(), signer, verifier, store::validatorsAt, this::createBlock, blockValidator,
        config.consensus());
    updateStatus();
    transport.start(new Listener());
    final VoteJournal votes = store.metadata(VOTE_JOURNAL_KEY).map(VoteJournal::decode).orElse(null);
    final VoteJournal saved = votes == null ? null : store.metadata(VOTE_LOCK_KEY).map(votes::withLockFrom).orElse(votes);
    submitEvent(() -> perform(consensus.start(store.height(), store.blockHash(store.height()).orElseThrow(), saved)));
    final long interval = config.statusInterval().toMillis();
    timers.scheduleWithFixedDelay(() -> submitEvent(this::broadcastStatus), interval, interval, TimeUnit.MILLISECONDS);
    LOG.info("ledger node started node={} height={} validators={}", signer.publicKey().toShortHex(), store.height(),
        currentValidators().size());
  }

  /**
   * Hands a signed transaction and its content to consensus. The future completes once the block holding it
   * is final and applied here, with the outcome every node computed for it.
   */
  public CompletableFuture<TransactionOutcome> submit(final Transaction tx, final List<Chunk> chunks) {
    final CompletableFuture<TransactionOutcome> result = new CompletableFuture<>();
    final PendingTransaction pending = new PendingTransaction(tx, chunks);
    // receipts of large content are checked here, on the writer's thread, not on the event thread
    final String badPlacement = blockValidator.precheckPlacements(tx, chunks);
    if (badPlacement != null) {
      result.completeExceptionally(new NodeBusyException("the placement of the content is not valid: " + badPlacement));
      return result;
    }
    final boolean queued = submitEvent(() -> {
      final Optional<TransactionOutcome> done = store.outcome(tx.hash());
      if (done.isPresent()) {
        result.complete(done.get());
        return;
      }
      if (!blockValidator.mayOriginate(tx.origin(), currentValidators())) {
        // a removed member's (or a stranger's) transaction would make any block that carries it invalid
        result.completeExceptionally(new NodeBusyException("the origin of the transaction is not a member of the consortium"));
        return;
      }
      waiting.put(tx.hash(), result);
      if (mempool.add(pending)) {
        queueGossip(pending);
        signalPending();
      } else if (!mempool.contains(tx.hash())) {
        waiting.remove(tx.hash());
        result.completeExceptionally(new NodeBusyException("the transaction pool is full"));
      }
    });
    if (!queued) {
      result.completeExceptionally(new NodeBusyException("the node's event queue is full"));
    }
    return result;
  }

  public LedgerStore store() {
    return store;
  }

  public Genesis genesis() {
    return genesis;
  }

  public PublicKey publicKey() {
    return signer.publicKey();
  }

  public Signer signer() {
    return signer;
  }

  /** The validators in force at the next height: who votes on what this node proposes or submits now. */
  public ValidatorSet currentValidators() {
    return store.validatorsAt(store.height() + 1);
  }

  public NodeStatus status() {
    final NodeStatus s = lastStatus;
    return new NodeStatus(s.nodeId(), s.publicKey(), s.chainId(), store.height(), store.blockHash(store.height()).orElse(Hash32.ZERO),
        s.validators(), transport.connectedPeers().size(), s.consensusHeight(), s.consensusRound(), s.pendingTransactions(),
        s.evidence(), dropped.get());
  }

  /** Conflicting signed messages seen from validators (at most the state machine's bound), oldest first. */
  public List<Evidence> evidence() {
    return lastEvidence;
  }

  private boolean submitEvent(final Runnable event) {
    try {
      loop.execute(() -> {
        try {
          event.run();
        } catch (final RuntimeException e) {
          LOG.error("event failed node={}", signer.publicKey().toShortHex(), e);
        }
        updateStatus();
      });
      return true;
    } catch (final RejectedExecutionException e) {
      dropped.incrementAndGet();
      return false;
    }
  }

  private long loggedHeight;
  private int loggedRound;

  private void logRoundChange() {
    if (consensus != null && consensus.round() > 0 && (consensus.height() != loggedHeight || consensus.round() != loggedRound)) {
      LOG.info("round change node={} height={} round={}", signer.publicKey().toShortHex(), consensus.height(), consensus.round());
    }
    if (consensus != null) {
      loggedHeight = consensus.height();
      loggedRound = consensus.round();
    }
  }

  private void updateStatus() {
    logRoundChange();
    lastStatus = new NodeStatus(
        signer.publicKey().nodeIdHex(), signer.publicKey().toHex(), genesis.chainId(), store.height(), Hash32.ZERO,
        // after start the store holds the genesis (asking the store decoded it from RocksDB after every event)
        consensus != null ? currentValidators().size() : genesis.validators().size(),
        0, consensus == null ? 0 : consensus.height(), consensus == null ? 0 : consensus.round(), mempool.size(),
        consensus == null ? 0 : consensus.evidenceCount(), dropped.get());
    if (consensus != null && consensus.evidenceCount() != lastEvidence.size()) {
      lastEvidence = consensus.evidence(); // copied only when it grew: it is read from request threads
    }
  }

  // A gossiped transaction's signature was checked when it entered the mempool. The hash does not cover the
  // signature, so only the very same signature bytes may skip the check.
  private boolean verifiedInMempool(final Transaction tx) {
    final PendingTransaction pending = mempool.get(tx.origin(), tx.hash());
    return pending != null && pending.transaction().equals(tx);
  }

  // Gossip batching: the first transaction of a turn queues a flush behind the events already waiting, so every
  // transaction submitted before the flush runs leaves in the same message. At low load that is one transaction
  // and no added delay (the flush is the next event); under load, one frame per peer carries many.
  private void queueGossip(final PendingTransaction pending) {
    gossipOutbox.add(pending);
    if (!gossipFlushQueued) {
      gossipFlushQueued = true;
      if (!submitEvent(this::flushGossip)) {
        flushGossip(); // the queue is full: send now rather than never
      }
    }
  }

  private void flushGossip() {
    gossipFlushQueued = false;
    List<PendingTransaction> batch = new ArrayList<>();
    long bytes = 0;
    for (final PendingTransaction p : gossipOutbox) {
      if (!batch.isEmpty() && bytes + p.sizeBytes() > GOSSIP_BATCH_BYTES) {
        transport.broadcast(new NodeMessage.TransactionGossip(batch).encode());
        batch = new ArrayList<>();
        bytes = 0;
      }
      batch.add(p);
      bytes += p.sizeBytes();
    }
    if (!batch.isEmpty()) {
      transport.broadcast(new NodeMessage.TransactionGossip(batch).encode());
    }
    gossipOutbox.clear();
  }

  // Batching: the first pending transaction arms a short timer, so one block carries what arrives meanwhile.
  private void signalPending() {
    if (mempool.size() >= config.blockMaxTransactions()) {
      // A full block's worth is waiting: no batching delay, but still as its own event, never re-entrantly.
      submitEvent(() -> perform(consensus.handle(new ConsensusEvent.TransactionsPending())));
      return;
    }
    if (!pendingSignalScheduled) {
      pendingSignalScheduled = true;
      timers.schedule(() -> submitEvent(() -> {
        pendingSignalScheduled = false;
        if (!mempool.isEmpty()) {
          perform(consensus.handle(new ConsensusEvent.TransactionsPending()));
        }
      }), config.blockWait().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private Optional<Block> createBlock(final long height, final int round, final Hash32 parent) {
    if (store.height() != height - 1) {
      // The parent is final but not applied yet (its Finalize action is still queued behind this call): the
      // mempool still holds its transactions. Propose on the TransactionsPending that follows the apply.
      return Optional.empty();
    }
    final List<PendingTransaction> selected = mempool.select(config.blockMaxTransactions(), config.blockMaxBytes());
    if (selected.isEmpty()) {
      return Optional.empty();
    }
    final List<Transaction> txs = new ArrayList<>(selected.size());
    final Map<ContentId, Chunk> chunks = new LinkedHashMap<>();
    for (final PendingTransaction p : selected) {
      if (!placementStillValid(p, height)) {
        continue;
      }
      txs.add(p.transaction());
      for (final Chunk c : p.chunks()) {
        // A chunk already in the store came with an earlier block that every node applied before this one.
        if (!chunks.containsKey(c.id()) && !store.hasChunk(c.id())) {
          chunks.put(c.id(), c);
        }
      }
    }
    if (txs.isEmpty()) {
      return Optional.empty();
    }
    final List<Chunk> chunkList = List.copyOf(chunks.values());
    final BlockHeader header = new BlockHeader(genesis.chainId(), height, parent, System.currentTimeMillis(), signer.publicKey(), round,
        Block.transactionsRoot(txs), Block.contentRoot(chunkList));
    return Optional.of(new Block(header, txs, chunkList));
  }

  /**
   * A transaction with placed content is proposed only while its receipts match the assignment of the height
   * (a membership change since its placement moves the assignment): otherwise every validator would refuse the
   * block and the round would be lost. Such a transaction leaves the pool and its writer gets a 503.
   */
  private boolean placementStillValid(final PendingTransaction p, final long height) {
    final Transaction tx = p.transaction();
    if (tx.placements().isEmpty()) {
      return true;
    }
    final Map<ContentId, byte[]> carried = new HashMap<>();
    p.chunks().forEach(c -> carried.put(c.id(), c.dataUnsafe()));
    final String why = blockValidator.checkContent(tx, store.validatorsAt(height), carried);
    if (why == null) {
      return true;
    }
    LOG.warn("dropped transaction with invalid placement node={} tx={} reason={}", signer.publicKey().toShortHex(),
        tx.hash().toShortHex(), why);
    mempool.remove(tx.origin(), tx.hash());
    final CompletableFuture<TransactionOutcome> f = waiting.remove(tx.hash());
    if (f != null) {
      f.completeExceptionally(new NodeBusyException("the placement of the content is no longer valid: " + why));
    }
    return false;
  }

  private void perform(final List<ConsensusAction> actions) {
    boolean finalized = false;
    for (final ConsensusAction action : actions) {
      if (action instanceof ConsensusAction.PersistVotes v) {
        // synced before the vote that changed it leaves this node (the broadcast is a later action); a new lock
        // goes in the same batch as the COMMIT vote it comes with: one disk flush for both
        if (v.lockChanged()) {
          store.putMetadata(Map.of(VOTE_LOCK_KEY, v.journal().lock().encode(v.journal().height()), VOTE_JOURNAL_KEY, v.journal().encode()));
        } else {
          store.putMetadata(VOTE_JOURNAL_KEY, v.journal().encode());
        }
      } else if (action instanceof ConsensusAction.Broadcast b) {
        transport.broadcast(new NodeMessage.ConsensusPayload(ConsensusCodec.encode(b.message())).encode());
      } else if (action instanceof ConsensusAction.SendTo s) {
        transport.send(s.peer(), new NodeMessage.ConsensusPayload(ConsensusCodec.encode(s.message())).encode());
      } else if (action instanceof ConsensusAction.ScheduleTimeout t) {
        timers.schedule(() -> submitEvent(() -> perform(consensus.handle(new ConsensusEvent.RoundTimeout(t.height(), t.round())))),
            t.delay().toMillis(), TimeUnit.MILLISECONDS);
      } else if (action instanceof ConsensusAction.Finalize f) {
        applyFinal(f.block(), f.certificate());
        finalized = true;
      } else if (action instanceof ConsensusAction.CatchUp) {
        requestSync(null);
      } else if (action instanceof ConsensusAction.BlockRejected r) {
        // a signed block that breaks the chain's rules: a faulty or Byzantine proposer, worth an operator's look
        LOG.warn("rejected block height={} round={} hash={} proposer={} reason={}", r.height(), r.round(),
            r.blockHash().toShortHex(), r.proposer().toShortHex(), r.reason());
      }
    }
    if (finalized) {
      // the block is on disk, and with it the validators of the next height: let consensus start that height
      perform(consensus.handle(new ConsensusEvent.ChainAdvanced(store.height(), store.blockHash(store.height()).orElseThrow())));
    }
  }

  private void applyFinal(final Block block, final CommitCertificate certificate) {
    if (block.height() <= store.height()) {
      // Already applied through catch-up; the state machine's own Finalize for it arrived late.
      return;
    }
    final AppliedBlock applied = executor.execute(block, certificate);
    store.apply(applied);
    if (applied.nextValidators() != null) {
      onValidatorsChanged(block.height() + 1, applied.nextValidators());
    }
    for (final BlockListener l : listeners) {
      l.onBlockApplied(applied);
    }
    for (final TransactionOutcome o : applied.outcomes()) {
      mempool.remove(block.transactions().get(o.txIndex()).origin(), o.txHash());
      final CompletableFuture<TransactionOutcome> f = waiting.remove(o.txHash());
      if (f != null) {
        f.complete(o);
      }
    }
    LOG.info("block committed height={} hash={} round={} txs={} seals={}", block.height(), block.hash().toShortHex(),
        certificate.round(), block.transactions().size(), certificate.seals().size());
    if (!mempool.isEmpty()) {
      signalPending();
    }
  }

  /**
   * A member that left can no longer originate transactions: its pending ones would make every block that
   * carries them invalid, so they leave the pool and their writers learn it. The transport follows the new set
   * by itself (its directory reads the store) within one heartbeat.
   */
  private void onValidatorsChanged(final long fromHeight, final ValidatorSet next) {
    LOG.info("validators changed node={} from_height={} n={} quorum={} validators={}", signer.publicKey().toShortHex(), fromHeight,
        next.size(), next.quorum(), next);
    for (final PendingTransaction p : mempool.removeOrigins(origin -> !blockValidator.mayOriginate(origin, next))) {
      final CompletableFuture<TransactionOutcome> f = waiting.remove(p.transaction().hash());
      if (f != null) {
        f.completeExceptionally(new NodeBusyException("the origin of the transaction is no longer a member"));
      }
    }
  }

  private void broadcastStatus() {
    final long h = store.height();
    transport.broadcast(new NodeMessage.Status(h, store.blockHash(h).orElseThrow()).encode());
  }

  private void requestSync(final PublicKey peer) {
    final long now = System.nanoTime();
    if (syncRequestedAt >= 0 && now - syncRequestedAt < TimeUnit.SECONDS.toNanos(2)) {
      return;
    }
    syncRequestedAt = now;
    final byte[] request = new NodeMessage.SyncRequest(store.height() + 1, config.syncBatchBlocks()).encode();
    if (peer == null) {
      transport.broadcast(request);
    } else {
      transport.send(peer, request);
    }
  }

  private void onPeerMessage(final PublicKey from, final NodeMessage message) {
    if (message instanceof NodeMessage.TransactionGossip g) {
      for (final PendingTransaction pending : g.transactions()) {
        onVerifiedGossip(pending);
      }
    } else if (message instanceof NodeMessage.Status s) {
      if (s.height() > store.height()) {
        requestSync(from);
      }
    } else if (message instanceof NodeMessage.SyncRequest r) {
      onSyncRequest(from, r);
    } else if (message instanceof NodeMessage.SyncResponse r) {
      onSyncResponse(from, r);
    }
  }

  /** A gossiped transaction whose chain, origin and signature the transport thread has checked. */
  private void onVerifiedGossip(final PendingTransaction pending) {
    final Transaction tx = pending.transaction();
    if (mempool.contains(tx.hash()) || store.outcome(tx.hash()).isPresent()) {
      return;
    }
    if (mempool.add(pending)) {
      signalPending();
    }
  }

  /** A consensus message decoded, and its own signature verified, on a transport thread; the state machine checks the rest. */
  private void onConsensusMessage(final ConsensusMessage message) {
    perform(consensus.handle(new ConsensusEvent.MessageReceived(message)));
  }

  private void onSyncRequest(final PublicKey from, final NodeMessage.SyncRequest request) {
    final long last = Math.min(store.height(), request.fromHeight() + Math.min(request.maxBlocks(), config.syncBatchBlocks()) - 1);
    if (request.fromHeight() < 1 || request.fromHeight() > last) {
      return;
    }
    final List<NodeMessage.CertifiedBlock> blocks = new ArrayList<>();
    for (long h = request.fromHeight(); h <= last; h++) {
      blocks.add(new NodeMessage.CertifiedBlock(store.block(h).orElseThrow(), store.certificate(h).orElseThrow()));
    }
    transport.send(from, new NodeMessage.SyncResponse(blocks).encode());
  }

  // Catch-up trusts no peer: each block must extend our chain and carry a quorum certificate for its hash.
  private void onSyncResponse(final PublicKey from, final NodeMessage.SyncResponse response) {
    final long before = store.height();
    for (final NodeMessage.CertifiedBlock cb : response.blocks()) {
      final Block block = cb.block();
      if (block.height() <= store.height()) {
        continue;
      }
      final String why = checkCertifiedBlock(block, cb.certificate());
      if (why != null) {
        dropped.incrementAndGet();
        LOG.warn("refused block from peer={} height={} reason={}", from.toShortHex(), block.height(), why);
        break;
      }
      applyFinal(block, cb.certificate());
    }
    syncRequestedAt = -1;
    if (store.height() > before) {
      perform(consensus.handle(new ConsensusEvent.ChainAdvanced(store.height(), store.blockHash(store.height()).orElseThrow())));
      if (response.blocks().size() >= config.syncBatchBlocks()) {
        requestSync(from);
      }
    }
  }

  private String checkCertifiedBlock(final Block block, final CommitCertificate cert) {
    if (block.height() != store.height() + 1) {
      return "not the next height";
    }
    if (!genesis.chainId().equals(block.header().chainId())) {
      return "another chain";
    }
    if (!block.header().parentHash().equals(store.blockHash(store.height()).orElseThrow())) {
      return "does not extend our chain";
    }
    if (cert.height() != block.height() || !cert.blockHash().equals(block.hash())) {
      return "certificate is for another block";
    }
    // the set in force at that height, from our own history (built block by block from certified blocks)
    final String certProblem = cert.check(genesis.chainId(), store.validatorsAt(block.height()), verifier);
    if (certProblem != null) {
      return "invalid certificate: " + certProblem;
    }
    return blockValidator.validate(block);
  }

  @Override
  public void close() {
    timers.shutdownNow();
    loop.shutdown();
    try {
      if (!loop.awaitTermination(5, TimeUnit.SECONDS)) {
        loop.shutdownNow();
      }
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      loop.shutdownNow();
    }
    transport.close();
    for (final CompletableFuture<TransactionOutcome> f : waiting.values()) {
      f.completeExceptionally(new NodeBusyException("the node is shutting down"));
    }
    LOG.info("ledger node stopped node={}", signer.publicKey().toShortHex());
  }

  private final class Listener implements PeerListener {
    @Override
    public void onMessage(final PublicKey from, final byte[] payload) {
      // Decoding and the stateless checks of a gossiped transaction (chain, member, Ed25519 signature: the
      // largest cost in the write-path profile) run here, on the transport's threads, so that the one event
      // thread that runs consensus and applies blocks only sees transactions already verified.
      final NodeMessage message;
      try {
        message = NodeMessage.decode(payload);
      } catch (final DecodingException e) {
        dropped.incrementAndGet();
        LOG.debug("dropped malformed message peer={} reason={}", from.toShortHex(), e.getMessage());
        return;
      }
      if (message instanceof NodeMessage.ConsensusPayload c) {
        onConsensusPayload(from, c.payload());
        return;
      }
      if (message instanceof NodeMessage.SyncResponse r) {
        verifyAhead(r);
      }
      if (message instanceof NodeMessage.TransactionGossip g) {
        final List<PendingTransaction> verified = new ArrayList<>(g.transactions().size());
        for (final PendingTransaction p : g.transactions()) {
          String why = blockValidator.checkSignedTransaction(p.transaction());
          if (why == null) {
            why = blockValidator.precheckPlacements(p.transaction(), p.chunks());
          }
          if (why == null) {
            verified.add(p);
          } else {
            dropped.incrementAndGet();
            LOG.warn("dropped gossiped transaction peer={} reason={}", from.toShortHex(), why);
          }
        }
        if (!verified.isEmpty()) {
          final NodeMessage checked = new NodeMessage.TransactionGossip(verified);
          submitEvent(() -> onPeerMessage(from, checked));
        }
        return;
      }
      submitEvent(() -> onPeerMessage(from, message));
    }

    /**
     * Decoding (a proposal's block: every transaction and chunk hashed, both Merkle roots) and the Ed25519 checks of
     * a consensus message run here, in parallel, not on the one event thread: a message whose signature fails is
     * dropped (it would fail the state machine's check at any height); the state machine still checks everything,
     * and finds the signatures verified here remembered. A proposal's transactions that did not arrive by gossip
     * first are verified here too, for the block validator.
     */
    private void onConsensusPayload(final PublicKey from, final byte[] payload) {
      final ConsensusMessage decoded;
      try {
        decoded = ConsensusCodec.decode(payload);
      } catch (final DecodingException e) {
        dropped.incrementAndGet();
        LOG.debug("dropped malformed consensus message peer={} reason={}", from.toShortHex(), e.getMessage());
        return;
      }
      final String why = signatureCheck.checkSignatures(decoded);
      if (why != null) {
        dropped.incrementAndGet();
        LOG.debug("dropped consensus message peer={} reason={}", from.toShortHex(), why);
        return;
      }
      if (decoded instanceof Proposal p) {
        blockValidator.verifyAhead(p.block());
      }
      submitEvent(() -> onConsensusMessage(decoded));
    }

    /** The seals of each certificate and the transactions of each block, so catch-up on the event thread finds them verified. */
    private void verifyAhead(final NodeMessage.SyncResponse response) {
      for (final NodeMessage.CertifiedBlock cb : response.blocks()) {
        final CommitCertificate cert = cb.certificate();
        final byte[] signed = CommitSeal.signedBytes(genesis.chainId(), cert.height(), cert.blockHash());
        for (final CommitSeal seal : cert.seals()) {
          verifier.verify(seal.validator(), signed, seal.signature());
        }
        blockValidator.verifyAhead(cb.block());
      }
    }

    @Override
    public void onPeerUp(final PublicKey peer) {
      submitEvent(() -> {
        final long h = store.height();
        transport.send(peer, new NodeMessage.Status(h, store.blockHash(h).orElseThrow()).encode());
      });
    }
  }
}
