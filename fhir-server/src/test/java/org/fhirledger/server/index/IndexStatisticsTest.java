package org.fhirledger.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.search.SearchParamExtractor;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index keeps PostgreSQL's statistics in step while it grows from empty (the migrations leave them saying "no
 * rows", which made a two-level chain take over a minute on a hundred resources): ANALYZE runs once the index has
 * grown by {@link SearchIndex#ANALYZE_MIN_VERSIONS} versions, then each time it has doubled, and not in between.
 */
class IndexStatisticsTest {
  private static final SearchParamExtractor EXTRACTOR = new SearchParamExtractor(FhirContexts.r4());
  @TempDir static Path pgDir;
  private static EmbeddedPostgresServer server;

  @BeforeAll
  static void start() {
    server = EmbeddedPostgresServer.start(pgDir.resolve("pg"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void statisticsAreRefreshedWhenTheIndexHasGrownEnoughAndNotPerBlock() throws SQLException {
    final DataSource ds = server.dataSourceFor("stats");
    final SearchIndex index = new SearchIndex(ds);
    index.migrate();
    final float empty = rowsPlanned(ds, "spidx_reference");

    apply(index, 1, 150);
    assertThat(rowsPlanned(ds, "spidx_reference")).as("150 versions: below the threshold, statistics untouched").isEqualTo(empty);

    apply(index, 2, 100);
    assertThat(rowsPlanned(ds, "resource_version")).as("250 versions: ANALYZE ran after this block").isEqualTo(250f);
    assertThat(rowsPlanned(ds, "spidx_reference")).as("subject and patient: two rows each").isEqualTo(500f);

    apply(index, 3, 200);
    assertThat(rowsPlanned(ds, "resource_version")).as("200 more is less than the 250 analysed: not yet").isEqualTo(250f);
    apply(index, 4, 50);
    assertThat(rowsPlanned(ds, "resource_version")).as("doubled: analysed again").isEqualTo(500f);
  }

  private static void apply(final SearchIndex index, final long height, final int observations) {
    final Map<IndexedVersion, Resource> content = new LinkedHashMap<>();
    for (int i = 0; i < observations; i++) {
      final Observation o = new Observation();
      o.setId("o" + height + "-" + i);
      o.setStatus(Observation.ObservationStatus.FINAL);
      o.setSubject(new Reference("Patient/p" + i));
      content.put(new IndexedVersion("Observation", o.getIdElement().getIdPart(), 1, false, Instant.parse("2026-01-01T00:00:00Z"),
          "bafy" + height + i, height, "ab".repeat(32), "cd".repeat(32)), o);
    }
    index.applyBlock(height, String.format("%064x", height), new ArrayList<>(content.keySet()), v -> EXTRACTOR.extract(content.get(v)));
  }

  /** The planner's row count of a table (pg_class.reltuples, which ANALYZE sets at once). */
  private static float rowsPlanned(final DataSource ds, final String table) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT reltuples FROM pg_class WHERE relname = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getFloat(1);
      }
    }
  }
}
