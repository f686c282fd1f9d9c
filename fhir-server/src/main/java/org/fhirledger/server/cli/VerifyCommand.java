package org.fhirledger.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fhirledger.ledger.audit.ChainAuditor;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Offline audit of a stopped node's chain: exit 0 when every height verifies, 1 naming the first bad height. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Audit a stopped node's whole chain: hashes, signatures, Merkle roots, commit certificates, world state, chunks.")
final class VerifyCommand implements Callable<Integer> {
  @Option(names = "--data", required = true,
      description = "the node's data folder (the one holding chain/), e.g. ./data/node-0/data or network/node-0/data")
  Path data;

  @Override
  public Integer call() {
    final Path chain = Files.isDirectory(data.resolve("chain")) ? data.resolve("chain") : data;
    if (!Files.exists(chain.resolve("CURRENT"))) {
      System.err.println("no ledger store in " + data + " (expected a RocksDB folder, or a folder holding chain/)");
      return 2;
    }
    final ChainAuditor.Report report;
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(chain)) {
      report = new ChainAuditor(Ed25519Keys.verifier()).audit(store);
    }
    if (report.ok()) {
      System.out.println("OK: verified heights 1.." + report.verifiedThrough() + " of " + chain);
      return 0;
    }
    final ChainAuditor.Failure f = report.failure().orElseThrow();
    System.out.println("FAILED at height " + f.height() + ": " + f.reason() + " (heights 1.." + report.verifiedThrough()
        + " verified, chain height " + report.chainHeight() + ")");
    return 1;
  }
}
