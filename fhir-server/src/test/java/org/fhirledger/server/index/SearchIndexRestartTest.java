package org.fhirledger.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchIndexRestartTest {
  @TempDir Path dir;

  @Test
  void restartedServerOnTheSameDataDirectoryKeepsTheIndex() throws SQLException {
    final Path pg = dir.resolve("pg");
    final IndexedVersion p1 =
        new IndexedVersion("Patient", "p1", 1, false, Instant.parse("2026-01-01T00:00:00Z"), "bafyp1", 1, "ab".repeat(32), "node-0");
    final int firstPort;
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(pg)) {
      firstPort = server.port();
      final SearchIndex index = new SearchIndex(server.dataSourceFor("node_0"));
      index.migrate();
      index.applyBlock(1, "01".repeat(32), List.of(p1));
      index.log("INFO", "block.indexed", "height=1");
    }

    // Restarted durable, as a standalone node runs it.
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(pg, true)) {
      final DataSource ds = server.dataSourceFor("node_0");
      assertThat(setting(ds, "synchronous_commit")).isEqualTo("on");
      assertThat(setting(ds, "fsync")).isEqualTo("on");
      final SearchIndex index = new SearchIndex(ds);
      index.migrate();
      assertThat(index.indexedHeight()).isEqualTo(1);
      assertThat(index.indexedBlockHash()).contains("01".repeat(32));
      assertThat(index.current("Patient", "p1")).contains(p1);
      assertThat(index.recentLogs(5)).extracting(NodeLogEntry::event).containsExactly("block.indexed");
      // Not asserted equal: the port is ephemeral on each start.
      assertThat(server.port()).isPositive();
      assertThat(firstPort).isPositive();
    }
  }

  private static String setting(final DataSource ds, final String name) throws SQLException {
    try (Connection c = ds.getConnection();
        ResultSet rs = c.createStatement().executeQuery("SHOW " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
