package org.fhirledger.server.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.fhirledger.server.bench.BlockFigures.BlockInfo;
import org.junit.jupiter.api.Test;

class BlockFiguresTest {
  private static final List<BlockInfo> CHAIN = List.of(
      new BlockInfo(1, 500, 99, 99),      // before the window
      new BlockInfo(2, 1_000, 10, 10),    // b0: opens the first interval, its own transactions are not counted
      new BlockInfo(3, 1_200, 20, 20),
      new BlockInfo(4, 1_500, 30, 300),   // a transaction Bundle of many changes
      new BlockInfo(5, 2_000, 40, 40),
      new BlockInfo(6, 9_000, 99, 99));   // after the window

  @Test
  void eq1CountsTransactionsOverWholeBlockIntervalsInsideTheWindow() {
    final BlockFigures f = BlockFigures.fromChain(CHAIN, 1_000, 3_000);
    assertThat(f.blocks()).isEqualTo(4);
    // (20 + 30 + 40) transactions over ts(b5) - ts(b2) = 1 s
    assertThat(f.tps()).isCloseTo(90.0, offset(1e-9));
    assertThat(f.resourceChangesPerSecond()).isCloseTo(360.0, offset(1e-9));
    assertThat(f.intervalSeconds()).isCloseTo(1.0, offset(1e-9));
    assertThat(f.blocksPerSecond()).isCloseTo(2.0, offset(1e-9));
    assertThat(f.transactionsPerBlock()).isCloseTo(25.0, offset(1e-9));
  }

  @Test
  void aWindowWithoutBlocksHasNoFigures() {
    final BlockFigures f = BlockFigures.fromChain(CHAIN, 3_000, 4_000);
    assertThat(f.blocks()).isZero();
    assertThat(f.tps()).isZero();
  }

  @Test
  void heightsAndCommittedWritesGiveTheFiguresWhenTheChainCannotBeRead() {
    final BlockFigures f = BlockFigures.fromHeights(100, 150, 1_000, 5_000, 10);
    assertThat(f.source()).isEqualTo("status");
    assertThat(f.blocksPerSecond()).isCloseTo(5.0, offset(1e-9));
    assertThat(f.transactionsPerBlock()).isCloseTo(20.0, offset(1e-9));
    assertThat(f.tps()).isCloseTo(100.0, offset(1e-9));
    assertThat(f.resourceChangesPerSecond()).isCloseTo(500.0, offset(1e-9));
  }
}
