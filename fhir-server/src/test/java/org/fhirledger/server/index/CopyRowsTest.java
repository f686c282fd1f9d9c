package org.fhirledger.server.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index writes its rows with COPY; the oracle is the JDBC driver: every value stored through {@link CopyRows} must
 * read back exactly as the same value bound to a PreparedStatement does.
 */
class CopyRowsTest {
  @TempDir static Path pgDir;
  private static EmbeddedPostgresServer server;
  private static DataSource dataSource;

  @BeforeAll
  static void startServer() throws SQLException {
    server = EmbeddedPostgresServer.start(pgDir.resolve("pg"));
    dataSource = server.dataSourceFor("copy_rows");
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      for (final String table : List.of("by_copy", "by_insert")) {
        st.execute("CREATE TABLE " + table + " (n int, s text, d numeric, t timestamptz, b boolean, l bigint)");
      }
    }
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private record Row(String s, BigDecimal d, Instant t, boolean b, long l) {}

  private static final List<Row> ROWS = List.of(
      new Row("plain", new BigDecimal("1.5"), Instant.parse("2026-01-01T00:00:00Z"), true, 1),
      new Row("tab\there, newline\nthere, return\r, backslash \\ and \\N and \\.", new BigDecimal("1E+3"),
          Instant.parse("2026-01-01T23:59:59.999999999Z"), false, -7),
      new Row("\\.", new BigDecimal("-0.000123"), Instant.parse("0001-01-01T00:00:00Z"), true, Long.MAX_VALUE),
      new Row("ünïcødé 漢字 🙂", new BigDecimal("123456789012345678901234567890.50"), Instant.parse("9999-12-31T00:00:00Z"), true,
          Long.MIN_VALUE),
      new Row("", new BigDecimal("0E-10"), Instant.parse("2020-02-29T12:00:00.0000005Z"), false, 0),
      new Row("half below", new BigDecimal("-1E-7"), Instant.parse("2020-02-29T12:00:00.000000499Z"), false, 0),
      new Row(null, null, null, false, 42));

  @Test
  void everyValueIsStoredAsTheDriverStoresIt() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      final CopyRows copy = new CopyRows("by_copy", "n, s, d, t, b, l");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO by_insert (n, s, d, t, b, l) VALUES (?, ?, ?, ?, ?, ?)")) {
        for (int i = 0; i < ROWS.size(); i++) {
          final Row r = ROWS.get(i);
          copy.number(i).text(r.s()).decimal(r.d()).timestamp(r.t()).bool(r.b()).number(r.l()).endRow();
          insert.setInt(1, i);
          insert.setString(2, r.s());
          insert.setBigDecimal(3, r.d());
          if (r.t() == null) {
            insert.setNull(4, Types.TIMESTAMP_WITH_TIMEZONE);
          } else {
            insert.setObject(4, OffsetDateTime.ofInstant(r.t(), ZoneOffset.UTC));
          }
          insert.setBoolean(5, r.b());
          insert.setLong(6, r.l());
          insert.addBatch();
        }
        insert.executeBatch();
      }
      assertThat(copy.rows()).isEqualTo(ROWS.size());
      copy.send(c);
      c.commit();
    }
    final List<String> copied = read("by_copy");
    assertThat(copied).hasSize(ROWS.size());
    assertThat(copied).containsExactlyElementsOf(read("by_insert"));
    // the rounding to microseconds is half up, so the last nanosecond of a day is the next day
    assertThat(copied.get(1)).contains("2026-01-02 00:00:00+00");
    assertThat(copied.get(0)).startsWith("0|plain|");
  }

  @Test
  void nothingIsSentForNoRows() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      // a table that does not exist would fail the COPY: an empty one sends nothing
      new CopyRows("no_such_table", "n").send(c);
    }
  }

  @Test
  void aRejectedCopyFailsTheTransactionAndLeavesTheConnectionUsable() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      final CopyRows bad = new CopyRows("by_copy", "n, s");
      bad.text("not a number").text("x").endRow();
      assertThatThrownBy(() -> bad.send(c)).isInstanceOf(SQLException.class).hasMessageContaining("integer");
      c.rollback();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }

  private static List<String> read(final String table) throws SQLException {
    final List<String> rows = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      st.execute("SET TIME ZONE 'UTC'");
      try (ResultSet rs = st.executeQuery("SELECT n || '|' || coalesce(s, '<null>') || '|' || coalesce(d::text, '<null>')"
            + " || '|' || coalesce(t::text, '<null>') || '|' || b || '|' || l FROM " + table + " ORDER BY n")) {
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
      }
    }
    return rows;
  }
}
