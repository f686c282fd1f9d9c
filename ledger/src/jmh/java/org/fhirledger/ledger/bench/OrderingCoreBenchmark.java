package org.fhirledger.ledger.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.BlockHeader;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.consensus.BlockValidator;
import org.fhirledger.ledger.consensus.ConsensusAction;
import org.fhirledger.ledger.consensus.ConsensusConfig;
import org.fhirledger.ledger.consensus.ConsensusEvent;
import org.fhirledger.ledger.consensus.messages.ConsensusCodec;
import org.fhirledger.ledger.consensus.simulation.SimulatedKeys;
import org.fhirledger.ledger.consensus.statemachine.IpbftStateMachine;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ordering core at zero network delay: four I-PBFT state machines in one thread, every message through the
 * real codec (encoded once per broadcast, decoded by each receiver, as T-io delivers it: a proposal's block is
 * decoded with every transaction and chunk re-hashed and the Merkle roots checked), blocks of {@code txPerBlock}
 * transactions each carrying 1 KiB of content as a chunk. One invocation orders one block on all four validators;
 * the score is transactions ordered per second (ops = transactions). No storage and no execution: those are
 * {@link BlockAppendBenchmark}.
 *
 * <p>{@code keys}: consensus messages and transactions signed with real Ed25519 or with the simulator's
 * {@link SimulatedKeys} (two SHA-256 digests). {@code txSignatures}: {@code gossip} leaves the transactions'
 * signatures out, as the node's event thread does (they were checked on the transport's threads when gossiped);
 * {@code verify} checks every transaction's signature at each of the three validators that receive the proposal,
 * which is the same count of checks the gossip path makes, put on this one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class OrderingCoreBenchmark {
  private static final String CHAIN = "bench-ordering";
  private static final int NODES = 4;

  @Param({"ED25519", "SIMULATED"})
  public String keys;

  @Param({"gossip", "verify"})
  public String txSignatures;

  /** Transactions per block: the node's default block size ({@code NodeConfig.DEFAULT_BLOCK_MAX_TRANSACTIONS}). */
  private static final int TX_PER_BLOCK = 500;
  private final int txPerBlock = TX_PER_BLOCK;

  private final List<Signer> signers = new ArrayList<>();
  private final List<IpbftStateMachine> machines = new ArrayList<>();
  private final ArrayDeque<Delivery> network = new ArrayDeque<>();
  private final List<Transaction> pool = new ArrayList<>();
  private final List<Chunk> poolChunks = new ArrayList<>();
  private SignatureVerifier verifier;
  private int next;
  private long height;
  private Hash32 lastHash = Hash32.ZERO;
  private int finalizedThisBlock;

  private record Delivery(int to, byte[] message) {}

  // CPU time of this thread per iteration: on a machine whose cores are shared many ways the wall-clock score
  // swings by 5x between iterations, while CPU per transaction does not.
  private final java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
  private long cpuNanos;
  private long blocks;

  @Setup(Level.Iteration)
  public void resetCpu() {
    cpuNanos = 0;
    blocks = 0;
  }

  @org.openjdk.jmh.annotations.TearDown(Level.Iteration)
  public void reportCpu() {
    if (blocks > 0) {
      final double microsPerTx = cpuNanos / 1000.0 / (blocks * (double) txPerBlock);
      System.out.printf("%n  cpu: %.2f us per transaction ordered = %.0f tx/s per core (%d blocks)%n", microsPerTx, 1e6 / microsPerTx, blocks);
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    final boolean ed25519 = "ED25519".equals(keys);
    verifier = ed25519 ? Ed25519Keys.verifier() : SimulatedKeys.VERIFIER;
    final List<Validator> validators = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      final Signer s = ed25519 ? Ed25519Keys.generate(TestChain.seededRandom(100 + i)) : SimulatedKeys.signer(100 + i);
      signers.add(s);
      validators.add(new Validator("v" + i, s.publicKey(), "127.0.0.1", 1));
    }
    final ValidatorSet set = new ValidatorSet(validators);
    // Enough distinct transactions that consecutive blocks never repeat one; signed before measuring (a client's work).
    final int poolSize = txPerBlock * 8;
    for (int i = 0; i < poolSize; i++) {
      final byte[] content = resource(i);
      final ContentId cid = ContentId.of(ContentId.CODEC_RAW, content);
      pool.add(Transaction.sign(CHAIN, signers.get(i % NODES), "bench", 1_700_000_000_000L + i, i,
          List.of(new ResourceChange(Operation.CREATE, "Observation", "o" + i, 1, 0, cid, content.length))));
      poolChunks.add(new Chunk(cid, content));
    }
    final BlockValidator blockValidator = "verify".equals(txSignatures) ? this::checkSignatures : block -> null;
    final ConsensusConfig config = new ConsensusConfig(Duration.ofSeconds(10), Duration.ofSeconds(30), 10_000, 10);
    for (int i = 0; i < NODES; i++) {
      final int node = i;
      final IpbftStateMachine m = new IpbftStateMachine(CHAIN, signers.get(i), verifier, h -> set,
          (h, r, parent) -> Optional.of(nextBlock(node, h, r, parent)), blockValidator, config);
      machines.add(m);
      perform(i, m.start(0, Hash32.ZERO));
    }
  }

  private String checkSignatures(final Block block) {
    for (final Transaction tx : block.transactions()) {
      if (!tx.hasValidSignature(verifier)) {
        return "bad signature";
      }
    }
    return null;
  }

  private Block nextBlock(final int proposer, final long h, final int round, final Hash32 parent) {
    final List<Transaction> txs = new ArrayList<>(txPerBlock);
    final List<Chunk> chunks = new ArrayList<>(txPerBlock);
    for (int i = 0; i < txPerBlock; i++) {
      txs.add(pool.get(next));
      chunks.add(poolChunks.get(next));
      next = (next + 1) % pool.size();
    }
    final BlockHeader header = new BlockHeader(CHAIN, h, parent, 1_700_000_000_000L + h, signers.get(proposer).publicKey(), round,
        Block.transactionsRoot(txs), Block.contentRoot(chunks));
    return new Block(header, txs, chunks);
  }

  /** Orders one block: its proposer is told there is work, and messages flow until all four have finalized it. */
  @Benchmark
  @OperationsPerInvocation(TX_PER_BLOCK)
  public Hash32 orderOneBlock() {
    final long cpuBefore = cpu.getCurrentThreadCpuTime();
    height++;
    finalizedThisBlock = 0;
    final int proposer = (int) (height % NODES); // proposer(h, 0) = V[h mod n], validators in signer order
    perform(proposer, machines.get(proposer).handle(new ConsensusEvent.TransactionsPending()));
    while (!network.isEmpty()) {
      final Delivery d = network.poll();
      perform(d.to, machines.get(d.to).handle(new ConsensusEvent.MessageReceived(ConsensusCodec.decode(d.message))));
    }
    if (finalizedThisBlock != NODES) {
      throw new IllegalStateException("height " + height + " finalized on " + finalizedThisBlock + " of " + NODES);
    }
    cpuNanos += cpu.getCurrentThreadCpuTime() - cpuBefore;
    blocks++;
    return lastHash;
  }

  private void perform(final int node, final List<ConsensusAction> actions) {
    Block finalized = null;
    for (final ConsensusAction a : actions) {
      if (a instanceof ConsensusAction.Broadcast b) {
        final byte[] bytes = ConsensusCodec.encode(b.message());
        for (int to = 0; to < NODES; to++) {
          if (to != node) {
            network.add(new Delivery(to, bytes));
          }
        }
      } else if (a instanceof ConsensusAction.Finalize f) {
        finalizedThisBlock++;
        lastHash = f.block().hash();
        finalized = f.block();
      }
      // ScheduleTimeout: no timer fires at zero delay; PersistVotes: no disk here (see BlockAppendBenchmark).
    }
    if (finalized != null) {
      // as the node shell does once the block is applied: the next height starts with the validators it leaves
      perform(node, machines.get(node).handle(new ConsensusEvent.ChainAdvanced(finalized.height(), finalized.hash())));
    }
  }

  private static byte[] resource(final int i) {
    final StringBuilder s = new StringBuilder(1100);
    s.append("{\"resourceType\":\"Observation\",\"id\":\"o").append(i).append("\",\"status\":\"final\",\"code\":{\"text\":\"");
    while (s.length() < 1024 - 3) {
      s.append((char) ('a' + s.length() % 26));
    }
    return s.append("\"}}").toString().getBytes(StandardCharsets.UTF_8);
  }
}
