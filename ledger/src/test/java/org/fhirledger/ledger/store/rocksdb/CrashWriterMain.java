package org.fhirledger.ledger.store.rocksdb;

import java.nio.file.Path;
import org.fhirledger.ledger.store.AppliedBlock;

/**
 * The child JVM of {@link RocksDbLedgerStoreCrashIT}: opens the store, then applies the workload's blocks
 * one after another, printing {@code writing <height>} just before each apply and {@code applied <height>}
 * once it has returned, until it is killed
 * (or reaches the height cap, so a forgotten child ends by itself).
 * Arguments: the store folder, the workload seed, the height cap.
 */
public final class CrashWriterMain {
  private CrashWriterMain() {}

  public static void main(final String[] args) {
    final Path dir = Path.of(args[0]);
    final CrashWorkload workload = new CrashWorkload(Long.parseLong(args[1]));
    final long cap = Long.parseLong(args[2]);
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir)) {
      store.initGenesis(workload.genesis());
      System.out.println("opened " + store.height());
      System.out.flush();
      while (store.height() < cap) {
        final AppliedBlock next = workload.next(store);
        System.out.println("writing " + next.block().height());
        System.out.flush();
        store.apply(next);
        System.out.println("applied " + store.height());
        System.out.flush();
      }
    }
  }
}
