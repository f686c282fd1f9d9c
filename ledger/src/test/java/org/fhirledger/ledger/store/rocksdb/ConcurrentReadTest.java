package org.fhirledger.ledger.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.store.AppliedBlock;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentReadTest {
  @TempDir Path dir;

  @Test
  void readersOnOtherThreadsAlwaysSeeWholeBlocks() throws Exception {
    final TestChain chain = new TestChain(4, 3);
    final int blocks = 40;
    final ExecutorService readers = Executors.newFixedThreadPool(2);
    final AtomicBoolean done = new AtomicBoolean();
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir)) {
      store.initGenesis(chain.genesis());
      final List<Future<Integer>> checks = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        checks.add(readers.submit(() -> {
          int seen = 0;
          while (!done.get() || seen < store.height()) {
            final long h = store.height();
            if (h > 0) {
              // a block visible by height has its certificate, its hash index and its resource head too
              final Block b = store.block(h).orElseThrow();
              assertThat(store.certificate(h)).isPresent();
              assertThat(store.heightOf(b.hash())).contains(h);
              assertThat(store.head("Patient", "p" + h)).isPresent();
              seen = (int) h;
            }
          }
          return seen;
        }));
      }
      for (long h = 1; h <= blocks; h++) {
        final byte[] content = TestChain.json("Patient", "p" + h, 1);
        final Transaction tx = chain.write("Patient", "p" + h, 1, content, h);
        final Block block = chain.block(h, store.blockHash(h - 1).orElseThrow(), List.of(tx), List.of(TestChain.leaf(content)));
        final Chunk leaf = block.chunks().get(0);
        store.apply(new AppliedBlock(block, chain.certify(block), List.of(TransactionOutcome.committed(tx.hash(), h, 0)),
            List.of(new ResourceVersion("Patient", "p" + h, 1, tx.changes().get(0).operation(), leaf.id(), leaf.size(), tx.timestamp(), h, 0,
                tx.hash(), tx.origin()))));
      }
      done.set(true);
      for (final Future<Integer> f : checks) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(blocks);
      }
    } finally {
      done.set(true);
      readers.shutdownNow();
    }
  }
}
