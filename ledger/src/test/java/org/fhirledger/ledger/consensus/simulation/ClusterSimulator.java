package org.fhirledger.ledger.consensus.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.BlockHeader;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.MembershipChange;
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
import org.fhirledger.ledger.consensus.messages.Prepare;
import org.fhirledger.ledger.consensus.messages.ConsensusCodec;
import org.fhirledger.ledger.consensus.messages.ConsensusMessage;
import org.fhirledger.ledger.consensus.messages.Proposal;
import org.fhirledger.ledger.consensus.statemachine.IpbftStateMachine;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.node.MembershipRules;

/**
 * A seeded whole-cluster simulation of I-PBFT: n state machines, a network with random delay, loss,
 * duplication and reordering, virtual time for timers, silent validators and an equivocating proposer.
 * After every step it checks agreement and certificate validity; {@link #run} reports liveness.
 * Every message crosses the real codec, so decoding is exercised too.
 */
public final class ClusterSimulator {
  private static final String CHAIN = "sim";
  private static final long STATUS_INTERVAL_MILLIS = 1000;
  /** Marks a one-off catch-up (as opposed to the periodic status, which has event == null). */
  private static final ConsensusEvent SYNC = new ConsensusEvent.TransactionsPending();

  /**
   * What can go wrong in one run. Message loss lasts until {@link #HEAL_AT_MILLIS} of virtual time (the network
   * then heals, as TCP links do after a reconnect); silent and Byzantine validators stay so throughout.
   */
  public record Faults(
      double loss, double duplication, int maxDelayMillis, int silent, boolean equivocatingProposer, boolean twins, boolean crashes,
      Strategy strategy) {
    public Faults(final double loss, final double duplication, final int maxDelayMillis, final int silent, final boolean equivocatingProposer,
        final boolean twins, final boolean crashes) {
      this(loss, duplication, maxDelayMillis, silent, equivocatingProposer, twins, crashes, Strategy.NONE);
    }

    public Faults(final double loss, final double duplication, final int maxDelayMillis, final int silent, final boolean equivocatingProposer) {
      this(loss, duplication, maxDelayMillis, silent, equivocatingProposer, false, false);
    }

    public Faults(final double loss, final double duplication, final int maxDelayMillis, final int silent, final boolean equivocatingProposer,
        final boolean twins) {
      this(loss, duplication, maxDelayMillis, silent, equivocatingProposer, twins, false);
    }
  }

  /**
   * What the Byzantine validator (index {@code silent}, right after the silent ones) does besides following the
   * protocol: vote for two blocks at once, send messages with broken signatures and from a key outside the
   * consortium, replay its messages of earlier heights, or flood far-future heights.
   */
  public enum Strategy { NONE, DOUBLE_VOTER, FORGER, REPLAYER, FLOODER }

  /** Markers for crash and restart events (compared by identity). */
  private static final ConsensusEvent CRASH = new ConsensusEvent.TransactionsPending();
  private static final ConsensusEvent RESTART = new ConsensusEvent.TransactionsPending();

  public static final long HEAL_AT_MILLIS = 60_000;

  /** An event for one node's state machine, or (event == null) a catch-up from its peers. */
  private record Scheduled(long at, long seq, int node, ConsensusEvent event, int incarnation) {
    Scheduled(final long at, final long seq, final int node, final ConsensusEvent event) {
      this(at, seq, node, event, -1);
    }
  }

  /** Per node: how many times it has (re)started; events of an earlier incarnation died with it. */
  private final List<Integer> incarnation = new ArrayList<>();
  private final List<Boolean> down = new ArrayList<>();
  /** What each node wrote to its vote journal: it survives a crash, as the disk does. */
  private final Map<Integer, VoteJournal> journals = new HashMap<>();
  /** Every vote an honest validator ever signed, (validator, height, round, kind) → block: one block each, across restarts. */
  private final Map<String, Hash32> signedVotes = new HashMap<>();
  private final ConsensusConfig config;
  private boolean journalsEnabled = true;

  private final long seed;
  private final Random random;
  private final int n;
  private final Faults faults;
  private final List<Signer> keys = new ArrayList<>();
  private final ValidatorSet validators;
  private final List<IpbftStateMachine> machines = new ArrayList<>();
  private final List<Map<Long, Block>> chains = new ArrayList<>();
  private final List<Map<Long, CommitCertificate>> certificates = new ArrayList<>();
  /**
   * Per node, the validators by first height in force, derived from its own chain as a node's store derives
   * them: the genesis set, then what each block's membership transactions left (decided by {@link MembershipRules}).
   */
  private final List<TreeMap<Long, ValidatorSet>> histories = new ArrayList<>();
  /** Per node, the membership transactions its chain holds (committed or rejected), so a proposer stops including them. */
  private final List<Map<Hash32, Long>> membershipOnChain = new ArrayList<>();
  private boolean membership;
  private Signer joinerKey;
  private Transaction addJoiner;
  private Chunk addJoinerRecord;
  private Transaction removeLeaver;
  private Chunk removeLeaverRecord;
  private int leaver = -1;
  private long addAtMillis;
  private final Map<Long, Hash32> decided = new HashMap<>();
  private final PriorityQueue<Scheduled> queue = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private long now;
  private long seq;
  private long steps;

  public ClusterSimulator(final long seed, final int n, final Faults faults) {
    this.seed = seed;
    this.random = new Random(seed);
    this.n = n;
    this.faults = faults;
    final List<Validator> vs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      final Signer key = SimulatedKeys.signer(seed * 31 + i);
      keys.add(key);
      vs.add(new Validator("v" + i, key.publicKey(), "127.0.0.1", 1));
    }
    validators = new ValidatorSet(vs);
    config = new ConsensusConfig(Duration.ofMillis(200), Duration.ofSeconds(5), 10_000, 10);
    // Twins (the DiemBFT method): one more state machine holding validator T's key, unmodified code, on the
    // other side of a partition from T. Each honest validator lands on a random side until the network heals.
    final int machineCount = faults.twins() ? n + 1 : n;
    for (int i = 0; i < machineCount; i++) {
      final int node = i;
      chains.add(new HashMap<>());
      certificates.add(new HashMap<>());
      histories.add(new TreeMap<>(Map.of(1L, validators)));
      membershipOnChain.add(new HashMap<>());
      side.add(i == twinned() ? 0 : i == n ? 1 : random.nextInt(2));
      incarnation.add(0);
      down.add(false);
      machines.add(newMachine(node));
    }
  }

  /** A fresh state machine for the node; its blocks differ per incarnation, as a restarted mempool's would. */
  private IpbftStateMachine newMachine(final int node) {
    return new IpbftStateMachine(CHAIN, keyOf(node), SimulatedKeys.VERIFIER, h -> validatorsAt(node, h),
        (h, r, parent) -> Optional.of(block(node, h, r, parent, 2 * incarnation.get(node))), b -> null, config);
  }

  /**
   * Membership changes mid-run: one more node (index n, "the joiner") runs from the start, outside the
   * consortium; at a random moment in the first 300 ms the manager (validator 0) has ADD_VALIDATOR(joiner)
   * proposed, and three heights after it is final REMOVE_VALIDATOR of a random other genesis validator (the
   * leaver). Proposers include a pending change in their blocks, as a mempool would. Only with faults that do
   * not use the f budget (loss, duplication, delay): 4 -> 5 -> 4 keeps f = 1 throughout.
   */
  public ClusterSimulator withMembershipChanges() {
    if (faults.silent() > 0 || faults.equivocatingProposer() || faults.twins() || faults.crashes() || faults.strategy() != Strategy.NONE) {
      throw new IllegalArgumentException("membership runs take network faults only");
    }
    membership = true;
    joinerKey = SimulatedKeys.signer(seed * 31 + n);
    final MembershipChange add = MembershipChange.add(new Validator("v" + n, joinerKey.publicKey(), "127.0.0.1", 1));
    addJoiner = add.sign(CHAIN, keys.get(0), "operator", 1, 1);
    addJoinerRecord = add.chunk();
    leaver = 1 + random.nextInt(n - 1);
    final MembershipChange remove = MembershipChange.remove(keys.get(leaver).publicKey());
    removeLeaver = remove.sign(CHAIN, keys.get(0), "operator", 2, 2);
    removeLeaverRecord = remove.chunk();
    addAtMillis = random.nextInt(300);
    chains.add(new HashMap<>());
    certificates.add(new HashMap<>());
    histories.add(new TreeMap<>(Map.of(1L, validators)));
    membershipOnChain.add(new HashMap<>());
    side.add(1);
    incarnation.add(0);
    down.add(false);
    machines.add(newMachine(n));
    return this;
  }

  private int joiner() {
    return membership ? n : -1;
  }

  private ValidatorSet validatorsAt(final int node, final long height) {
    final Map.Entry<Long, ValidatorSet> e = histories.get(node).floorEntry(height);
    return e == null ? validators : e.getValue();
  }

  /** Node 0's validators after its last block: who the consortium is at the end of the run. */
  public ValidatorSet finalValidators() {
    return validatorsAt(0, chains.get(0).size() + 1L);
  }

  /** Heights of node 0's chain whose block the joiner proposed: its turn in the rotation counts once it is a member. */
  public long blocksProposedByJoiner() {
    return chains.get(0).values().stream().filter(b -> b.header().proposer().equals(joinerKey.publicKey())).count();
  }

  /** Certificates of node 0's chain that carry the joiner's seal. */
  public long certificatesSealedByJoiner() {
    return certificates.get(0).values().stream()
        .filter(c -> c.seals().stream().anyMatch(s -> s.validator().equals(joinerKey.publicKey()))).count();
  }

  /** The membership transaction a proposer at the node includes now, if one is pending in its view of the chain. */
  private Optional<Transaction> pendingMembership(final int node) {
    if (!membership || now < addAtMillis) {
      return Optional.empty();
    }
    final Long added = membershipOnChain.get(node).get(addJoiner.hash());
    if (added == null) {
      return Optional.of(addJoiner);
    }
    if (chains.get(node).size() >= added + 3 && !membershipOnChain.get(node).containsKey(removeLeaver.hash())) {
      return Optional.of(removeLeaver);
    }
    return Optional.empty();
  }

  /** For the test that shows the journal matters: restart nodes with amnesia. */
  public ClusterSimulator withoutVoteJournals() {
    journalsEnabled = false;
    return this;
  }

  private boolean crashesAllowed() {
    // crashed validators count against f: only when no other fault uses the budget
    return faults.crashes() && faults.silent() == 0 && !faults.equivocatingProposer() && !faults.twins()
        && faults.strategy() == Strategy.NONE;
  }

  private void scheduleCrashes() {
    if (!crashesAllowed()) {
      return;
    }
    // A height takes a few message delays (tens of ms): crash often, early, and come back quickly, so that
    // restarts land inside heights and rounds that are still open.
    final int count = 10 + random.nextInt(20);
    for (int c = 0; c < count; c++) {
      final int node = random.nextInt(n);
      final long at = random.nextInt(2_000);
      queue.add(new Scheduled(at, seq++, node, CRASH));
      queue.add(new Scheduled(at + 1 + random.nextInt(400), seq++, node, RESTART));
    }
  }

  private int downCount() {
    int d = 0;
    for (final boolean b : down) {
      d += b ? 1 : 0;
    }
    return d;
  }

  private void crash(final int node) {
    if (down.get(node) || downCount() >= validators.maxFaulty()) {
      return;
    }
    down.set(node, true);
    incarnation.set(node, incarnation.get(node) + 1);
  }

  private void restart(final int node) {
    if (!down.get(node)) {
      return;
    }
    down.set(node, false);
    incarnation.set(node, incarnation.get(node) + 1);
    machines.set(node, newMachine(node));
    final Map<Long, Block> chain = chains.get(node);
    final long top = chain.size();
    final Hash32 last = top == 0 ? Hash32.ZERO : chain.get(top).hash();
    perform(node, machines.get(node).start(top, last, journalsEnabled ? journals.get(node) : null));
    schedule(0, node, new ConsensusEvent.TransactionsPending());
  }

  private final List<Integer> side = new ArrayList<>();

  /** The validator whose key is twinned (when twins are on). */
  private int twinned() {
    return faults.twins() ? faults.silent() : -1;
  }

  private Signer keyOf(final int machine) {
    return machine < n ? keys.get(machine) : machine == joiner() ? joinerKey : keys.get(twinned());
  }

  private boolean honest(final int machine) {
    return (machine < n || machine == joiner()) && !silent(machine) && !byzantine(machine) && machine != twinned();
  }

  private boolean partitioned(final int from, final int to) {
    return faults.twins() && now < HEAL_AT_MILLIS && !side.get(from).equals(side.get(to));
  }

  public String replayHint() {
    return "replay with: mvn -pl ledger test -Dtest=IpbftSimulationTest#replaysOneSeed -Dsim.seed=" + seed + " -Dsim.n=" + n
        + " -Dsim.loss=" + faults.loss() + " -Dsim.silent=" + faults.silent() + " -Dsim.equivocating=" + faults.equivocatingProposer()
        + " -Dsim.twins=" + faults.twins() + " -Dsim.crashes=" + faults.crashes() + " -Dsim.strategy=" + faults.strategy()
        + (membership ? " -Dsim.membership=true" : "");
  }

  private Block block(final int proposer, final long height, final int round, final Hash32 parent, final int variant) {
    final byte[] content = ("tx " + proposer + " " + height + " " + round + " " + variant).getBytes();
    final ResourceChange change = new ResourceChange(Operation.CREATE, "Patient", "p-" + height + "-" + round + "-" + proposer + "-" + variant,
        1, 0, ContentId.of(ContentId.CODEC_RAW, content), content.length);
    final Transaction tx = Transaction.sign(CHAIN, keyOf(proposer), "sim", height, round, List.of(change));
    final List<Transaction> txs = new ArrayList<>(List.of(tx));
    final List<Chunk> chunks = new ArrayList<>();
    pendingMembership(proposer).ifPresent(m -> {
      txs.add(m);
      chunks.add(m == addJoiner ? addJoinerRecord : removeLeaverRecord);
    });
    final BlockHeader header = new BlockHeader(CHAIN, height, parent, height * 1000 + variant, keyOf(proposer).publicKey(), round,
        Block.transactionsRoot(txs), Block.contentRoot(chunks));
    return new Block(header, txs, chunks);
  }

  private boolean silent(final int node) {
    return node < faults.silent();
  }

  private boolean byzantine(final int node) {
    return (faults.equivocatingProposer() || faults.strategy() != Strategy.NONE) && node == faults.silent();
  }

  private int honestCount() {
    return n - faults.silent() - (faults.equivocatingProposer() || faults.strategy() != Strategy.NONE ? 1 : 0);
  }

  /** Runs until every honest node has finalized targetHeight, or the virtual deadline passes; true when live. */
  public boolean run(final long targetHeight, final long deadlineMillis) {
    for (int i = 0; i < machines.size(); i++) {
      if (!silent(i)) {
        perform(i, machines.get(i).start(0, Hash32.ZERO));
        schedule(0, i, new ConsensusEvent.TransactionsPending());
        queue.add(new Scheduled(STATUS_INTERVAL_MILLIS, seq++, i, null));
      }
    }
    scheduleCrashes();
    while (!queue.isEmpty() && now <= deadlineMillis) {
      final Scheduled s = queue.poll();
      now = s.at;
      steps++;
      if (s.event == CRASH) {
        crash(s.node);
      } else if (s.event == RESTART) {
        restart(s.node);
      } else if (down.get(s.node)) {
        if (s.event == null) {
          queue.add(new Scheduled(now + STATUS_INTERVAL_MILLIS, seq++, s.node, null));
        }
      } else if (s.incarnation >= 0 && s.incarnation != incarnation.get(s.node)) {
        continue; // a timer or message of a process that has since crashed
      } else if (s.event == null) {
        // The shell's periodic status exchange: a node that sees a longer chain fetches the certified blocks.
        syncFromPeers(s.node);
        queue.add(new Scheduled(now + STATUS_INTERVAL_MILLIS, seq++, s.node, null));
      } else if (s.event == SYNC) {
        syncFromPeers(s.node);
      } else {
        perform(s.node, machines.get(s.node).handle(s.event));
        if (machines.get(s.node).bufferedFutureMessages() > config.maxBufferedFutureMessages()) {
          throw new AssertionError("node " + s.node + " buffers " + machines.get(s.node).bufferedFutureMessages()
              + " future messages, over the bound; " + replayHint());
        }
      }
      if (allHonestReached(targetHeight)) {
        return true;
      }
    }
    return allHonestReached(targetHeight);
  }

  private boolean allHonestReached(final long target) {
    for (int i = 0; i < machines.size(); i++) {
      if (honest(i) && !chains.get(i).containsKey(target)) {
        return false;
      }
    }
    return true;
  }

  private void schedule(final long delay, final int node, final ConsensusEvent event) {
    queue.add(new Scheduled(now + delay, seq++, node, event, incarnation.get(node)));
  }

  private void perform(final int node, final List<ConsensusAction> actions) {
    boolean finalized = false;
    for (final ConsensusAction a : actions) {
      if (a instanceof ConsensusAction.PersistVotes v) {
        journals.put(node, v.journal());
      } else if (a instanceof ConsensusAction.Broadcast b) {
        checkNeverSignedOtherwise(node, b.message());
        broadcast(node, b.message());
      } else if (a instanceof ConsensusAction.SendTo s) {
        deliver(node, validators.indexOf(s.peer()), s.message());
      } else if (a instanceof ConsensusAction.ScheduleTimeout t) {
        schedule(t.delay().toMillis(), node, new ConsensusEvent.RoundTimeout(t.height(), t.round()));
      } else if (a instanceof ConsensusAction.Finalize f) {
        finalizeAt(node, f.block(), f.certificate());
        finalized = true;
        schedule(1, node, new ConsensusEvent.TransactionsPending());
      } else if (a instanceof ConsensusAction.CatchUp) {
        schedule(1 + random.nextInt(faults.maxDelayMillis()), node, SYNC);
      }
    }
    if (finalized) {
      // as the node shell does: the block is applied, so the next height may start with the validators it left
      final long top = chains.get(node).size();
      perform(node, machines.get(node).handle(new ConsensusEvent.ChainAdvanced(top, chains.get(node).get(top).hash())));
    }
  }

  private void checkNeverSignedOtherwise(final int node, final ConsensusMessage m) {
    if (!honest(node)) {
      return;
    }
    final Hash32 hash = m instanceof Proposal p ? p.block().hash() : m instanceof Prepare p ? p.blockHash()
        : m instanceof Commit c ? c.blockHash() : null;
    if (hash == null) {
      return;
    }
    final String key = node + "/" + m.height() + "/" + m.round() + "/" + m.getClass().getSimpleName();
    final Hash32 earlier = signedVotes.putIfAbsent(key, hash);
    if (earlier != null && !earlier.equals(hash)) {
      throw new AssertionError("honest validator " + node + " signed two blocks as " + m.getClass().getSimpleName() + " at height "
          + m.height() + " round " + m.round() + " (incarnation " + incarnation.get(node) + "); " + replayHint());
    }
  }

  private final List<ConsensusMessage> sentByByzantine = new ArrayList<>();
  private final Signer outsider = SimulatedKeys.signer(-1);

  /** The Byzantine validator's extra messages, sent to everyone along with each of its broadcasts. */
  private void misbehave(final int from, final ConsensusMessage m) {
    final List<ConsensusMessage> extra = new ArrayList<>();
    final Hash32 bogus = Hash32.sha256(("bogus " + now + " " + m.height() + " " + m.round()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    switch (faults.strategy()) {
      case FORGER -> {
        final byte[] bytes = ConsensusCodec.encode(m);
        bytes[bytes.length - 1] ^= 0x01; // the signature's last byte
        extra.add(ConsensusCodec.decode(bytes));
        extra.add(Prepare.create(outsider, CHAIN, m.height(), m.round(), bogus));
        extra.add(Commit.create(outsider, CHAIN, m.height(), m.round(), bogus));
      }
      case REPLAYER -> {
        if (!sentByByzantine.isEmpty()) {
          extra.add(sentByByzantine.get(random.nextInt(sentByByzantine.size())));
        }
        if (sentByByzantine.size() < 2_000) {
          sentByByzantine.add(m);
        }
      }
      case FLOODER -> {
        for (int i = 0; i < 20; i++) {
          extra.add(Prepare.create(keys.get(from), CHAIN, m.height() + 1 + random.nextInt(5_000), random.nextInt(1_000), bogus));
        }
      }
      default -> { }
    }
    for (final ConsensusMessage x : extra) {
      for (int to = 0; to < n; to++) {
        if (to != from) {
          deliver(from, to, x);
        }
      }
    }
  }

  private void broadcast(final int from, final ConsensusMessage message) {
    if (byzantine(from)) {
      misbehave(from, message);
    }
    for (int to = 0; to < machines.size(); to++) {
      if (to == from) {
        continue;
      }
      ConsensusMessage m = message;
      if (byzantine(from) && faults.equivocatingProposer() && message instanceof Proposal p && p.validRound() < 0 && to % 2 == 0) {
        // Equivocation: half the validators get a different block for the same (height, round).
        final Block other = block(from, p.height(), p.round(), p.block().header().parentHash(), 1);
        m = Proposal.create(keys.get(from), CHAIN, p.height(), p.round(), other, -1, List.of());
      }
      if (byzantine(from) && faults.strategy() == Strategy.DOUBLE_VOTER && to % 2 == 0) {
        // Double voting: half the validators also see this validator vote for another block at the same (height, round).
        final Hash32 other = Hash32.sha256(("other " + message.height() + " " + message.round()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (message instanceof Prepare) {
          deliver(from, to, Prepare.create(keys.get(from), CHAIN, message.height(), message.round(), other));
        } else if (message instanceof Commit) {
          deliver(from, to, Commit.create(keys.get(from), CHAIN, message.height(), message.round(), other));
        }
      }
      deliver(from, to, m);
    }
  }

  private void deliver(final int from, final int to, final ConsensusMessage message) {
    if (silent(to) || down.get(to) || partitioned(from, to) || now < HEAL_AT_MILLIS && random.nextDouble() < faults.loss()) {
      return;
    }
    final int copies = random.nextDouble() < faults.duplication() ? 2 : 1;
    for (int c = 0; c < copies; c++) {
      final ConsensusMessage decoded = ConsensusCodec.decode(ConsensusCodec.encode(message));
      schedule(1 + random.nextInt(faults.maxDelayMillis()), to, new ConsensusEvent.MessageReceived(decoded));
    }
  }

  private void finalizeAt(final int node, final Block block, final CommitCertificate cert) {
    // checked against the validators this node's own chain puts in force at that height, whoever sent the block
    final String problem = cert.check(CHAIN, validatorsAt(node, block.height()), SimulatedKeys.VERIFIER);
    if (problem != null || !cert.blockHash().equals(block.hash())) {
      throw new AssertionError("node " + node + " finalized height " + block.height() + " with a bad certificate: " + problem + "; " + replayHint());
    }
    final Hash32 earlier = honest(node) ? decided.putIfAbsent(block.height(), block.hash()) : null;
    if (earlier != null && !earlier.equals(block.hash())) {
      throw new AssertionError("AGREEMENT VIOLATED at height " + block.height() + ": " + earlier + " vs " + block.hash() + " at node " + node
          + "; " + replayHint());
    }
    final Block already = chains.get(node).get(block.height());
    if (already != null) {
      if (!already.hash().equals(block.hash())) {
        throw new AssertionError("node " + node + " finalized two blocks at height " + block.height() + "; " + replayHint());
      }
      return; // applied by catch-up first; the shell ignores the late Finalize the same way
    }
    final long expectedHeight = chains.get(node).size() + 1L;
    if (block.height() != expectedHeight) {
      throw new AssertionError("node " + node + " finalized height " + block.height() + " but its chain ends at " + (expectedHeight - 1)
          + "; " + replayHint());
    }
    final Hash32 parent = expectedHeight == 1 ? Hash32.ZERO : chains.get(node).get(expectedHeight - 1).hash();
    if (!block.header().parentHash().equals(parent)) {
      throw new AssertionError("node " + node + " finalized a block that does not extend its chain; " + replayHint());
    }
    chains.get(node).put(block.height(), block);
    certificates.get(node).put(block.height(), cert);
    applyMembership(node, block);
  }

  /** What the node's store does with the block's membership transactions: the set they leave is in force from h + 1. */
  private void applyMembership(final int node, final Block block) {
    final ValidatorSet before = validatorsAt(node, block.height());
    ValidatorSet next = before;
    for (final Transaction tx : block.transactions()) {
      if (MembershipRules.isMembership(tx)) {
        final MembershipRules.Decision d = MembershipRules.decide(tx, next, keys.get(0).publicKey(),
            id -> block.chunks().stream().filter(c -> c.id().equals(id)).findFirst().map(Chunk::data));
        next = d.next();
        membershipOnChain.get(node).putIfAbsent(tx.hash(), block.height());
      }
    }
    if (!next.equals(before)) {
      histories.get(node).put(block.height() + 1, next);
    }
  }

  /** Catch-up as the node shell does it: copy certified blocks from the longest chain, checking each certificate. */
  private void syncFromPeers(final int node) {
    int source = -1;
    for (int i = 0; i < n; i++) {
      if (honest(i) && (source < 0 || chains.get(i).size() > chains.get(source).size())) {
        source = i;
      }
    }
    final Map<Long, Block> mine = chains.get(node);
    if (source < 0 || chains.get(source).size() <= mine.size()) {
      return;
    }
    for (long h = mine.size() + 1; h <= chains.get(source).size(); h++) {
      finalizeAt(node, chains.get(source).get(h), certificates.get(source).get(h));
    }
    final long top = mine.size();
    perform(node, machines.get(node).handle(new ConsensusEvent.ChainAdvanced(top, mine.get(top).hash())));
    schedule(1, node, new ConsensusEvent.TransactionsPending());
  }

  /** Where each node is: for failure messages. */
  public String describe() {
    final StringBuilder sb = new StringBuilder();
    for (int i = 0; i < machines.size(); i++) {
      sb.append(String.format("%n  node %d%s: chain=%d consensus h=%d r=%d", i, silent(i) ? " (silent)" : !honest(i) ? " (byzantine/twin)"
              : down.get(i) ? " (down)" : "",
          chains.get(i).size(), machines.get(i).height(), machines.get(i).round()));
    }
    return sb.append(String.format("%n  virtual time %d ms, %d steps", now, steps)).toString();
  }

  /** Evidence recorded by honest validators (a double voter must be caught by someone). */
  public int honestEvidence() {
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (honest(i)) {
        count += machines.get(i).evidence().size();
      }
    }
    return count;
  }

  public long virtualTimeMillis() {
    return now;
  }

  public long steps() {
    return steps;
  }

  public int honest() {
    return honestCount();
  }
}
