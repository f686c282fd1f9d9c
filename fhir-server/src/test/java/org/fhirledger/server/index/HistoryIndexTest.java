package org.fhirledger.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryIndexTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String TX = "ab".repeat(32);
  private static final String ORIGIN = "cd".repeat(32);
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @TempDir static Path pgDir;
  private static EmbeddedPostgresServer server;

  private SearchIndex index;
  private HistoryIndex history;

  @BeforeAll
  static void startServer() {
    server = EmbeddedPostgresServer.start(pgDir.resolve("pg"));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** Patient/a: v1 at block 1 (t=10 s), v2 at block 3 (t=30 s), deleted v3 at block 4 (t=40 s); Observation/o at block 2 (t=20 s). */
  @BeforeEach
  void indexedBlocks() {
    index = new SearchIndex(server.dataSourceFor("hist_" + DATABASES.incrementAndGet()));
    index.migrate();
    index.applyBlock(1, hash(1), List.of(version("Patient", "a", 1, false, 1, 10)));
    index.applyBlock(2, hash(2), List.of(version("Observation", "o", 1, false, 2, 20)));
    index.applyBlock(3, hash(3), List.of(version("Patient", "a", 2, false, 3, 30)));
    index.applyBlock(4, hash(4), List.of(version("Patient", "a", 3, true, 4, 40)));
    history = index.historyIndex();
  }

  private static IndexedVersion version(final String type, final String id, final long v, final boolean deleted, final long height, final int seconds) {
    return new IndexedVersion(type, id, v, deleted, T0.plusSeconds(seconds), deleted ? null : "bafy" + id + v, height, TX, ORIGIN);
  }

  private static String hash(final long height) {
    return String.format("%064x", height);
  }

  private static List<String> keys(final List<IndexedVersion> versions) {
    return versions.stream().map(v -> v.resourceType() + "/" + v.resourceId() + "/" + v.version()).toList();
  }

  @Test
  void systemHistoryIsNewestFirstInChainOrder() {
    final HistoryIndex.Query q = new HistoryIndex.Query(null, null, null, null, null, 4);
    assertThat(history.count(q)).isEqualTo(4);
    assertThat(keys(history.page(q, 0, 10))).containsExactly("Patient/a/3", "Patient/a/2", "Observation/o/1", "Patient/a/1");
    assertThat(keys(history.page(q, 1, 2))).containsExactly("Patient/a/2", "Observation/o/1");
  }

  @Test
  void aPinnedHeightHidesLaterBlocksSoPagesDoNotShift() {
    final HistoryIndex.Query q = new HistoryIndex.Query("Patient", "a", null, null, null, 3);
    assertThat(keys(history.page(q, 0, 10))).containsExactly("Patient/a/2", "Patient/a/1");
    index.applyBlock(5, hash(5), List.of(version("Patient", "a", 4, false, 5, 50)));
    assertThat(keys(history.page(q, 1, 10))).containsExactly("Patient/a/1");
  }

  @Test
  void sinceKeepsVersionsUpdatedAtOrAfterIt() {
    final HistoryIndex.Query q = new HistoryIndex.Query("Patient", null, T0.plusSeconds(30), null, null, 4);
    assertThat(keys(history.page(q, 0, 10))).containsExactly("Patient/a/3", "Patient/a/2");
  }

  @Test
  void atKeepsTheVersionsCurrentDuringThePeriod() {
    // [25 s, 26 s): v1 (10 s until 30 s) was current, nothing else of Patient/a
    final HistoryIndex.Query inside = new HistoryIndex.Query("Patient", "a", null, T0.plusSeconds(25), T0.plusSeconds(26), 4);
    assertThat(keys(history.page(inside, 0, 10))).containsExactly("Patient/a/1");
    // [25 s, 35 s): v1 until 30 s, then v2
    final HistoryIndex.Query across = new HistoryIndex.Query("Patient", "a", null, T0.plusSeconds(25), T0.plusSeconds(35), 4);
    assertThat(keys(history.page(across, 0, 10))).containsExactly("Patient/a/2", "Patient/a/1");
    // after the deletion only the deletion is current; before the first version nothing
    assertThat(keys(history.page(new HistoryIndex.Query("Patient", "a", null, T0.plusSeconds(60), T0.plusSeconds(61), 4), 0, 10)))
        .containsExactly("Patient/a/3");
    assertThat(history.count(new HistoryIndex.Query(null, null, null, T0.minusSeconds(60), T0.minusSeconds(59), 4))).isZero();
  }
}
