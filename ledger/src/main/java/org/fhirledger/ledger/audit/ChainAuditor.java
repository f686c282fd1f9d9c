package org.fhirledger.ledger.audit;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.node.MembershipRules;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.ledger.store.TransactionOutcome;

/**
 * Offline audit of a node's whole chain, trusting nothing the store says that can be recomputed: every block
 * links to its parent's hash, its body matches its header's Merkle roots, every transaction is signed by a
 * member for this chain, every commit certificate holds a quorum of valid seals of the validators in force at
 * that height (recomputed from the genesis and the chain's membership transactions, each decided again by
 * {@link MembershipRules}, and compared with the validator history the store keeps), the recorded
 * outcomes sit where the block puts them, every committed change is in the world state, the head of every
 * resource is the newest version the chain wrote (and no resource has a head the chain did not write), no
 * block lies above the recorded height, and every stored chunk hashes to its id. The first failure is
 * reported with its height.
 *
 * <p>Every chunk is read and hashed once, in a scan before the walk over the heights; the walk then knows
 * which of the chunks a block carried are missing or corrupt, and so names the first bad height. Memory grows
 * with the number of resources (one entry per resource for the head check), not with the chain's bytes.
 */
public final class ChainAuditor {
  /** The height of a failure that no block is to blame for, e.g. a corrupt chunk that no block carried. */
  public static final long NO_HEIGHT = -1;

  private final SignatureVerifier verifier;

  public ChainAuditor(final SignatureVerifier verifier) {
    this.verifier = verifier;
  }

  /**
   * What the audit found: the heights it verified, what it read, how long it took, and the first problem if
   * any. {@code chunks} and {@code chunkBytes} count every chunk in the store (each hashed once).
   */
  public record Report(
      long chainHeight,
      long verifiedThrough,
      long transactions,
      long chunks,
      long chunkBytes,
      long resources,
      Duration elapsed,
      Optional<Failure> failure) {
    public boolean ok() {
      return failure.isEmpty();
    }
  }

  /** The first height that does not verify ({@link #NO_HEIGHT} when no block is to blame), and why. */
  public record Failure(long height, String reason) {}

  /** Told how far the audit has got, from the auditing thread; for progress bars. */
  public interface Progress {
    Progress NONE = new Progress() {};

    /** After each chunk of the initial scan. */
    default void chunkScanned(final long chunks, final long bytes) {}

    /** After each height of the walk. */
    default void heightVerified(final long height, final long chainHeight) {}
  }

  public Report audit(final LedgerStore store) {
    return audit(store, Progress.NONE);
  }

  public Report audit(final LedgerStore store, final Progress progress) {
    return new Run(store, progress).audit();
  }

  private record ResourceKey(String type, String id) {
    @Override
    public String toString() {
      return type + "/" + id;
    }
  }

  private record Newest(long versionId, long height) {}

  /** One audit's state: counters, the chunks found corrupt, the newest version of each resource so far. */
  private final class Run {
    private final LedgerStore store;
    private final Progress progress;
    private final long started = System.nanoTime();
    private final long top;
    private final Map<ContentId, String> badChunks = new TreeMap<>();
    private final Set<ContentId> carried = new HashSet<>();
    private final Map<ResourceKey, Newest> newest = new HashMap<>();
    /** The validators by first height in force, as the chain itself says (never read from the store). */
    private final TreeMap<Long, ValidatorSet> history = new TreeMap<>();
    private ValidatorSet validators;
    private PublicKey manager;
    private long verifiedThrough;
    private long transactions;
    private long chunks;
    private long chunkBytes;

    Run(final LedgerStore store, final Progress progress) {
      this.store = store;
      this.progress = progress;
      this.top = store.height();
    }

    Report audit() {
      return report(findFailure());
    }

    private Failure findFailure() {
      final Optional<Genesis> genesis = store.genesis();
      if (genesis.isEmpty()) {
        return new Failure(0, "the store has no genesis");
      }
      if (!store.blockHash(0).equals(Optional.of(genesis.get().hash()))) {
        return new Failure(0, "the hash recorded for height 0 is not the genesis hash");
      }
      try {
        store.forEachChunk(this::scanChunk);
      } catch (final RuntimeException e) {
        return new Failure(NO_HEIGHT, "the chunk store is unreadable: " + e.getMessage());
      }
      final Failure walk = walk(genesis.get());
      if (walk != null) {
        return walk;
      }
      final Failure validatorHistory = checkValidatorHistory();
      if (validatorHistory != null) {
        return validatorHistory;
      }
      final Failure above = nothingAbove();
      if (above != null) {
        return above;
      }
      final Failure heads = checkHeads();
      if (heads != null) {
        return heads;
      }
      for (final Map.Entry<ContentId, String> bad : badChunks.entrySet()) {
        if (!carried.contains(bad.getKey())) {
          return new Failure(NO_HEIGHT, "chunk " + bad.getKey() + ", carried by no block, " + bad.getValue());
        }
      }
      return null;
    }

    private void scanChunk(final ContentId id, final byte[] data) {
      if (!id.matches(data)) {
        badChunks.put(id, "does not hash to its id (" + data.length + " bytes on disk)");
      }
      chunks++;
      chunkBytes += data.length;
      progress.chunkScanned(chunks, chunkBytes);
    }

    private Failure walk(final Genesis genesis) {
      validators = genesis.validatorSet();
      manager = genesis.manager();
      history.put(1L, validators);
      Hash32 parent = genesis.hash();
      for (long h = 1; h <= top; h++) {
        final String problem;
        Block block = null;
        try {
          block = store.block(h).orElse(null);
          problem = block == null ? "block missing" : checkHeight(genesis.chainId(), block, h, parent);
        } catch (final RuntimeException e) { // StorageException, DecodingException: all mean "does not verify"
          return new Failure(h, "unreadable: " + e.getMessage());
        }
        if (problem != null) {
          return new Failure(h, problem);
        }
        parent = block.hash();
        transactions += block.transactions().size();
        verifiedThrough = h;
        progress.heightVerified(h, top);
      }
      return null;
    }

    private String checkHeight(final String chainId, final Block block, final long h, final Hash32 parent) {
      if (block.height() != h || !chainId.equals(block.header().chainId())) {
        return "block header says height " + block.height() + " of chain '" + block.header().chainId() + "'";
      }
      if (!block.header().parentHash().equals(parent)) {
        return "parent hash " + block.header().parentHash().toShortHex() + " is not the hash of height " + (h - 1);
      }
      if (!store.blockHash(h).equals(Optional.of(block.hash()))) {
        return "the block's header hashes to " + block.hash().toShortHex() + ", not to the hash recorded for this height";
      }
      if (!block.bodyMatchesHeader()) {
        return "the body does not match the header's Merkle roots";
      }
      if (!validators.contains(block.header().proposer())) {
        return "proposer " + block.header().proposer() + " is not a validator";
      }
      final Optional<CommitCertificate> cert = store.certificate(h);
      if (cert.isEmpty()) {
        return "commit certificate missing";
      }
      if (cert.get().height() != h || !cert.get().blockHash().equals(block.hash())) {
        return "the commit certificate is for another block";
      }
      final String certProblem = cert.get().check(chainId, validators, verifier);
      if (certProblem != null) {
        return "invalid commit certificate: " + certProblem;
      }
      final String txProblem = checkTransactions(chainId, block);
      return txProblem != null ? txProblem : checkCarriedChunks(block);
    }

    private String checkTransactions(final String chainId, final Block block) {
      final List<Transaction> txs = block.transactions();
      ValidatorSet members = validators;
      for (int i = 0; i < txs.size(); i++) {
        final Transaction tx = txs.get(i);
        if (!chainId.equals(tx.chainId()) || !validators.contains(tx.origin()) && !manager.equals(tx.origin())
            || !tx.hasValidSignature(verifier)) {
          return "transaction " + i + " is not a valid signed transaction of a member for this chain";
        }
        final Optional<TransactionOutcome> outcome = store.outcome(tx.hash());
        if (outcome.isEmpty() || outcome.get().height() != block.height() || outcome.get().txIndex() != i) {
          return "the outcome of transaction " + i + " is missing or recorded elsewhere";
        }
        if (MembershipRules.isMembership(tx)) {
          // decided again from the chain alone: a recorded outcome cannot smuggle a member in or out
          final MembershipRules.Decision d = MembershipRules.decide(tx, members, manager, id -> chunkOf(block, id));
          if (d.committed() != outcome.get().committed()) {
            return "membership transaction " + i + " is recorded as " + (outcome.get().committed() ? "committed" : "rejected")
                + ", but the rules decide " + (d.committed() ? "committed" : "rejected: " + d.rejection());
          }
          members = d.next();
          continue;
        }
        if (outcome.get().committed()) {
          for (final ResourceChange c : tx.changes()) {
            final Optional<ResourceVersion> v = store.version(c.resourceType(), c.resourceId(), c.versionId());
            if (v.isEmpty() || !v.get().txHash().equals(tx.hash()) || !Objects.equals(v.get().content(), c.content())) {
              return "world state lacks " + c.versionedId() + " as transaction " + i + " wrote it";
            }
            newest.merge(new ResourceKey(c.resourceType(), c.resourceId()), new Newest(c.versionId(), block.height()),
                (a, b) -> b.versionId() > a.versionId() ? b : a);
          }
        }
      }
      if (!members.equals(validators)) {
        validators = members;
        history.put(block.height() + 1, members);
      }
      return null;
    }

    private Optional<byte[]> chunkOf(final Block block, final ContentId id) {
      for (final Chunk c : block.chunks()) {
        if (c.id().equals(id)) {
          return Optional.of(c.data());
        }
      }
      return store.chunk(id);
    }

    /** The store's validator history (what consensus and catch-up use) must be the one the chain implies. */
    private Failure checkValidatorHistory() {
      final Map<Long, ValidatorSet> stored;
      try {
        stored = store.validatorHistory();
      } catch (final RuntimeException e) {
        return new Failure(NO_HEIGHT, "the validator history is unreadable: " + e.getMessage());
      }
      if (stored.equals(history)) {
        return null;
      }
      final java.util.TreeSet<Long> heights = new java.util.TreeSet<>(stored.keySet());
      heights.addAll(history.keySet());
      for (final long from : heights) {
        if (!Objects.equals(stored.get(from), history.get(from))) {
          return new Failure(Math.max(0, from - 1), "the stored validators from height " + from + " are " + stored.get(from)
              + ", but the chain's membership transactions give " + history.get(from));
        }
      }
      return null;
    }

    private String checkCarriedChunks(final Block block) {
      for (final Chunk c : block.chunks()) {
        if (!carried.add(c.id())) {
          continue;
        }
        final String bad = badChunks.get(c.id());
        if (bad != null) {
          return "chunk " + c.id() + " carried by the block " + bad;
        }
        if (!store.hasChunk(c.id())) {
          return "chunk " + c.id() + " carried by the block is not in the chunk store";
        }
      }
      return null;
    }

    private Failure nothingAbove() {
      final long next = top + 1;
      if (store.blockHash(next).isPresent() || store.block(next).isPresent() || store.certificate(next).isPresent()) {
        return new Failure(next, "a block or certificate is stored above the recorded height " + top);
      }
      return null;
    }

    /** Each head must be the newest version the chain wrote, and each resource the chain wrote must have one. */
    private Failure checkHeads() {
      final Map<ResourceKey, Newest> unseen = new HashMap<>(newest);
      final Failure[] first = {null};
      try {
        store.forEachHead((type, id, version) -> {
          final ResourceKey key = new ResourceKey(type, id);
          final Newest expected = unseen.remove(key);
          if (first[0] != null) {
            return;
          }
          if (expected == null) {
            first[0] = new Failure(NO_HEIGHT, "world state has a head for " + key + " (version " + version + ") that no block wrote");
          } else if (expected.versionId() != version) {
            first[0] = new Failure(expected.height(), "the head of " + key + " is version " + version + ", but the newest version"
                + " the chain wrote is " + expected.versionId() + " (at height " + expected.height() + ")");
          }
        });
      } catch (final RuntimeException e) {
        return new Failure(NO_HEIGHT, "the world state heads are unreadable: " + e.getMessage());
      }
      if (first[0] != null) {
        return first[0];
      }
      return unseen.entrySet().stream()
          .min(Map.Entry.comparingByValue((a, b) -> Long.compare(a.height(), b.height())))
          .map(e -> new Failure(e.getValue().height(), "world state has no head for " + e.getKey() + ", which this height wrote"
              + " (version " + e.getValue().versionId() + ")"))
          .orElse(null);
    }

    private Report report(final Failure failure) {
      return new Report(top, verifiedThrough, transactions, chunks, chunkBytes, newest.size(), Duration.ofNanos(System.nanoTime() - started),
          Optional.ofNullable(failure));
    }
  }
}
