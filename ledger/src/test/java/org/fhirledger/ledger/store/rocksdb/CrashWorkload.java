package org.fhirledger.ledger.store.rocksdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.node.BlockExecutor;
import org.fhirledger.ledger.store.AppliedBlock;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.ledger.store.TransactionOutcome;

/**
 * The blocks of the crash test, as a pure function of the seed and the store's state: the child JVM that is
 * killed and the parent that checks what it left both call {@link #next}, so the parent knows exactly which
 * block the child was writing when it died. Each block creates, updates and deletes resources of a small
 * universe (so heads move, and some resources are deleted and come back) and carries their content chunks,
 * some of them large so that a block's batch takes a while to write.
 */
final class CrashWorkload {
  static final String TYPE = "Patient";
  static final int RESOURCES = 150;
  private static final int MAX_TXS = 24;
  private final long seed;
  private final TestChain chain;

  CrashWorkload(final long seed) {
    this.seed = seed;
    this.chain = new TestChain(4, seed);
  }

  Genesis genesis() {
    return chain.genesis();
  }

  static String resourceId(final int k) {
    return "p" + k;
  }

  /** The certified block at store.height() + 1, executed against the store's world state (not yet applied). */
  AppliedBlock next(final LedgerStore store) {
    final long h = store.height() + 1;
    final Random random = new Random(seed * 1_000_003L + h);
    final int count = 1 + random.nextInt(MAX_TXS);
    final Set<Integer> touched = new HashSet<>();
    final List<Transaction> txs = new ArrayList<>();
    final List<Chunk> chunks = new ArrayList<>();
    while (txs.size() < count) {
      final int k = random.nextInt(RESOURCES);
      if (!touched.add(k)) {
        continue;
      }
      final Optional<ResourceVersion> head = store.head(TYPE, resourceId(k));
      final long version = head.map(ResourceVersion::versionId).orElse(0L) + 1;
      final boolean delete = head.isPresent() && !head.get().deleted() && random.nextInt(6) == 0;
      final byte[] content = delete ? null : content(random, k, version);
      txs.add(chain.write(TYPE, resourceId(k), version, content, h * 1_000 + txs.size()));
      if (content != null) {
        chunks.add(TestChain.leaf(content));
      }
    }
    final Block block = chain.block(h, store.blockHash(h - 1).orElseThrow(), txs, chunks);
    return new BlockExecutor(store).execute(block, chain.certify(block));
  }

  /** Canonical-looking JSON padded to a random size: mostly small, now and then up to 200 KiB. */
  private static byte[] content(final Random random, final int k, final long version) {
    final int pad = random.nextInt(10) == 0 ? random.nextInt(200 * 1024) : random.nextInt(2048);
    final StringBuilder s = new StringBuilder(pad + 100);
    s.append("{\"resourceType\":\"").append(TYPE).append("\",\"id\":\"").append(resourceId(k))
        .append("\",\"meta\":{\"versionId\":\"").append(version).append("\"},\"text\":\"");
    for (int i = 0; i < pad; i++) {
      s.append((char) ('a' + random.nextInt(26)));
    }
    return s.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Folds the changes blocks {@code from}..{@code to} committed into {@code heads} (resource id → newest
   * committed change), recomputed from the stored blocks and their recorded outcomes alone.
   */
  static void foldHeads(final LedgerStore store, final long from, final long to, final Map<String, ResourceChange> heads) {
    for (long h = from; h <= to; h++) {
      final Block block = store.block(h).orElseThrow();
      for (final Transaction tx : block.transactions()) {
        final TransactionOutcome outcome = store.outcome(tx.hash()).orElseThrow();
        if (outcome.committed()) {
          tx.changes().forEach(c -> heads.merge(c.resourceId(), c, (a, b) -> b.versionId() > a.versionId() ? b : a));
        }
      }
    }
  }
}
