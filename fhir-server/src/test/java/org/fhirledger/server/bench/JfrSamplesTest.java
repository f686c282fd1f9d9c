package org.fhirledger.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import org.fhirledger.server.cli.FhirLedgerMain;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrSamplesTest {
  @TempDir
  static Path dir;

  static Path recording;

  /**
   * One recording of two threads doing different work: "squares-worker-1" sums squares in {@link #sumSquares},
   * "mixer-worker-2" mixes bits in {@link #mixBits}. Each runs until it has had 400 ms of its own CPU (at most 30 s
   * of wall time on a loaded machine), so both are sampled whatever the load.
   */
  @BeforeAll
  static void record() throws Exception {
    recording = dir.resolve("two-threads.jfr");
    try (Recording r = new Recording()) {
      r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
      r.start();
      final Thread squares = new Thread(() -> burn(JfrSamplesTest::sumSquares), "squares-worker-1");
      final Thread mixer = new Thread(() -> burn(JfrSamplesTest::mixBits), "mixer-worker-2");
      squares.start();
      mixer.start();
      squares.join();
      mixer.join();
      r.stop();
      r.dump(recording);
    }
  }

  @Test
  void samplesAreCountedByThreadLeafAndStack() throws Exception {
    final JfrSamples all = JfrSamples.read(List.of(recording), null, null);
    assertThat(all.threads()).containsKeys("squares-worker-N", "mixer-worker-N");
    assertThat(all.self()).containsKeys(JfrSamplesTest.class.getName() + ".sumSquares", JfrSamplesTest.class.getName() + ".mixBits");
    // burn is on the stack of both threads' samples, the leaves are not
    final long burn = all.inclusive().get(JfrSamplesTest.class.getName() + ".burn");
    assertThat(burn).isGreaterThan(all.self().get(JfrSamplesTest.class.getName() + ".sumSquares"));
    assertThat(all.self().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(all.samples());
  }

  @Test
  void threadNamesLoseTheirNodeIdsAndNumbersButNotTheirWords() {
    assertThat(JfrSamples.normalise("p2p-4a3f794b1c48-in-io-3")).isEqualTo("p2p-N-in-io-N");
    assertThat(JfrSamples.normalise("http-nio-127.0.0.1-auto-1-exec-17")).isEqualTo("http-nio-N.N.N.N-auto-N-exec-N");
    assertThat(JfrSamples.normalise("ledger-hospital-2")).isEqualTo("ledger-hospital-N");
    assertThat(JfrSamples.normalise("C2 CompilerThread0")).isEqualTo("C2 CompilerThread0");
  }

  @Test
  void aThreadPrefixKeepsOnlyThatThreadsSamples() throws Exception {
    final JfrSamples squares = JfrSamples.read(List.of(recording), null, "squares-");
    assertThat(squares.samples()).isGreaterThanOrEqualTo(5);
    assertThat(squares.threads()).containsOnlyKeys("squares-worker-N");
    assertThat(squares.self()).doesNotContainKey(JfrSamplesTest.class.getName() + ".mixBits");
    assertThat(squares.self().keySet().iterator().next()).isEqualTo(JfrSamplesTest.class.getName() + ".sumSquares");
  }

  @Test
  void theLastPartOfARecordingHoldsFewerSamplesThanTheWhole() throws Exception {
    final long whole = JfrSamples.read(List.of(recording), null, null).samples();
    final long lastMoment = JfrSamples.read(List.of(recording), Duration.ZERO, null).samples();
    assertThat(lastMoment).isGreaterThanOrEqualTo(1).isLessThan(whole);
  }

  @Test
  void aRecordingWithoutSamplesCountsNothing() throws Exception {
    final Path empty = dir.resolve("no-samples.jfr");
    try (Recording r = new Recording()) {
      r.enable("jdk.JVMInformation");
      r.start();
      r.stop();
      r.dump(empty);
    }
    assertThat(JfrSamples.read(List.of(empty), Duration.ofSeconds(30), null).samples()).isZero();
  }

  @Test
  void theProfileCommandPrintsTheThreeListsAndRefusesAMissingFile() {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final int exit = FhirLedgerMain.run(new PrintWriter(out), new PrintWriter(err), "profile", recording.toString(), "--thread", "mixer", "--inclusive",
        JfrSamplesTest.class.getName());
    assertThat(exit).isZero();
    assertThat(out.toString()).contains("threads mixer*", "== by thread", "mixer-worker-N", "== leaf methods (self)",
        JfrSamplesTest.class.getName() + ".mixBits", "== on the stack (inclusive)").doesNotContain("squares-worker-N");

    final StringWriter err2 = new StringWriter();
    assertThat(FhirLedgerMain.run(new PrintWriter(new StringWriter()), new PrintWriter(err2), "profile", dir.resolve("absent.jfr").toString())).isEqualTo(2);
    assertThat(err2.toString()).contains("cannot read");
  }

  @Test
  void aFileThatIsNotARecordingIsRefusedWithoutAStackTrace() throws Exception {
    final Path text = Files.writeString(dir.resolve("not.jfr"), "plain text, not a flight recording");
    final StringWriter err = new StringWriter();
    assertThat(FhirLedgerMain.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "profile", text.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("not a readable JFR recording").doesNotContain("\tat ");
  }

  private static volatile long sink;

  private static void burn(final java.util.function.LongUnaryOperator work) {
    final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    final long cpuEnd = mx.getCurrentThreadCpuTime() + Duration.ofMillis(400).toNanos();
    final long wallEnd = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long acc = 1;
    while (mx.getCurrentThreadCpuTime() < cpuEnd && System.nanoTime() < wallEnd) {
      acc = work.applyAsLong(acc);
    }
    sink = acc;
  }

  private static long sumSquares(final long seed) {
    long s = seed;
    for (int i = 0; i < 200_000; i++) {
      s += (long) i * i ^ s >>> 7;
    }
    return s;
  }

  private static long mixBits(final long seed) {
    long x = seed;
    for (int i = 0; i < 200_000; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
    }
    return x;
  }
}
