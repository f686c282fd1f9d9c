package org.fhirledger.server.index;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import javax.sql.DataSource;

/**
 * Queries that follow the {@code spidx_reference} rows from a set of resources, as of a block height:
 * {@code _include} and {@code _revinclude} (one statement for a whole page, whatever its size) and the members of
 * a compartment ({@code Patient/[id]/$everything}). Only resources live at the height are returned.
 */
public final class ReferenceIndex {
  private static final String COLUMNS =
      "res_type, res_id, version, deleted, last_updated, content_id, block_height, tx_hash, origin_node";
  private static final String VALID_AT = "r.valid_from <= ? AND (r.valid_to IS NULL OR r.valid_to > ?)";

  private final DataSource dataSource;

  ReferenceIndex(final DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /**
   * The resources the includes reach from {@code sources}, live at {@code height}, in (type, id) order: for an
   * {@code _include}, the targets of the sources' references; for a {@code _revinclude}, the resources whose
   * references target a source. One SQL statement.
   */
  public List<IndexedVersion> included(final Collection<ResourceKey> sources, final List<Include> includes, final long height) {
    if (sources.isEmpty() || includes.isEmpty()) {
      return List.of();
    }
    final List<Object> params = new ArrayList<>();
    final StringJoiner hits = new StringJoiner(" UNION ");
    final List<Include> forward = includes.stream().filter(i -> !i.reverse()).toList();
    final List<Include> reverse = includes.stream().filter(Include::reverse).toList();
    if (!forward.isEmpty()) {
      params.add(height);
      params.add(height);
      hits.add("SELECT r.target_type AS res_type, r.target_id AS res_id FROM spidx_reference r JOIN src"
          + " ON r.res_type = src.res_type AND r.res_id = src.res_id WHERE " + VALID_AT
          + " AND r.target_id IS NOT NULL AND r.target_type IS NOT NULL AND (" + anyOf(forward, params) + ")");
    }
    if (!reverse.isEmpty()) {
      params.add(height);
      params.add(height);
      hits.add("SELECT r.res_type, r.res_id FROM spidx_reference r JOIN src"
          + " ON r.target_type = src.res_type AND r.target_id = src.res_id WHERE " + VALID_AT + " AND (" + anyOf(reverse, params) + ")");
    }
    params.add(height);
    final String sql = "WITH src (res_type, res_id) AS (SELECT * FROM unnest(?::varchar[], ?::varchar[])),"
        + " hit AS (" + hits + ")"
        + " SELECT " + COLUMNS + " FROM (SELECT DISTINCT ON (v.res_type, v.res_id) v.* FROM resource_version v"
        + " JOIN hit ON v.res_type = hit.res_type AND v.res_id = hit.res_id WHERE v.block_height <= ?"
        + " ORDER BY v.res_type, v.res_id, v.version DESC) h WHERE NOT deleted ORDER BY res_type, res_id";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("varchar", sources.stream().map(ResourceKey::type).toArray()));
      ps.setArray(2, c.createArrayOf("varchar", sources.stream().map(ResourceKey::id).toArray()));
      bind(ps, 3, params);
      return SearchIndex.readAll(ps);
    } catch (final SQLException e) {
      throw new IndexException("could not read the included resources", e);
    }
  }

  private static String anyOf(final List<Include> includes, final List<Object> params) {
    final StringJoiner or = new StringJoiner(" OR ");
    for (final Include i : includes) {
      if (i.wildcard()) {
        or.add("TRUE");
        continue;
      }
      final StringBuilder one = new StringBuilder("(r.res_type = ? AND r.sp_name = ?");
      params.add(i.sourceType());
      params.add(i.param());
      if (i.targetType() != null) {
        one.append(" AND r.target_type = ?");
        params.add(i.targetType());
      }
      or.add(one.append(')'));
    }
    return or.toString();
  }

  /**
   * The members of a compartment ({@code Patient/[id]}) live at the height: the resource itself first, then every
   * resource whose compartment-defining reference parameters point at it, by type and id.
   *
   * @param membership for each resource type, the reference parameters that make a resource a member
   */
  public List<IndexedVersion> compartment(final ResourceKey owner, final Map<String, List<String>> membership, final long height,
      final int offset, final int count) {
    final List<Object> params = new ArrayList<>();
    final String sql = "SELECT " + COLUMNS + compartmentFrom(owner, membership, height, params)
        + " ORDER BY (res_type = ? AND res_id = ?) DESC, res_type, res_id OFFSET ? LIMIT ?";
    params.add(owner.type());
    params.add(owner.id());
    params.add(offset);
    params.add(count);
    return query(sql, params, "could not read the compartment of " + owner.type());
  }

  /** Number of members {@link #compartment} pages through. */
  public long compartmentSize(final ResourceKey owner, final Map<String, List<String>> membership, final long height) {
    final List<Object> params = new ArrayList<>();
    final String sql = "SELECT count(*)" + compartmentFrom(owner, membership, height, params);
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, 1, params);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (final SQLException e) {
      throw new IndexException("could not count the compartment of " + owner.type(), e);
    }
  }

  private static String compartmentFrom(final ResourceKey owner, final Map<String, List<String>> membership, final long height,
      final List<Object> params) {
    final List<String> types = new ArrayList<>();
    final List<String> names = new ArrayList<>();
    membership.forEach((type, ps) -> ps.forEach(p -> {
      types.add(type);
      names.add(p);
    }));
    params.add(owner.type());
    params.add(owner.id());
    params.add(height);
    params.add(height);
    params.add(types.toArray(String[]::new));
    params.add(names.toArray(String[]::new));
    params.add(owner.type());
    params.add(owner.id());
    params.add(height);
    return " FROM (SELECT DISTINCT ON (v.res_type, v.res_id) v.* FROM resource_version v JOIN ("
        + "SELECT r.res_type, r.res_id FROM spidx_reference r WHERE r.target_type = ? AND r.target_id = ? AND " + VALID_AT
        + " AND (r.res_type, r.sp_name) IN (SELECT * FROM unnest(?::varchar[], ?::varchar[]))"
        + " UNION SELECT ?::varchar, ?::varchar) m ON v.res_type = m.res_type AND v.res_id = m.res_id WHERE v.block_height <= ?"
        + " ORDER BY v.res_type, v.res_id, v.version DESC) h WHERE NOT deleted";
  }

  private List<IndexedVersion> query(final String sql, final List<Object> params, final String failure) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, 1, params);
      return SearchIndex.readAll(ps);
    } catch (final SQLException e) {
      throw new IndexException(failure, e);
    }
  }

  private static void bind(final PreparedStatement ps, final int first, final List<Object> params) throws SQLException {
    int i = first;
    for (final Object p : params) {
      if (p instanceof String s) {
        ps.setString(i++, s);
      } else if (p instanceof Long l) {
        ps.setLong(i++, l);
      } else if (p instanceof Integer n) {
        ps.setInt(i++, n);
      } else if (p instanceof String[] a) {
        final Array array = ps.getConnection().createArrayOf("varchar", a);
        ps.setArray(i++, array);
      } else {
        throw new IllegalStateException("unexpected parameter " + p);
      }
    }
  }
}
