package org.fhirledger.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.fhirledger.ledger.audit.ChainAuditor;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.store.StorageException;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Offline audit of a stopped node's chain ({@link ChainAuditor}). Prints a summary to stdout and exits 0 when
 * everything holds, 1 naming the first bad height and what is wrong, 2 when there is no store to audit.
 * A progress line goes to stderr on large chains or when a person is watching, never into the summary.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Audit a stopped node's whole chain: hashes, signatures, Merkle roots, commit certificates, world state, chunks.")
final class VerifyCommand implements Callable<Integer> {
  /** From this many heights on the progress line is shown even when no terminal is attached. */
  static final long LARGE_CHAIN = 1_000;

  @Spec
  CommandSpec spec;

  @Option(names = "--data", required = true,
      description = "the node's data folder (the one holding chain/), e.g. ./data/node-0/data or network/node-0/data")
  Path data;

  @Option(names = "--progress", negatable = true,
      description = "show a progress line on stderr (default: on a terminal, or for chains of " + LARGE_CHAIN + " heights or more)")
  Boolean progress;

  @Override
  public Integer call() {
    final PrintWriter out = spec.commandLine().getOut();
    final PrintWriter err = spec.commandLine().getErr();
    final Path chain = Files.isDirectory(data.resolve("chain")) ? data.resolve("chain") : data;
    if (!Files.exists(chain.resolve("CURRENT"))) {
      err.println("no ledger store in " + data + " (expected a RocksDB folder, or a folder holding chain/)");
      return 2;
    }
    final ChainAuditor.Report report;
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(chain)) {
      final boolean show = progress != null ? progress : System.console() != null || store.height() >= LARGE_CHAIN;
      final AuditProgressLine line = show ? new AuditProgressLine(err, System::nanoTime) : null;
      report = new ChainAuditor(Ed25519Keys.verifier()).audit(store, line != null ? line : ChainAuditor.Progress.NONE);
      if (line != null) {
        line.finish();
      }
    } catch (final StorageException e) {
      err.println("cannot open the ledger store in " + chain + ": " + e.getMessage());
      return 2;
    }
    printSummary(out, chain, report);
    out.flush();
    return report.ok() ? 0 : 1;
  }

  private static void printSummary(final PrintWriter out, final Path chain, final ChainAuditor.Report report) {
    if (report.ok()) {
      out.println("OK: every height verified of " + chain);
    } else {
      final ChainAuditor.Failure f = report.failure().orElseThrow();
      out.println(f.height() == ChainAuditor.NO_HEIGHT
          ? "FAILED: " + f.reason()
          : "FAILED at height " + f.height() + ": " + f.reason());
    }
    final double seconds = report.elapsed().toNanos() / 1e9;
    out.printf(Locale.ROOT, "  heights       %,d verified of %,d%n", report.verifiedThrough(), report.chainHeight());
    out.printf(Locale.ROOT, "  transactions  %,d%n", report.transactions());
    out.printf(Locale.ROOT, "  resources     %,d%n", report.resources());
    out.printf(Locale.ROOT, "  chunks        %,d (%s, each hashed against its id)%n", report.chunks(), bytes(report.chunkBytes()));
    out.printf(Locale.ROOT, "  on disk       %s%n", bytes(folderSize(chain)));
    out.printf(Locale.ROOT, "  time          %.2f s (%,.0f heights/s, %s/s of chunks)%n", seconds,
        seconds > 0 ? report.verifiedThrough() / seconds : 0.0, bytes(seconds > 0 ? (long) (report.chunkBytes() / seconds) : 0));
  }

  static String bytes(final long n) {
    if (n < 1024) {
      return n + " B";
    }
    final String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n / 1024.0;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  private static long folderSize(final Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (final IOException e) {
          return 0; // a file RocksDB removed while we walked
        }
      }).sum();
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
