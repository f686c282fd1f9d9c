package org.fhirledger.ledger.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.fhirledger.ledger.audit.ChainAuditor;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.store.AppliedBlock;
import org.fhirledger.ledger.store.ResourceVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Issue 3, item 5: a child JVM applies blocks to a real RocksDB store in a loop and is killed with SIGKILL at
 * a seeded random moment, {@value #DEFAULT_ROUNDS} times on the same folder. After every kill the store must
 * be at a block boundary (the last block whole with its certificate, nothing of the next one), its world state
 * must match what blocks 1..h wrote, the offline audit must pass, and the next child carries on from there.
 * {@code -Dcrash.rounds=N -Dcrash.seed=S} run more rounds or another schedule.
 */
class RocksDbLedgerStoreCrashIT {
  private static final int DEFAULT_ROUNDS = 20;
  private static final long HEIGHT_CAP = 100_000;
  private final long seed = Long.getLong("crash.seed", 3_2024L);
  private final int rounds = Integer.getInteger("crash.rounds", DEFAULT_ROUNDS);
  private final CrashWorkload workload = new CrashWorkload(seed);
  private final ChainAuditor auditor = new ChainAuditor(Ed25519Keys.verifier());
  @TempDir Path tmp;

  @Test
  void aStoreKilledWithSigkillTwentyTimesIsAlwaysAtABlockBoundaryAndVerifies() throws Exception {
    final Path dir = tmp.resolve("chain");
    final Random schedule = new Random(seed);
    long height = 0;
    final Map<String, ResourceChange> expectedHeads = new HashMap<>();
    int killedAfterUnreportedApply = 0;
    long childNanos = 0;
    long checkNanos = 0;
    for (int round = 1; round <= rounds; round++) {
      final String context = "round " + round + " of " + rounds + " (crash.seed=" + seed + ")";
      final Kill kill = Kill.random(schedule, height);
      final long started = System.nanoTime();
      final long reported = runChildAndKill(dir, round, kill, context);
      final long killed = System.nanoTime();
      childNanos += killed - started;

      try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir)) {
        final long h = store.height();
        // every reported height had returned from apply (WAL synced); one more may have landed unreported
        assertThat(h).as(context).isBetween(reported, reported + 1);
        killedAfterUnreportedApply += h > reported ? 1 : 0;
        assertBlockBoundary(store, h, context);
        CrashWorkload.foldHeads(store, height + 1, h, expectedHeads);
        assertWorldStateMatches(expectedHeads, store, h, context);
        final ChainAuditor.Report report = auditor.audit(store);
        assertThat(report.failure()).as(context).isEmpty();
        assertThat(report.verifiedThrough()).as(context).isEqualTo(h);
        height = h;
      }
      checkNanos += System.nanoTime() - killed;
    }
    System.out.printf("crash test: %d SIGKILLs, final height %d, %d of them after an apply the child had not reported;"
        + " %d ms in children, %d ms checking%n", rounds, height, killedAfterUnreportedApply, childNanos / 1_000_000, checkNanos / 1_000_000);
  }

  /**
   * When to kill a child started on a store at height {@code from}: once it has announced {@code writing} (so
   * the kill lands in or just after the batch write) or {@code applied} (so it lands while the next block is
   * built) for the target height, plus a delay.
   */
  private record Kill(long from, String event, long targetHeight, long delayMicros) {
    static Kill random(final Random r, final long from) {
      final boolean duringWrite = r.nextBoolean();
      final long target = from + 1 + r.nextInt(10);
      final long delay = duringWrite ? r.nextInt(3_000) : r.nextBoolean() ? r.nextInt(30_000) : 0;
      return new Kill(from, duringWrite ? "writing" : "applied", target, delay);
    }
  }

  /** Starts a writer on the folder and SIGKILLs it at the given moment; returns the last height it reported applied. */
  private long runChildAndKill(final Path dir, final int round, final Kill kill, final String context)
      throws IOException, InterruptedException {
    final Path stderr = tmp.resolve("child-" + round + ".err");
    final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // a small, quick-starting JVM: no logging set-up, client compiler only, RocksDB's library unpacked once
    final ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider", "-Djava.library.path=" + nativeLibraryDir(), "-cp", System.getProperty("java.class.path"),
        CrashWriterMain.class.getName(), dir.toString(), Long.toString(seed), Long.toString(HEIGHT_CAP))
        .redirectError(stderr.toFile());
    // should RocksDB still unpack its library, it does so here: a SIGKILLed JVM never deletes its temp files
    builder.environment().put("ROCKSDB_SHAREDLIB_DIR", tmp.toString());
    final Process child = builder.start();
    final Reports reports = new Reports();
    final Thread reader = new Thread(() -> reports.readFrom(child), "crash-child-" + round);
    reader.setDaemon(true);
    reader.start();
    try {
      await(context + ": child reports " + kill)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(1))
          .failFast(context + ": the child exited by itself (see " + stderr + ")", () -> !child.isAlive() && !reports.reached(kill))
          .until(() -> reports.reached(kill));
      if (kill.delayMicros() > 0) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
            .until(() -> System.nanoTime() - reports.lastAt.get() >= kill.delayMicros() * 1_000);
      }
    } catch (final ConditionTimeoutException | TerminalFailureException e) {
      throw new AssertionError(e.getMessage() + "\nchild stderr:\n" + tail(stderr), e);
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no RocksDB close
    }
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).as(context).isTrue();
    assertThat(child.exitValue()).as(context + ": killed by SIGKILL").isEqualTo(128 + 9);
    reader.join(10_000);
    assertThat(reports.opened.get()).as(context + ": the child reopened the store where the last one was left").isEqualTo(kill.from());
    return reports.applied.get();
  }

  /** What the child has printed so far: the last height it announced writing, the last it reported applied. */
  private static final class Reports {
    final AtomicLong opened = new AtomicLong(-1);
    final AtomicLong writing = new AtomicLong(-1);
    final AtomicLong applied = new AtomicLong(-1);
    final AtomicLong lastAt = new AtomicLong();

    boolean reached(final Kill kill) {
      return ("writing".equals(kill.event()) ? writing : applied).get() >= kill.targetHeight();
    }

    void readFrom(final Process child) {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          final int space = line.indexOf(' ');
          final String word = space < 0 ? line : line.substring(0, space);
          if (word.equals("writing") || word.equals("applied") || word.equals("opened")) {
            final long h = Long.parseLong(line.substring(space + 1));
            lastAt.set(System.nanoTime());
            (word.equals("writing") ? writing : word.equals("applied") ? applied : opened).set(h);
            if (word.equals("opened")) {
              applied.set(h);
            }
          }
        }
      } catch (final IOException e) {
        // the pipe breaks when the child is killed: what was read is what was reported
      }
    }
  }

  /**
   * RocksDB's native library unpacked once for all children: otherwise each child copies 15 MB out of the jar
   * into a temp file, which its SIGKILL leaves behind.
   */
  private Path nativeLibraryDir() throws IOException {
    final Path libs = tmp.resolve("native");
    final String name = Environment.getJniLibraryFileName("rocksdb");
    if (!Files.exists(libs.resolve(name))) {
      Files.createDirectories(libs);
      try (InputStream in = RocksDB.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new IOException("no " + name + " in the rocksdbjni jar");
        }
        Files.copy(in, libs.resolve(name));
      }
    }
    return libs;
  }

  /** Block h is there whole with its certificate, and nothing of block h + 1 is. */
  private void assertBlockBoundary(final RocksDbLedgerStore store, final long h, final String context) {
    assertThat(store.block(h)).as(context).isPresent();
    final CommitCertificate cert = store.certificate(h).orElseThrow(() -> new AssertionError(context + ": no certificate at " + h));
    assertThat(cert.blockHash()).as(context).isEqualTo(store.block(h).orElseThrow().hash());
    assertThat(store.blockHash(h)).as(context).contains(cert.blockHash());
    assertThat(store.heightOf(cert.blockHash())).as(context).contains(h);

    assertThat(store.block(h + 1)).as(context).isEmpty();
    assertThat(store.certificate(h + 1)).as(context).isEmpty();
    assertThat(store.blockHash(h + 1)).as(context).isEmpty();
    // the block the killed child was writing is a function of the seed and this state: none of it may be stored
    final AppliedBlock interrupted = workload.next(store);
    assertThat(store.heightOf(interrupted.block().hash())).as(context).isEmpty();
    for (final Transaction tx : interrupted.block().transactions()) {
      assertThat(store.outcome(tx.hash())).as(context + ": outcome of an unapplied transaction").isEmpty();
    }
    for (final ResourceVersion v : interrupted.versions()) {
      assertThat(store.version(v.resourceType(), v.resourceId(), v.versionId())).as(context + ": " + v.resourceId()).isEmpty();
    }
  }

  /** Every resource's head is the newest change blocks 1..h committed, and no other resource has one. */
  private static void assertWorldStateMatches(final Map<String, ResourceChange> expected, final RocksDbLedgerStore store, final long h,
      final String context) {
    assertThat(expected).as(context + ": the workload touched resources").isNotEmpty();
    for (int k = 0; k < CrashWorkload.RESOURCES; k++) {
      final String id = CrashWorkload.resourceId(k);
      final ResourceChange change = expected.get(id);
      final Optional<ResourceVersion> head = store.head(CrashWorkload.TYPE, id);
      if (change == null) {
        assertThat(head).as(context + ": head of untouched " + id).isEmpty();
        continue;
      }
      assertThat(head).as(context + ": head of " + id).hasValueSatisfying(v -> {
        assertThat(v.versionId()).isEqualTo(change.versionId());
        assertThat(v.operation()).isEqualTo(change.operation());
        assertThat(v.content()).isEqualTo(change.content());
        assertThat(v.height()).isLessThanOrEqualTo(h);
      });
      if (change.content() != null) {
        assertThat(store.chunk(change.content())).as(context + ": content of " + id).isPresent();
      }
    }
  }

  private static String tail(final Path file) {
    try {
      final List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (final IOException e) {
      return "(no stderr: " + e.getMessage() + ")";
    }
  }
}
