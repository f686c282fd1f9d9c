package org.fhirledger.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrProfileTest {
  @Test
  void classesBelongToThePartOfTheWritePathTheyImplement() {
    assertThat(JfrProfile.category("org.bouncycastle.math.ec.rfc7748.X25519Field")).startsWith("signatures");
    assertThat(JfrProfile.category("sun.security.provider.SHA2")).startsWith("hashing");
    assertThat(JfrProfile.category("org.rocksdb.RocksDB")).startsWith("RocksDB");
    assertThat(JfrProfile.category("org.postgresql.core.v3.QueryExecutorImpl")).startsWith("PostgreSQL");
    assertThat(JfrProfile.category("ca.uhn.fhir.parser.JsonParser")).startsWith("FHIR parse");
    assertThat(JfrProfile.category("org.fhirledger.ledger.consensus.statemachine.IpbftStateMachine")).startsWith("consensus");
    assertThat(JfrProfile.category("org.apache.coyote.http11.Http11Processor")).startsWith("HTTP");
    assertThat(JfrProfile.category("java.util.HashMap")).isNull();
  }

  @Test
  void threadNamesAreGroupedWithoutTheirNumbers() {
    assertThat(JfrProfile.threadGroup("http-nio-127.0.0.1-auto-1-exec-17")).isEqualTo("HTTP request threads");
    assertThat(JfrProfile.threadGroup("ledger-hospital-2")).isEqualTo("ledger event thread");
    assertThat(JfrProfile.threadGroup("p2p-4a3f794b1c48-out-io")).isEqualTo("p2p (t-io)");
  }

  @Test
  void aRecordingOfHashingWorkIsAttributedToHashingInsideTheWindowOnly(@TempDir final Path dir) throws Exception {
    final Path file = dir.resolve("hash.jfr");
    final Instant from;
    final Instant to;
    try (Recording r = new Recording()) {
      r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
      r.start();
      from = Instant.now();
      final MessageDigest sha = MessageDigest.getInstance("SHA-256");
      // Small inputs on purpose: with large ones nearly all time is spent inside the JIT's SHA-256 intrinsic stub,
      // where JFR cannot walk the stack and drops the sample (2-5 samples of a possible 80 were seen).
      final byte[] data = new byte[96];
      // Hash until this thread has had 800 ms of CPU (on a loaded machine that can take much longer than 800 ms),
      // at most 30 s: the samples count CPU, not wall time.
      final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
      final long cpuEnd = threads.getCurrentThreadCpuTime() + Duration.ofMillis(800).toNanos();
      final long wallEnd = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      // The CPU-time check is a native call (its samples are NativeMethodSample, not ExecutionSample), so it runs
      // once per 1,000 digests, not once per digest.
      while (threads.getCurrentThreadCpuTime() < cpuEnd && System.nanoTime() < wallEnd) {
        for (int i = 0; i < 1_000; i++) {
          data[0] = sha.digest(data)[0];
        }
      }
      to = Instant.now();
      r.stop();
      r.dump(file);
    }
    final JfrProfile p = JfrProfile.read(List.of(file), from, to);
    assertThat(p.samples()).isGreaterThanOrEqualTo(5);
    assertThat(p.categories().keySet().iterator().next()).startsWith("hashing");
    assertThat(JfrProfile.read(List.of(file), to.plusSeconds(60), to.plusSeconds(120)).samples()).isZero();
  }
}
