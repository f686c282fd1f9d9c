package org.fhirledger.ledger.consensus.statemachine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.CommitSeal;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.consensus.BlockSource;
import org.fhirledger.ledger.consensus.BlockValidator;
import org.fhirledger.ledger.consensus.VoteJournal;
import org.fhirledger.ledger.consensus.ConsensusAction;
import org.fhirledger.ledger.consensus.ConsensusConfig;
import org.fhirledger.ledger.consensus.ConsensusEvent;
import org.fhirledger.ledger.consensus.messages.Commit;
import org.fhirledger.ledger.consensus.messages.ConsensusMessage;
import org.fhirledger.ledger.consensus.messages.Prepare;
import org.fhirledger.ledger.consensus.messages.Proposal;
import org.fhirledger.ledger.consensus.messages.RoundChange;
import org.fhirledger.ledger.consensus.validation.MessageValidator;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.crypto.Signer;

/**
 * I-PBFT as a deterministic state machine (ipbft.md): proposers take turns, PREPARE on a valid proposal unless
 * locked on another block, lock and COMMIT on a quorum of PREPAREs, finalize on a quorum of COMMITs, and move
 * rounds on growing timeouts with ROUND-CHANGE carrying the prepared block. No threads, clocks or sockets:
 * {@link #handle} takes one event and returns the actions, so a seeded simulator can drive it.
 *
 * <p>After a {@link ConsensusAction.Finalize} the machine waits, deaf to its finished height, until the shell
 * reports the block applied ({@link ConsensusEvent.ChainAdvanced}): the validators of the next height are
 * those the block's membership transactions left, and only the applied chain knows them.
 */
public final class IpbftStateMachine {
  private static final int MAX_ROUNDS_AHEAD = 64;
  private static final int MAX_EVIDENCE = 1000;

  private final String chainId;
  private final Signer signer;
  private final LongFunction<ValidatorSet> validatorsAt;
  private final BlockSource blockSource;
  private final BlockValidator blockValidator;
  private final ConsensusConfig config;
  private final MessageValidator messageValidator;

  private long height;
  private Hash32 parentHash;
  private ValidatorSet validators;
  private int round;
  private boolean active;
  /** The height is final and its Finalize emitted; the next height starts when the shell reports it applied. */
  private boolean awaitingApply;
  private int lockedRound = -1;
  private Hash32 lockedHash;
  private VoteJournal journal = VoteJournal.empty(0);
  private boolean lockChanged;
  private int validRound = -1;
  private Block validBlock;
  private List<Prepare> validCertificate = List.of();
  private final Map<Integer, RoundState> rounds = new HashMap<>();
  private final Map<Hash32, Block> knownBlocks = new HashMap<>();
  private final Set<Hash32> acceptedBlocks = new HashSet<>();
  /** Blocks of this height the validator refused: told to the shell once, and not validated again. */
  private final Set<Hash32> rejectedBlocks = new HashSet<>();
  private final Map<PublicKey, Integer> highestRoundSeen = new HashMap<>();
  private final TreeMap<Long, List<ConsensusMessage>> future = new TreeMap<>();
  private int futureCount;
  private long catchUpRequestedFor;
  private final List<Evidence> evidence = new ArrayList<>();
  private long dropped;
  private List<ConsensusAction> out = new ArrayList<>();
  /** Where in {@link #out} this event's journal write is, or -1: later votes of the event update that write. */
  private int journalWrite = -1;
  /**
   * TEST ONLY, never false in a node: the adversarial-schedule tests switch the lock rule off (through
   * {@code LockRuleSwitch} in the test tree, same package) to show that their schedules fork without it.
   */
  boolean lockRuleEnforced = true;

  public IpbftStateMachine(
      final String chainId,
      final Signer signer,
      final SignatureVerifier verifier,
      final LongFunction<ValidatorSet> validatorsAt,
      final BlockSource blockSource,
      final BlockValidator blockValidator,
      final ConsensusConfig config) {
    this.chainId = chainId;
    this.signer = signer;
    this.validatorsAt = validatorsAt;
    this.blockSource = blockSource;
    this.blockValidator = blockValidator;
    this.config = config;
    this.messageValidator = new MessageValidator(chainId, verifier);
  }

  /** Begins at the height after the last final block. */
  public List<ConsensusAction> start(final long lastHeight, final Hash32 lastBlockHash) {
    return start(lastHeight, lastBlockHash, null);
  }

  /**
   * Begins at the height after the last final block, restoring what this validator signed there before a
   * crash (a journal of another height is stale and ignored): its votes are re-signed (Ed25519 is
   * deterministic, so they are the same bytes), its lock is back, and it resumes at the highest round it voted in.
   */
  public List<ConsensusAction> start(final long lastHeight, final Hash32 lastBlockHash, final VoteJournal saved) {
    out = new ArrayList<>();
    journalWrite = -1;
    enterHeight(lastHeight + 1, lastBlockHash);
    if (saved != null && saved.height() == height) {
      restore(saved);
    }
    return out;
  }

  private void restore(final VoteJournal saved) {
    journal = saved;
    lockedRound = saved.lockedRound();
    lockedHash = saved.lockedHash();
    if (saved.lock() != null) {
      final VoteJournal.Lock lock = saved.lock();
      validRound = lock.round();
      validBlock = lock.block();
      validCertificate = lock.certificate();
      knownBlocks.put(lock.block().hash(), lock.block());
      acceptedBlocks.add(lock.block().hash());
    }
    int highest = 0;
    for (final VoteJournal.Vote v : saved.votes()) {
      final RoundState rs = roundState(v.round());
      if (v.kind() == VoteJournal.Kind.PROPOSE) {
        rs.proposed = true;
      } else if (v.kind() == VoteJournal.Kind.PREPARE) {
        rs.sentPrepare = true;
        rs.prepares.put(signer.publicKey(), Prepare.create(signer, chainId, height, v.round(), v.blockHash()));
      } else {
        rs.sentCommit = true;
        rs.commits.put(signer.publicKey(), Commit.create(signer, chainId, height, v.round(), v.blockHash()));
      }
      highest = Math.max(highest, v.round());
    }
    round = highest;
    highestRoundSeen.merge(signer.publicKey(), highest, Math::max);
  }

  public List<ConsensusAction> handle(final ConsensusEvent event) {
    out = new ArrayList<>();
    journalWrite = -1;
    if (event instanceof ConsensusEvent.MessageReceived m) {
      onMessage(m.message(), false);
    } else if (event instanceof ConsensusEvent.RoundTimeout t) {
      onTimeout(t.height(), t.round());
    } else if (event instanceof ConsensusEvent.TransactionsPending) {
      activate();
      tryPropose();
    } else if (event instanceof ConsensusEvent.ChainAdvanced a) {
      if (a.height() >= height) {
        enterHeight(a.height() + 1, a.blockHash());
      }
    }
    return out;
  }

  public long height() {
    return height;
  }

  public int round() {
    return round;
  }

  public List<Evidence> evidence() {
    return List.copyOf(evidence);
  }

  public int evidenceCount() {
    return evidence.size();
  }

  /** Messages held for later heights; bounded by {@code maxBufferedFutureMessages}. */
  public int bufferedFutureMessages() {
    return futureCount;
  }

  public long droppedMessages() {
    return dropped;
  }

  // ---- messages ----

  private void onMessage(final ConsensusMessage m, final boolean local) {
    if (m.height() < height || m.height() == height && awaitingApply) {
      return;
    }
    if (m.height() > height) {
      bufferFuture(m);
      return;
    }
    if (!local) {
      final String why = messageValidator.check(m, validators);
      if (why != null || m.round() > round + MAX_ROUNDS_AHEAD) {
        dropped++;
        return;
      }
    }
    highestRoundSeen.merge(m.author(), m.round(), Math::max);
    activate();
    if (m instanceof Proposal p) {
      onProposal(p);
    } else if (m instanceof Prepare p) {
      onPrepare(p);
    } else if (m instanceof Commit c) {
      onCommit(c);
    } else if (m instanceof RoundChange rc) {
      onRoundChange(rc);
    }
    if (m.height() == height && !awaitingApply) {
      joinHigherRound();
    }
  }

  private void onProposal(final Proposal p) {
    final RoundState rs = roundState(p.round());
    if (rs.proposal != null) {
      if (!rs.proposal.block().hash().equals(p.block().hash())) {
        recordEvidence(rs.proposal, p);
      }
      return;
    }
    final Block block = p.block();
    if (!block.header().parentHash().equals(parentHash) || !accepts(block, p.round())) {
      dropped++;
      return;
    }
    rs.proposal = p;
    knownBlocks.put(block.hash(), block);
    if (p.round() == round) {
      tryPrepare();
      checkPrepareQuorum();
    }
    checkAllCommitQuorums(block.hash());
  }

  private void onPrepare(final Prepare p) {
    final RoundState rs = roundState(p.round());
    final Prepare earlier = rs.prepares.putIfAbsent(p.author(), p);
    if (earlier != null) {
      if (!earlier.blockHash().equals(p.blockHash())) {
        recordEvidence(earlier, p);
      }
      return;
    }
    if (p.round() == round) {
      checkPrepareQuorum();
    }
  }

  private void onCommit(final Commit c) {
    final RoundState rs = roundState(c.round());
    final Commit earlier = rs.commits.putIfAbsent(c.author(), c);
    if (earlier != null) {
      if (!earlier.blockHash().equals(c.blockHash())) {
        recordEvidence(earlier, c);
      }
      return;
    }
    checkCommitQuorum(c.round(), c.blockHash());
  }

  private void onRoundChange(final RoundChange rc) {
    final RoundState rs = roundState(rc.round());
    if (rs.roundChanges.putIfAbsent(rc.author(), rc) != null) {
      return;
    }
    final Block prepared = rc.preparedBlock();
    if (prepared != null && prepared.header().parentHash().equals(parentHash) && accepts(prepared, rc.round())) {
      knownBlocks.put(prepared.hash(), prepared);
      // A quorum prepared this block at preparedRound (checked by the validator): the next proposer must
      // re-propose the most recently prepared block it knows of.
      if (rc.preparedRound() > validRound) {
        validRound = rc.preparedRound();
        validBlock = prepared;
        validCertificate = rc.preparedCertificate();
      }
      checkAllCommitQuorums(prepared.hash());
    }
    if (rc.round() == round) {
      tryPropose();
    }
  }

  // ---- steps ----

  private void activate() {
    if (!active && !awaitingApply) {
      active = true;
      out.add(new ConsensusAction.ScheduleTimeout(height, round, config.roundTimeout(round)));
      tryPropose();
    }
  }

  private void tryPropose() {
    if (!active || awaitingApply || !validators.proposer(height, round).equals(signer.publicKey())) {
      return;
    }
    final RoundState rs = roundState(round);
    if (rs.proposed || rs.proposal != null) {
      return;
    }
    final Proposal proposal;
    if (validBlock != null && validRound < round) {
      proposal = Proposal.create(signer, chainId, height, round, validBlock, validRound, validCertificate);
    } else {
      final Optional<Block> fresh = blockSource.createBlock(height, round, parentHash);
      if (fresh.isEmpty()) {
        return;
      }
      acceptedBlocks.add(fresh.get().hash());
      proposal = Proposal.create(signer, chainId, height, round, fresh.get(), -1, List.of());
    }
    rs.proposed = true;
    send(proposal);
  }

  private void tryPrepare() {
    final RoundState rs = roundState(round);
    if (awaitingApply || rs.sentPrepare || rs.proposal == null) {
      return;
    }
    final Proposal p = rs.proposal;
    final Hash32 hash = p.block().hash();
    // The lock rule: prepare another block only with a quorum of PREPAREs for it from a round at or above the lock.
    final boolean free = lockedRound < 0 || lockedHash.equals(hash) || p.validRound() >= lockedRound || !lockRuleEnforced;
    if (!free) {
      return;
    }
    rs.sentPrepare = true;
    send(Prepare.create(signer, chainId, height, round, hash));
  }

  private void checkPrepareQuorum() {
    final RoundState rs = roundState(round);
    if (awaitingApply || rs.sentCommit || rs.proposal == null) {
      return;
    }
    final Block block = rs.proposal.block();
    final List<Prepare> matching = rs.preparesFor(block.hash());
    if (matching.size() < validators.quorum()) {
      return;
    }
    lockedRound = round;
    lockedHash = block.hash();
    validRound = round;
    validBlock = block;
    validCertificate = List.copyOf(matching);
    journal = journal.locked(new VoteJournal.Lock(round, block, validCertificate));
    lockChanged = true;
    rs.sentCommit = true;
    send(Commit.create(signer, chainId, height, round, block.hash()));
  }

  private void checkAllCommitQuorums(final Hash32 hash) {
    for (final int r : List.copyOf(rounds.keySet())) {
      if (knownBlocks.containsKey(hash)) {
        checkCommitQuorum(r, hash);
      }
    }
  }

  /**
   * Final on a quorum of COMMITs for one hash in one round: those committers were all locked on it at that
   * round, which is what the lock argument needs (seals do not carry the round, so rounds are never mixed).
   */
  private void checkCommitQuorum(final int r, final Hash32 hash) {
    final RoundState rs = rounds.get(r);
    if (rs == null || awaitingApply) {
      return;
    }
    final List<Commit> matching = new ArrayList<>();
    for (final Commit c : rs.commits.values()) {
      if (c.blockHash().equals(hash)) {
        matching.add(c);
      }
    }
    if (matching.size() < validators.quorum()) {
      return;
    }
    final Block block = knownBlocks.get(hash);
    if (block == null) {
      // A quorum committed a block we never received: fetch it, certified, from a peer.
      requestCatchUp(height);
      return;
    }
    matching.sort(Comparator.comparingInt(c -> validators.indexOf(c.author())));
    final List<CommitSeal> seals = new ArrayList<>();
    for (final Commit c : matching.subList(0, validators.quorum())) {
      seals.add(c.seal());
    }
    out.add(new ConsensusAction.Finalize(block, new CommitCertificate(height, r, hash, seals)));
    awaitingApply = true;
    active = false;
  }

  private void onTimeout(final long h, final int r) {
    if (h != height || r != round || !active || awaitingApply) {
      return;
    }
    catchUpRequestedFor = 0; // a catch-up that went nowhere may be asked for again
    if (round > 0 && validatorsSeenAtOrAbove(round) < validators.quorum()) {
      // Too few validators are with us in this round to finish it, so moving on would only widen the gap
      // (equal timeouts never close it). Repeat our ROUND-CHANGE so the others can join, and wait again.
      // (We may have joined this round on others' messages without sending one ourselves.)
      final RoundChange mine = roundState(round).roundChanges.get(signer.publicKey());
      if (mine != null) {
        out.add(new ConsensusAction.Broadcast(mine));
      } else {
        send(RoundChange.create(signer, chainId, height, round, validBlock == null || validRound >= round ? -1 : validRound,
            validBlock == null || validRound >= round ? null : validBlock,
            validBlock == null || validRound >= round ? List.of() : validCertificate));
      }
      out.add(new ConsensusAction.ScheduleTimeout(height, round, config.roundTimeout(round)));
      return;
    }
    // Handling our own ROUND-CHANGE may already move us (f + 1 now ahead): aim at the round fixed here.
    final int next = round + 1;
    send(RoundChange.create(signer, chainId, height, next, validBlock == null ? -1 : validRound, validBlock,
        validBlock == null ? List.of() : validCertificate));
    startRound(next);
  }

  private int validatorsSeenAtOrAbove(final int r) {
    int count = 0;
    for (final int seen : highestRoundSeen.values()) {
      if (seen >= r) {
        count++;
      }
    }
    return count;
  }

  /** f + 1 validators are in higher rounds: at least one honest one is, so follow (nobody can be left behind). */
  private void joinHigherRound() {
    if (awaitingApply) {
      return;
    }
    final List<Integer> ahead = new ArrayList<>();
    for (final int r : highestRoundSeen.values()) {
      if (r > round) {
        ahead.add(r);
      }
    }
    final int needed = validators.maxFaulty() + 1;
    if (ahead.size() >= needed) {
      ahead.sort(Comparator.reverseOrder());
      startRound(ahead.get(needed - 1));
    }
  }

  private void startRound(final int r) {
    if (awaitingApply || r <= round && active) {
      return;
    }
    round = r;
    active = true;
    out.add(new ConsensusAction.ScheduleTimeout(height, round, config.roundTimeout(round)));
    tryPropose();
    tryPrepare();
    checkPrepareQuorum();
  }

  private void enterHeight(final long h, final Hash32 parent) {
    height = h;
    parentHash = parent;
    validators = validatorsAt.apply(h);
    round = 0;
    active = false;
    awaitingApply = false;
    lockedRound = -1;
    lockedHash = null;
    journal = VoteJournal.empty(h);
    journalWrite = -1; // a new height's votes are never folded into a write of the previous height's journal
    validRound = -1;
    validBlock = null;
    validCertificate = List.of();
    rounds.clear();
    knownBlocks.clear();
    acceptedBlocks.clear();
    rejectedBlocks.clear();
    highestRoundSeen.clear();
    while (!future.isEmpty() && future.firstKey() < h) {
      futureCount -= future.pollFirstEntry().getValue().size();
    }
    final List<ConsensusMessage> ready = future.remove(h);
    if (ready != null) {
      futureCount -= ready.size();
      for (final ConsensusMessage m : ready) {
        if (height == h) {
          onMessage(m, false);
        }
      }
    }
  }

  // ---- helpers ----

  private void send(final ConsensusMessage m) {
    if (!validators.contains(signer.publicKey())) {
      // Not a validator at this height (not yet added, or removed): follow as an observer, finalizing on the
      // members' quorums, but never vote. Counting its own vote would forge quorums with a non-member's seal.
      return;
    }
    final VoteJournal.Vote vote = m instanceof Proposal p ? new VoteJournal.Vote(m.round(), VoteJournal.Kind.PROPOSE, p.block().hash())
        : m instanceof Prepare p ? new VoteJournal.Vote(m.round(), VoteJournal.Kind.PREPARE, p.blockHash())
        : m instanceof Commit c ? new VoteJournal.Vote(m.round(), VoteJournal.Kind.COMMIT, c.blockHash())
        : null;
    if (vote != null) {
      journal = journal.with(vote);
      // One journal write per event: a vote sent later in the same event (the proposer's own PREPARE after its
      // PROPOSAL) is folded into the write that already precedes the first broadcast, so it is durable before
      // either message leaves, with one synced write instead of two. A vote on disk but never sent is what a
      // crash between the write and the send leaves anyway; restore treats it as sent.
      if (journalWrite >= 0) {
        final ConsensusAction.PersistVotes earlier = (ConsensusAction.PersistVotes) out.get(journalWrite);
        out.set(journalWrite, new ConsensusAction.PersistVotes(journal, earlier.lockChanged() || lockChanged));
      } else {
        journalWrite = out.size();
        out.add(new ConsensusAction.PersistVotes(journal, lockChanged));
      }
      lockChanged = false;
    }
    out.add(new ConsensusAction.Broadcast(m));
    onMessage(m, true);
  }

  private boolean accepts(final Block block, final int round) {
    if (acceptedBlocks.contains(block.hash())) {
      return true;
    }
    if (block.height() != height || rejectedBlocks.contains(block.hash())) {
      return false;
    }
    final String why = blockValidator.validate(block);
    if (why != null) {
      rejectedBlocks.add(block.hash());
      out.add(new ConsensusAction.BlockRejected(height, round, block.hash(), block.header().proposer(), why));
      return false;
    }
    acceptedBlocks.add(block.hash());
    return true;
  }

  private void bufferFuture(final ConsensusMessage m) {
    final ValidatorSet futureValidators = validatorsAt.apply(m.height());
    if (messageValidator.check(m, futureValidators) != null) {
      dropped++;
      return;
    }
    if (m.height() > height + config.futureHeightWindow() || futureCount >= config.maxBufferedFutureMessages()) {
      dropped++;
    } else {
      future.computeIfAbsent(m.height(), k -> new ArrayList<>()).add(m);
      futureCount++;
    }
    // A correctly signed message from a later height means a quorum finalized ours without us: fetch the
    // certified blocks. A lying validator cannot make us apply anything, only ask (certificates are checked).
    requestCatchUp(m.height() - 1);
  }

  private void requestCatchUp(final long target) {
    if (awaitingApply && target <= height) {
      return; // our own final block is being applied: nothing to fetch
    }
    if (target > catchUpRequestedFor || target == height && catchUpRequestedFor < height) {
      catchUpRequestedFor = Math.max(catchUpRequestedFor, target);
      out.add(new ConsensusAction.CatchUp(target));
    }
  }

  private RoundState roundState(final int r) {
    return rounds.computeIfAbsent(r, k -> new RoundState());
  }

  private void recordEvidence(final ConsensusMessage first, final ConsensusMessage second) {
    if (evidence.size() < MAX_EVIDENCE) {
      evidence.add(new Evidence(first, second));
    }
  }
}
