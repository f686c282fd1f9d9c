package org.fhirledger.server.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Version history from the {@code resource_version} table: instance, type or system scope, newest first in chain
 * order (block height, then lastUpdated), always as of a block height so that the pages of one history never
 * shift while new blocks arrive.
 */
public final class HistoryIndex {
  private static final String COLUMNS =
      "res_type, res_id, version, deleted, last_updated, content_id, block_height, tx_hash, origin_node";
  private static final String ORDER = " ORDER BY block_height DESC, last_updated DESC, res_type, res_id, version DESC";

  private final DataSource dataSource;

  HistoryIndex(final DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /**
   * What a history interaction asks for.
   *
   * @param type null for system history
   * @param id null for type or system history
   * @param since only versions with lastUpdated at or after it (null: no bound)
   * @param atStart with {@code atEnd}: only versions that were current at some moment of [atStart, atEnd)
   * @param asOfHeight only versions written by blocks up to this height
   */
  public record Query(String type, String id, Instant since, Instant atStart, Instant atEnd, long asOfHeight) {
    public Query {
      if (id != null && type == null) {
        throw new IllegalArgumentException("an instance history needs its type");
      }
      if ((atStart == null) != (atEnd == null)) {
        throw new IllegalArgumentException("_at needs both ends of its period");
      }
    }
  }

  /** Number of versions the query selects. */
  public long count(final Query q) {
    final List<Object> params = new ArrayList<>();
    final String sql = "SELECT count(*) FROM (" + select(q, params) + ") h";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      bindAll(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (final SQLException e) {
      throw new IndexException("could not count history", e);
    }
  }

  /** One page of the versions the query selects, newest first. */
  public List<IndexedVersion> page(final Query q, final int offset, final int count) {
    if (offset < 0 || count < 0) {
      throw new IllegalArgumentException("offset and count must not be negative");
    }
    final List<Object> params = new ArrayList<>();
    final String sql = "SELECT " + COLUMNS + " FROM (" + select(q, params) + ") h" + ORDER + " OFFSET ? LIMIT ?";
    params.add(offset);
    params.add(count);
    final List<IndexedVersion> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      bindAll(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new IndexedVersion(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getBoolean(4),
              rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getString(6), rs.getLong(7), rs.getString(8), rs.getString(9)));
        }
      }
      return out;
    } catch (final SQLException e) {
      throw new IndexException("could not read history", e);
    }
  }

  private static String select(final Query q, final List<Object> params) {
    final StringBuilder scope = new StringBuilder(" WHERE block_height <= ?");
    params.add(q.asOfHeight());
    if (q.type() != null) {
      scope.append(" AND res_type = ?");
      params.add(q.type());
    }
    if (q.id() != null) {
      scope.append(" AND res_id = ?");
      params.add(q.id());
    }
    final StringBuilder sql;
    if (q.atStart() == null) {
      sql = new StringBuilder("SELECT " + COLUMNS + " FROM resource_version").append(scope).append(" AND TRUE");
    } else {
      // A version is current from its lastUpdated until the next version's; the window needs every version in scope.
      sql = new StringBuilder("SELECT " + COLUMNS + " FROM (SELECT " + COLUMNS
          + ", lead(last_updated) OVER (PARTITION BY res_type, res_id ORDER BY version) AS next_updated FROM resource_version")
          .append(scope)
          .append(") v WHERE last_updated < ? AND (next_updated IS NULL OR next_updated > ?)");
      params.add(utc(q.atEnd()));
      params.add(utc(q.atStart()));
    }
    if (q.since() != null) {
      sql.append(" AND last_updated >= ?");
      params.add(utc(q.since()));
    }
    return sql.toString();
  }

  private static OffsetDateTime utc(final Instant i) {
    return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  private static void bindAll(final PreparedStatement ps, final List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      ps.setObject(i + 1, params.get(i));
    }
  }
}
