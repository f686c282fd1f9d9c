package org.fhirledger.server.bench;

import java.util.List;

/**
 * What the chain itself says about a measured window: how many blocks were made, how full they were, and
 * the paper's Eq. 1, TPS = transactions included in blocks / Δt, where Δt spans whole block intervals.
 *
 * @param source where the figures come from: "chain" (the blocks of a node's store, read after the run) or
 *     "status" (heights from $ledger-status; transactions then estimated from the committed writes)
 * @param tps Eq. 1 over whole block intervals: the transactions of blocks b1..bk over ts(bk) - ts(b0), where
 *     b0..bk are the blocks proposed inside the window
 * @param resourceChangesPerSecond the same over resource changes (a transaction Bundle is one transaction of
 *     many changes)
 */
public record BlockFigures(String source, long blocks, double blocksPerSecond, double transactionsPerBlock, double tps,
    double resourceChangesPerSecond, double intervalSeconds) {

  /** One block as the bench sees it. */
  public record BlockInfo(long height, long timestampMillis, int transactions, int resourceChanges) {}

  /** No block figures: a server that is not a ledger (e.g. {@code --baseline} HAPI JPA), or a search-only run. */
  public static final BlockFigures NONE = new BlockFigures("none", 0, 0, 0, 0, 0, 0);

  /** Whether blocks were counted at all; a chain that made no block in the window still counts (as zero). */
  public boolean measured() {
    return !NONE.source().equals(source);
  }

  /** Figures of the blocks whose proposal time lies in [fromMillis, toMillis]; blocks in height order. */
  public static BlockFigures fromChain(final List<BlockInfo> blocks, final long fromMillis, final long toMillis) {
    final List<BlockInfo> in = blocks.stream().filter(b -> b.timestampMillis() >= fromMillis && b.timestampMillis() <= toMillis).toList();
    final double window = Math.max(1, toMillis - fromMillis) / 1000.0;
    if (in.isEmpty()) {
      return new BlockFigures("chain", 0, 0, 0, 0, 0, 0);
    }
    long txs = 0;
    for (final BlockInfo b : in) {
      txs += b.transactions();
    }
    long eqTxs = 0;
    long eqChanges = 0;
    for (int i = 1; i < in.size(); i++) {
      eqTxs += in.get(i).transactions();
      eqChanges += in.get(i).resourceChanges();
    }
    final double interval = (in.get(in.size() - 1).timestampMillis() - in.get(0).timestampMillis()) / 1000.0;
    final double tps = interval > 0 ? eqTxs / interval : 0;
    final double changes = interval > 0 ? eqChanges / interval : 0;
    return new BlockFigures("chain", in.size(), in.size() / window, (double) txs / in.size(), tps, changes, interval);
  }

  /**
   * Figures from two heights of one node and the writes the bench saw committed, when the chain cannot be
   * read (running endpoints): other clients' writes, if any, are not counted.
   */
  public static BlockFigures fromHeights(final long heightBefore, final long heightAfter, final long committedWrites,
      final long committedChanges, final double seconds) {
    final long blocks = Math.max(0, heightAfter - heightBefore);
    if (blocks == 0 || seconds <= 0) {
      return new BlockFigures("status", blocks, 0, 0, 0, 0, seconds);
    }
    return new BlockFigures("status", blocks, blocks / seconds, (double) committedWrites / blocks, committedWrites / seconds,
        committedChanges / seconds, seconds);
  }
}
