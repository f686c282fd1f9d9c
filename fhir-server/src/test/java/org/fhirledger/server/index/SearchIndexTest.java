package org.fhirledger.server.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchIndexTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String TX = "ab".repeat(32);
  private static final String ORIGIN = "cd".repeat(32);
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @TempDir static Path pgDir;
  private static EmbeddedPostgresServer server;

  private SearchIndex index;
  private String database;

  @BeforeAll
  static void startServer() {
    server = EmbeddedPostgresServer.start(pgDir.resolve("pg"));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void freshDatabase() {
    // A database per test keeps the tests independent while sharing one server.
    database = "idx_" + DATABASES.incrementAndGet();
    index = new SearchIndex(server.dataSourceFor(database));
    index.migrate();
  }

  private static IndexedVersion live(final String type, final String id, final long version, final long height, final int secondsAfterT0) {
    return new IndexedVersion(type, id, version, false, T0.plusSeconds(secondsAfterT0), "bafy" + id + "v" + version, height, TX, ORIGIN);
  }

  private static IndexedVersion deleted(final String type, final String id, final long version, final long height, final int secondsAfterT0) {
    return new IndexedVersion(type, id, version, true, T0.plusSeconds(secondsAfterT0), null, height, TX, ORIGIN);
  }

  private static String hash(final long height) {
    return String.format("%064x", height);
  }

  @Test
  void newIndexIsAtTheGenesis() {
    assertThat(index.indexedHeight()).isZero();
    assertThat(index.indexedBlockHash()).isEmpty();
    assertThat(index.countCurrent("Patient")).isZero();
  }

  @Test
  void migrateTwiceIsHarmless() {
    index.migrate();
    assertThat(index.indexedHeight()).isZero();
  }

  @Test
  void appliedBlockIsSearchableAndMovesTheWatermark() {
    final IndexedVersion p1 = live("Patient", "p1", 1, 1, 10);
    assertThat(index.applyBlock(1, hash(1), List.of(p1, live("Observation", "o1", 1, 1, 11)))).isTrue();

    assertThat(index.indexedHeight()).isEqualTo(1);
    assertThat(index.indexedBlockHash()).contains(hash(1));
    assertThat(index.current("Patient", "p1")).contains(p1);
    assertThat(index.current("Patient", "o1")).isEmpty();
    assertThat(index.countCurrent("Patient")).isEqualTo(1);
    assertThat(index.currentResources("Patient", 0, 10, null)).containsExactly(p1);
  }

  @Test
  void blockAtOrBelowTheWatermarkIsSkipped() {
    index.applyBlock(1, hash(1), List.of(live("Patient", "p1", 1, 1, 10)));
    index.applyBlock(2, hash(2), List.of(live("Patient", "p1", 2, 2, 20)));

    assertThat(index.applyBlock(2, hash(2), List.of(live("Patient", "p1", 2, 2, 20)))).isFalse();
    assertThat(index.applyBlock(1, hash(1), List.of(live("Patient", "other", 1, 1, 10)))).isFalse();

    assertThat(index.indexedHeight()).isEqualTo(2);
    assertThat(index.history("Patient", "p1")).extracting(IndexedVersion::version).containsExactly(2L, 1L);
    assertThat(index.current("Patient", "other")).isEmpty();
  }

  @Test
  void blockAboveTheNextHeightIsRefusedAsAGap() {
    index.applyBlock(1, hash(1), List.of(live("Patient", "p1", 1, 1, 10)));

    assertThatThrownBy(() -> index.applyBlock(3, hash(3), List.of(live("Patient", "p3", 1, 3, 30))))
        .isInstanceOfSatisfying(IndexGapException.class, e -> {
          assertThat(e.indexedHeight()).isEqualTo(1);
          assertThat(e.offeredHeight()).isEqualTo(3);
        });
    assertThat(index.indexedHeight()).isEqualTo(1);
    assertThat(index.current("Patient", "p3")).isEmpty();
  }

  @Test
  void failingBlockLeavesNoRowsAndNoWatermarkMove() {
    index.applyBlock(1, hash(1), List.of(live("Patient", "p1", 1, 1, 10)));

    // Version 1 of p1 again: the primary key refuses it after p2 was already written in the same batch.
    final List<IndexedVersion> bad = List.of(live("Patient", "p2", 1, 2, 20), live("Patient", "p1", 1, 2, 20));
    assertThatThrownBy(() -> index.applyBlock(2, hash(2), bad)).isInstanceOf(IndexException.class);

    assertThat(index.indexedHeight()).isEqualTo(1);
    assertThat(index.current("Patient", "p2")).isEmpty();
    assertThat(index.history("Patient", "p2")).isEmpty();
  }

  @Test
  void sameBlockOfferedByTwoThreadsAtOnceIsAppliedOnce() throws Exception {
    final List<IndexedVersion> block = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      block.add(live("Patient", "p" + i, 1, 1, i));
    }
    final CountDownLatch go = new CountDownLatch(1);
    final ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      final List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        results.add(pool.submit(() -> {
          go.await();
          return index.applyBlock(1, hash(1), block);
        }));
      }
      go.countDown();
      // Exactly one applies; the other waits on the watermark lock, then sees height 1 and skips.
      assertThat(List.of(results.get(0).get(30, TimeUnit.SECONDS), results.get(1).get(30, TimeUnit.SECONDS)))
          .containsExactlyInAnyOrder(true, false);
    } finally {
      pool.shutdownNow();
    }
    assertThat(index.countCurrent("Patient")).isEqualTo(200);
    assertThat(index.indexedHeight()).isEqualTo(1);
  }

  private static final SearchParamSource FAMILY_SMITH = v -> List.of(new IndexedParam.Str("family", "smith", "Smith"));

  private long familyRows(final String id) throws Exception {
    try (var c = server.dataSourceFor(database).getConnection();
        var ps = c.prepareStatement("SELECT count(*) FROM spidx_string WHERE res_id = ? AND sp_name = 'family'")) {
      ps.setString(1, id);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void aBlockAppliedAfterAnotherIndexResetTheWatermarkStillGetsItsParameterRows() throws Exception {
    index.applyBlock(1, hash(1), List.of(live("Patient", "p1", 1, 1, 10)), FAMILY_SMITH);
    index.applyBlock(2, hash(2), List.of(live("Patient", "p2", 1, 2, 20)), FAMILY_SMITH);
    // a rebuild through another SearchIndex on the same database: this one still remembers height 2
    new SearchIndex(server.dataSourceFor(database)).resetProjection();

    assertThat(index.applyBlock(1, hash(1), List.of(live("Patient", "p1", 1, 1, 10)), FAMILY_SMITH)).isTrue();

    assertThat(index.indexedHeight()).isEqualTo(1);
    assertThat(familyRows("p1")).as("the block is written with its parameter rows").isEqualTo(1);
  }

  @Test
  void aResetIndexWaitsForItsBlocksAgainAndIndexesThemWhole() throws Exception {
    index.applyBlock(1, hash(1), List.of(live("Patient", "p1", 1, 1, 10)), FAMILY_SMITH);
    assertThat(index.awaitIndexed(1, 0)).isTrue();

    index.resetProjection();

    assertThat(index.awaitIndexed(1, 0)).as("height 1 is no longer indexed").isFalse();
    assertThat(index.applyBlock(1, hash(1), List.of(live("Patient", "p1", 1, 1, 10)), FAMILY_SMITH)).isTrue();
    assertThat(familyRows("p1")).isEqualTo(1);
    assertThat(index.awaitIndexed(1, 0)).isTrue();
  }

  @Test
  void indexingBlocksIsNotCountedAsStatementsButReadsAre() {
    final long before = index.statementsExecuted();
    index.applyBlock(1, hash(1), List.of(live("Patient", "p1", 1, 1, 10)), FAMILY_SMITH);
    index.applyBlock(2, hash(2), List.of(live("Patient", "p2", 1, 2, 20)), FAMILY_SMITH);
    assertThat(index.statementsExecuted()).isEqualTo(before);

    index.current("Patient", "p1");
    assertThat(index.statementsExecuted()).isEqualTo(before + 1);
  }

  @Test
  void versionOfAnotherBlockIsRejected() {
    assertThatThrownBy(() -> index.applyBlock(1, hash(1), List.of(live("Patient", "p1", 1, 2, 10))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(index.indexedHeight()).isZero();
  }

  @Test
  void emptyBlockStillMovesTheWatermark() {
    assertThat(index.applyBlock(1, hash(1), List.of())).isTrue();
    assertThat(index.indexedHeight()).isEqualTo(1);
  }

  @Test
  void deletedResourceLeavesSearchButKeepsItsHeadAndHistory() {
    index.applyBlock(1, hash(1), List.of(live("Patient", "p1", 1, 1, 10), live("Patient", "p2", 1, 1, 11)));
    index.applyBlock(2, hash(2), List.of(deleted("Patient", "p1", 2, 2, 20)));

    assertThat(index.countCurrent("Patient")).isEqualTo(1);
    assertThat(index.currentResources("Patient", 0, 10, null)).extracting(IndexedVersion::resourceId).containsExactly("p2");
    assertThat(index.current("Patient", "p1")).hasValueSatisfying(head -> {
      assertThat(head.deleted()).isTrue();
      assertThat(head.version()).isEqualTo(2);
      assertThat(head.contentId()).isNull();
    });
    assertThat(index.history("Patient", "p1")).hasSize(2);
    // As of block 1 the deleted patient was still there.
    assertThat(index.currentResources("Patient", 0, 10, 1L)).extracting(IndexedVersion::resourceId).containsExactly("p2", "p1");
  }

  @Test
  void twoVersionsOfOneResourceInOneBlockLeaveTheNewestAsHead() {
    index.applyBlock(1, hash(1), List.of(live("Patient", "p1", 2, 1, 11), live("Patient", "p1", 1, 1, 10)));

    assertThat(index.current("Patient", "p1")).hasValueSatisfying(head -> assertThat(head.version()).isEqualTo(2));
    assertThat(index.history("Patient", "p1")).hasSize(2);
  }

  @Test
  void pagesAreNewestFirstWithTiesById() {
    index.applyBlock(1, hash(1), List.of(live("Patient", "b", 1, 1, 10), live("Patient", "a", 1, 1, 10), live("Patient", "c", 1, 1, 5)));
    index.applyBlock(2, hash(2), List.of(live("Patient", "d", 1, 2, 30)));

    assertThat(index.currentResources("Patient", 0, 10, null)).extracting(IndexedVersion::resourceId).containsExactly("d", "a", "b", "c");
    assertThat(index.currentResources("Patient", 1, 2, null)).extracting(IndexedVersion::resourceId).containsExactly("a", "b");
    assertThat(index.currentResources("Patient", 0, 10, 1L)).extracting(IndexedVersion::resourceId).containsExactly("a", "b", "c");
    // An update moves the resource to the front, but not as of the earlier height.
    index.applyBlock(3, hash(3), List.of(live("Patient", "c", 2, 3, 40)));
    assertThat(index.currentResources("Patient", 0, 1, null)).extracting(IndexedVersion::resourceId).containsExactly("c");
    assertThat(index.currentResources("Patient", 0, 10, 2L)).extracting(IndexedVersion::resourceId).containsExactly("d", "a", "b", "c");
  }

  @Test
  void timestampsSurviveTheRoundTripToTheMicrosecond() {
    final Instant at = Instant.parse("2026-03-04T05:06:07.123456Z");
    final IndexedVersion v = new IndexedVersion("Patient", "p1", 1, false, at, "bafyx", 1, TX, ORIGIN);
    index.applyBlock(1, hash(1), List.of(v));
    assertThat(index.current("Patient", "p1")).contains(v);
  }

  @Test
  void blockOfAThousandVersionsIsOneTransaction() {
    final List<IndexedVersion> versions = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      versions.add(live("Observation", String.format("o%04d", i), 1, 1, i));
    }
    assertThat(index.applyBlock(1, hash(1), versions)).isTrue();

    assertThat(index.countCurrent("Observation")).isEqualTo(1000);
    assertThat(index.currentResources("Observation", 0, 3, null)).extracting(IndexedVersion::resourceId).containsExactly("o0999", "o0998", "o0997");
    assertThat(index.currentResources("Observation", 990, 100, null)).hasSize(10);

    // The same thousand again, one of them clashing at the end: none of the block may land.
    final List<IndexedVersion> second = new ArrayList<>();
    for (int i = 0; i < 999; i++) {
      second.add(live("Observation", String.format("o%04d", i), 2, 2, 2000 + i));
    }
    second.add(live("Observation", "o0000", 2, 2, 3000));
    assertThatThrownBy(() -> index.applyBlock(2, hash(2), second)).isInstanceOf(IndexException.class);
    assertThat(index.indexedHeight()).isEqualTo(1);
    assertThat(index.current("Observation", "o0001")).hasValueSatisfying(h -> assertThat(h.version()).isEqualTo(1));
  }

  @Test
  void nodeRegistryKeepsFirstSeenAndUpdatesTheRest() {
    final Instant first = T0.truncatedTo(ChronoUnit.SECONDS);
    index.recordNode(ORIGIN, "hospital-0", "127.0.0.1:9080", first);
    index.recordNode(ORIGIN, "hospital-0", "127.0.0.1:9090", first.plusSeconds(60));
    index.recordNode(TX, "hospital-1", "127.0.0.1:9081", first);

    assertThat(index.nodes()).containsExactly(
        new RegisteredNode(ORIGIN, "hospital-0", "127.0.0.1:9090", first, first.plusSeconds(60)),
        new RegisteredNode(TX, "hospital-1", "127.0.0.1:9081", first, first));
  }

  @Test
  void aMemberRemovedByACommittedMembershipChangeKeepsItsRowWithTheHeightOfTheRemoval() {
    final Instant first = T0.truncatedTo(ChronoUnit.SECONDS);
    index.recordNode(ORIGIN, "hospital-0", "127.0.0.1:9080", first);
    index.recordNode(TX, "hospital-1", "127.0.0.1:9081", first);
    index.recordMembership(List.of(ORIGIN), List.of(TX), 12);
    // replayed on every start, and a later seen-again (the peer reconnecting) does not undo the removal
    index.recordMembership(List.of(ORIGIN), List.of(TX), 12);
    index.recordNode(TX, "hospital-1", "127.0.0.1:9081", first.plusSeconds(5));
    assertThat(index.nodes()).containsExactly(
        new RegisteredNode(ORIGIN, "hospital-0", "127.0.0.1:9080", first, first),
        new RegisteredNode(TX, "hospital-1", "127.0.0.1:9081", first, first.plusSeconds(5), 12L));
    assertThat(index.nodes().get(1).removed()).isTrue();

    // added again at a later height: a member again; removed once more: the new height
    index.recordMembership(List.of(ORIGIN, TX), List.of(), 20);
    assertThat(index.nodes().get(1).removedAtHeight()).isNull();
    index.recordMembership(List.of(ORIGIN), List.of(TX), 31);
    assertThat(index.nodes().get(1).removedAtHeight()).isEqualTo(31L);
  }

  @Test
  void logEntriesComeBackNewestFirst() {
    index.log("INFO", "node.started", "height=0");
    index.log("WARN", "peer.unreachable", "peer=hospital-2");

    assertThat(index.recentLogs(10)).extracting(NodeLogEntry::event).containsExactly("peer.unreachable", "node.started");
    assertThat(index.recentLogs(1)).singleElement().satisfies(e -> {
      assertThat(e.level()).isEqualTo("WARN");
      assertThat(e.detail()).isEqualTo("peer=hospital-2");
    });
  }

  @Test
  void dataSourcesUseBatchRewritingOnLoopback() {
    final DataSource ds = server.dataSourceFor("idx_shared");
    server.dataSourceFor("idx_shared"); // the database exists already: no error
    assertThat(((HikariDataSource) ds).getDataSourceProperties()).containsEntry("reWriteBatchedInserts", "true");
    assertThat(server.jdbcUrl("idx_shared")).startsWith("jdbc:postgresql://127.0.0.1:" + server.port() + "/");
    assertThatThrownBy(() -> server.dataSourceFor("x; DROP DATABASE postgres")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IndexDataSources.forUrl("jdbc:h2:mem:x", "sa", "")).isInstanceOf(IllegalArgumentException.class);
  }
}
