package org.fhirledger.ledger.consensus.simulation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.BlockHeader;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.consensus.ConsensusAction;
import org.fhirledger.ledger.consensus.ConsensusConfig;
import org.fhirledger.ledger.consensus.ConsensusEvent;
import org.fhirledger.ledger.consensus.VoteJournal;
import org.fhirledger.ledger.consensus.messages.Commit;
import org.fhirledger.ledger.consensus.messages.ConsensusCodec;
import org.fhirledger.ledger.consensus.messages.ConsensusMessage;
import org.fhirledger.ledger.consensus.messages.Prepare;
import org.fhirledger.ledger.consensus.messages.Proposal;
import org.fhirledger.ledger.consensus.messages.RoundChange;
import org.fhirledger.ledger.consensus.statemachine.IpbftStateMachine;
import org.fhirledger.ledger.consensus.statemachine.LockRuleSwitch;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;

/**
 * A cluster run under a network adversary that aims at the lock rule. Random schedules almost never produce the
 * one interleaving the lock exists for, so this adversary builds it on purpose, at every height it attacks:
 * in an attack round rA it lets the PREPARE quorum for the proposed block A reach every validator but F (the
 * proposer of rA + 1), and the COMMITs of rA reach only a few "finalizers" F, who finalize A and move on (their
 * later messages and the catch-up they could serve are held back). The others are locked on A but time out; the
 * proposer of rA + 1, which never saw A's quorum (and whose ROUND-CHANGEs carrying A are held back), proposes a
 * fresh block B. With the Byzantine option that proposer is a Byzantine validator instead, which saw A and
 * proposes B anyway (equivocating against its own lock), with a PREPARE and a COMMIT for B.
 *
 * <p>A locked validator that prepares B lets B gather a quorum among the non-finalizers: a fork. The lock rule
 * makes it refuse. The seed varies the attack round, the finalizers, whether the ROUND-CHANGEs are held back, how
 * long the held messages wait and the jitter of all others. The adversary holds messages back, never drops them,
 * and stops at {@link #GST_MILLIS} of virtual time (global stabilisation), after which every honest validator must
 * reach the target height. Agreement and certificates are checked at every finalization.
 */
final class SplitQuorumSimulator {
  static final long GST_MILLIS = 60_000;
  private static final String CHAIN = "sim-split";
  private static final int FAST_MAX_MILLIS = 30;
  private static final long STATUS_INTERVAL_MILLIS = 1000;
  /** A Byzantine proposer's turn may need this many rounds to come at a height; later turns are not attacked. */
  private static final int MAX_ATTACK_ROUND = 3;

  /** The adversary's plan for one height, derived from the seed and the height alone. */
  record Plan(boolean attack, int attackRound, int freshProposer, Set<Integer> finalizers, boolean holdRoundChanges, long slowMin, long slowSpread) {}

  private record Scheduled(long at, long seq, int node, ConsensusEvent event, List<Certified> sync) {}

  private record Certified(Block block, CommitCertificate certificate) {}

  private final long seed;
  private final int n;
  private final boolean lockRule;
  /** The Byzantine validator's index, or -1 when all are honest. */
  private final int byzantine;
  private final Random random;
  private final List<Signer> keys = new ArrayList<>();
  private final Map<PublicKey, Integer> nodeOf = new HashMap<>();
  private final ValidatorSet validators;
  private final ConsensusConfig config = new ConsensusConfig(Duration.ofMillis(200), Duration.ofSeconds(5), 10_000, 10);
  private final List<IpbftStateMachine> machines = new ArrayList<>();
  private final List<List<Certified>> chains = new ArrayList<>();
  private final Map<Integer, VoteJournal> journals = new HashMap<>();
  private final Map<Long, Hash32> decided = new HashMap<>();
  private final Map<Long, Plan> plans = new HashMap<>();
  private final PriorityQueue<Scheduled> queue =
      new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private long now;
  private long seq;
  private int lockChallenges;
  private int equivocations;

  SplitQuorumSimulator(final long seed, final int n, final boolean byzantineProposer, final boolean lockRule) {
    this.seed = seed;
    this.n = n;
    this.lockRule = lockRule;
    this.random = new Random(seed);
    this.byzantine = byzantineProposer ? (int) Math.floorMod(seed, (long) n) : -1;
    final List<Validator> vs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      final Signer key = SimulatedKeys.signer(seed * 31 + i);
      keys.add(key);
      nodeOf.put(key.publicKey(), i);
      vs.add(new Validator("v" + i, key.publicKey(), "127.0.0.1", 1));
    }
    validators = new ValidatorSet(vs);
    for (int i = 0; i < n; i++) {
      final int node = i;
      final IpbftStateMachine m = new IpbftStateMachine(CHAIN, keys.get(i), SimulatedKeys.VERIFIER, h -> validators,
          (h, r, parent) -> Optional.of(block(node, h, r, parent, 0)), b -> null, config);
      // The Byzantine validator ignores its lock; honest ones follow the rule unless the test switches it off.
      machines.add(lockRule && i != byzantine ? m : LockRuleSwitch.withoutLockRule(m));
      chains.add(new ArrayList<>());
    }
  }

  String replayHint() {
    return "replay with: mvn -pl ledger test -Dtest=SplitQuorumScheduleTest#replaysOneSeed -Dsim.seed=" + seed + " -Dsim.n=" + n
        + " -Dsim.byzantine=" + (byzantine >= 0) + " -Dsim.lockRule=" + lockRule;
  }

  /** Runs until every honest validator has finalized targetHeight or the virtual deadline passes; true when live. */
  boolean run(final long targetHeight, final long deadlineMillis) {
    for (int i = 0; i < n; i++) {
      perform(i, machines.get(i).start(0, Hash32.ZERO));
      schedule(i, 0, new ConsensusEvent.TransactionsPending());
      queue.add(new Scheduled(STATUS_INTERVAL_MILLIS, seq++, i, null, null));
    }
    while (!queue.isEmpty() && now <= deadlineMillis && !allHonestReached(targetHeight)) {
      final Scheduled s = queue.poll();
      now = s.at;
      if (s.sync != null) {
        applyCatchUp(s.node, s.sync);
      } else if (s.event == null) {
        requestCatchUp(s.node);
        queue.add(new Scheduled(now + STATUS_INTERVAL_MILLIS, seq++, s.node, null, null));
      } else {
        if (s.event instanceof ConsensusEvent.MessageReceived m && m.message() instanceof Proposal p) {
          noteLockChallenge(s.node, p);
        }
        perform(s.node, machines.get(s.node).handle(s.event));
      }
    }
    return allHonestReached(targetHeight);
  }

  /** Proposals an honest validator got, while locked, for another block of a later round without a justification to match. */
  int lockChallenges() {
    return lockChallenges;
  }

  /** Fresh blocks the Byzantine validator proposed in place of the block it was locked on. */
  int equivocations() {
    return equivocations;
  }

  int honestEvidence() {
    int count = 0;
    for (int i = 0; i < n; i++) {
      count += honest(i) ? machines.get(i).evidence().size() : 0;
    }
    return count;
  }

  String describe() {
    final StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(String.format("%n  node %d%s: chain=%d consensus h=%d r=%d", i, honest(i) ? "" : " (byzantine)", chains.get(i).size(),
          machines.get(i).height(), machines.get(i).round()));
    }
    return sb.append(String.format("%n  virtual time %d ms", now)).toString();
  }

  private boolean honest(final int node) {
    return node != byzantine;
  }

  private boolean allHonestReached(final long target) {
    for (int i = 0; i < n; i++) {
      if (honest(i) && chains.get(i).size() < target) {
        return false;
      }
    }
    return true;
  }

  // ---- the adversary ----

  private int proposerNode(final long height, final int round) {
    return nodeOf.get(validators.proposer(height, round));
  }

  Plan plan(final long height) {
    return plans.computeIfAbsent(height, h -> {
      final Random r = new Random(seed * 1_000_003L + h);
      int attackRound = r.nextInt(3);
      if (byzantine >= 0) {
        // Attack where the Byzantine validator proposes right after the attack round.
        attackRound = 0;
        while (proposerNode(h, attackRound + 1) != byzantine) {
          attackRound++;
        }
      }
      final boolean attack = h >= 1 && attackRound <= MAX_ATTACK_ROUND && r.nextDouble() < 0.85;
      final int fresh = proposerNode(h, attackRound + 1);
      final List<Integer> locked = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (i != fresh && honest(i)) {
          locked.add(i);
        }
      }
      Collections.shuffle(locked, r);
      // Few enough finalizers that the others (with the proposer of rA + 1) are still a quorum.
      final int finalizers = 1 + r.nextInt(n - validators.quorum());
      return new Plan(attack, attackRound, fresh, new HashSet<>(locked.subList(0, finalizers)), r.nextDouble() < 0.8,
          1_500 + r.nextInt(1_500), r.nextInt(5_000));
    });
  }

  private long slow(final Plan plan) {
    return plan.slowMin() + (plan.slowSpread() == 0 ? 0 : random.nextInt((int) plan.slowSpread()));
  }

  /** How long the adversary lets a message take. */
  private long delay(final int from, final int to, final ConsensusMessage m) {
    final long fast = 1 + random.nextInt(FAST_MAX_MILLIS);
    if (now >= GST_MILLIS) {
      return fast;
    }
    final Plan before = m.height() > 1 ? plan(m.height() - 1) : null;
    if (before != null && before.attack() && before.finalizers().contains(from) && !before.finalizers().contains(to)) {
      return slow(before); // the finalizers moved on: their next height would tell the others about A
    }
    final Plan p = plan(m.height());
    if (!p.attack()) {
      return fast;
    }
    final int r = m.round();
    final boolean toFresh = to == p.freshProposer() && byzantine < 0;
    if (m instanceof Proposal && r < p.attackRound()
        || m instanceof Prepare && r == p.attackRound() && toFresh
        || m instanceof Commit && r == p.attackRound() && !p.finalizers().contains(to)
        || m instanceof RoundChange && r == p.attackRound() + 1 && toFresh && p.holdRoundChanges()) {
      return slow(p);
    }
    return fast;
  }

  // ---- the network and the shell ----

  private void schedule(final int node, final long delay, final ConsensusEvent event) {
    queue.add(new Scheduled(now + delay, seq++, node, event, null));
  }

  private void perform(final int node, final List<ConsensusAction> actions) {
    boolean finalized = false;
    for (final ConsensusAction a : actions) {
      if (a instanceof ConsensusAction.PersistVotes v) {
        journals.put(node, v.journal());
      } else if (a instanceof ConsensusAction.Broadcast b) {
        if (node == byzantine && b.message() instanceof Proposal p && p.validRound() >= 0) {
          equivocate(node, p);
        } else {
          broadcast(node, b.message());
        }
      } else if (a instanceof ConsensusAction.ScheduleTimeout t) {
        schedule(node, t.delay().toMillis(), new ConsensusEvent.RoundTimeout(t.height(), t.round()));
      } else if (a instanceof ConsensusAction.Finalize f) {
        finalizeAt(node, f.block(), f.certificate());
        finalized = true;
        schedule(node, 1, new ConsensusEvent.TransactionsPending());
      } else if (a instanceof ConsensusAction.CatchUp) {
        requestCatchUp(node);
      }
    }
    if (finalized) {
      // as the node shell does: the state machine starts the next height once the block is applied
      final int top = chains.get(node).size();
      perform(node, machines.get(node).handle(new ConsensusEvent.ChainAdvanced(top, chains.get(node).get(top - 1).block().hash())));
    }
  }

  /** The Byzantine proposer, locked on A, proposes a fresh block B instead and votes for it. */
  private void equivocate(final int node, final Proposal lockedProposal) {
    final long h = lockedProposal.height();
    final int r = lockedProposal.round();
    final Block other = block(node, h, r, lockedProposal.block().header().parentHash(), 1);
    broadcast(node, Proposal.create(keys.get(node), CHAIN, h, r, other, -1, List.of()));
    broadcast(node, Prepare.create(keys.get(node), CHAIN, h, r, other.hash()));
    broadcast(node, Commit.create(keys.get(node), CHAIN, h, r, other.hash()));
    equivocations++;
  }

  private void broadcast(final int from, final ConsensusMessage message) {
    final byte[] bytes = ConsensusCodec.encode(message);
    for (int to = 0; to < n; to++) {
      if (to != from) {
        schedule(to, delay(from, to, message), new ConsensusEvent.MessageReceived(ConsensusCodec.decode(bytes)));
      }
    }
  }

  private void noteLockChallenge(final int node, final Proposal p) {
    final VoteJournal j = journals.get(node);
    if (honest(node) && j != null && j.height() == p.height() && j.lockedRound() >= 0 && p.round() > j.lockedRound()
        && !p.block().hash().equals(j.lockedHash()) && p.validRound() < j.lockedRound()) {
      lockChallenges++;
    }
  }

  /** Catch-up: the blocks the longest honest chain has above ours, delivered when the adversary lets them through. */
  private void requestCatchUp(final int node) {
    int source = -1;
    for (int i = 0; i < n; i++) {
      if (honest(i) && i != node && (source < 0 || chains.get(i).size() > chains.get(source).size())) {
        source = i;
      }
    }
    final int have = chains.get(node).size();
    if (source < 0 || chains.get(source).size() <= have) {
      return;
    }
    final Plan next = plan(have + 1L);
    final long delay = now < GST_MILLIS && next.attack() && !next.finalizers().contains(node) ? slow(next) : 1 + random.nextInt(FAST_MAX_MILLIS);
    final List<Certified> blocks = List.copyOf(chains.get(source).subList(have, chains.get(source).size()));
    queue.add(new Scheduled(now + delay, seq++, node, null, blocks));
  }

  private void applyCatchUp(final int node, final List<Certified> blocks) {
    final int before = chains.get(node).size();
    for (final Certified c : blocks) {
      if (c.block().height() == chains.get(node).size() + 1L) {
        finalizeAt(node, c.block(), c.certificate());
      }
    }
    final int top = chains.get(node).size();
    if (top > before) {
      perform(node, machines.get(node).handle(new ConsensusEvent.ChainAdvanced(top, chains.get(node).get(top - 1).block().hash())));
      schedule(node, 1, new ConsensusEvent.TransactionsPending());
    }
  }

  private void finalizeAt(final int node, final Block block, final CommitCertificate cert) {
    final String problem = cert.check(CHAIN, validators, SimulatedKeys.VERIFIER);
    if (problem != null || !cert.blockHash().equals(block.hash())) {
      throw new AssertionError("node " + node + " finalized height " + block.height() + " with a bad certificate: " + problem + "; "
          + replayHint());
    }
    final Hash32 earlier = honest(node) ? decided.putIfAbsent(block.height(), block.hash()) : null;
    if (earlier != null && !earlier.equals(block.hash())) {
      throw new AssertionError("AGREEMENT VIOLATED at height " + block.height() + ": " + earlier + " vs " + block.hash() + " at node "
          + node + "; " + replayHint() + describe());
    }
    final List<Certified> chain = chains.get(node);
    if (block.height() <= chain.size()) {
      return; // applied by catch-up first
    }
    final Hash32 parent = chain.isEmpty() ? Hash32.ZERO : chain.get(chain.size() - 1).block().hash();
    if (block.height() != chain.size() + 1L || !block.header().parentHash().equals(parent)) {
      throw new AssertionError("node " + node + " finalized height " + block.height() + " off its chain; " + replayHint());
    }
    chain.add(new Certified(block, cert));
  }

  private Block block(final int proposer, final long height, final int round, final Hash32 parent, final int variant) {
    final byte[] content = ("tx " + proposer + " " + height + " " + round + " " + variant).getBytes(StandardCharsets.UTF_8);
    final ResourceChange change = new ResourceChange(Operation.CREATE, "Patient", "p-" + height + "-" + round + "-" + proposer + "-" + variant,
        1, 0, ContentId.of(ContentId.CODEC_RAW, content), content.length);
    final Transaction tx = Transaction.sign(CHAIN, keys.get(proposer), "sim", height, round, List.of(change));
    final BlockHeader header = new BlockHeader(CHAIN, height, parent, height * 1000 + variant, keys.get(proposer).publicKey(), round,
        Block.transactionsRoot(List.of(tx)), Block.contentRoot(List.of()));
    return new Block(header, List.of(tx), List.of());
  }
}
