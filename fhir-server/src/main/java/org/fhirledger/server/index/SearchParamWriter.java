package org.fhirledger.server.index;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes the {@code spidx_*} rows of one block inside the block's SQL transaction. Rows are never deleted: the
 * rows of a resource's previous version are closed at the block's height, so searches pinned to an older height
 * still see them.
 */
final class SearchParamWriter {
  static final List<String> TABLES = List.of("spidx_token", "spidx_string", "spidx_date", "spidx_reference", "spidx_uri",
      "spidx_number", "spidx_quantity", "spidx_composite");
  /** The columns every parameter row starts with, in the order {@link #common} appends them. */
  static final String COMMON = "res_type, res_id, sp_name, valid_from";

  private SearchParamWriter() {}

  /**
   * @param heads the newest version in this block of each resource it touches, with that version's parameter
   *     values (empty for a delete); an older version in the same block was never current at any height
   */
  static void write(final Connection c, final long height, final Map<IndexedVersion, List<IndexedParam>> heads)
      throws SQLException {
    closeOpenRows(c, height, heads.keySet());
    insertRows(c, height, heads);
  }

  /**
   * Inserts the parameter rows of {@code heads}, valid from {@code height}, without closing any: one COPY per table
   * that gets rows ({@link CopyRows}). Also used by the reindex of a custom parameter, which closes only that
   * parameter's rows.
   */
  static void insertRows(final Connection c, final long height, final Map<IndexedVersion, List<IndexedParam>> heads)
      throws SQLException {
    final CopyRows token = new CopyRows("spidx_token", COMMON + ", sp_system, sp_value");
    final CopyRows string = new CopyRows("spidx_string", COMMON + ", value_normalized, value_exact");
    final CopyRows date = new CopyRows("spidx_date", COMMON + ", value_low, value_high");
    final CopyRows ref = new CopyRows("spidx_reference", COMMON + ", target_type, target_id, target_url");
    final CopyRows uri = new CopyRows("spidx_uri", COMMON + ", uri");
    final NumericParamWriter numeric = new NumericParamWriter();
    for (final Map.Entry<IndexedVersion, List<IndexedParam>> e : heads.entrySet()) {
      final IndexedVersion v = e.getKey();
      if (v.deleted()) {
        continue;
      }
      for (final IndexedParam p : e.getValue()) {
        if (p instanceof IndexedParam.Token t) {
          common(token, v, p, height).text(t.system()).text(t.value()).endRow();
        } else if (p instanceof IndexedParam.Str s) {
          common(string, v, p, height).text(s.normalized()).text(s.exact()).endRow();
        } else if (p instanceof IndexedParam.Date d) {
          common(date, v, p, height).timestamp(d.low()).timestamp(d.high()).endRow();
        } else if (p instanceof IndexedParam.Ref r) {
          common(ref, v, p, height).text(r.targetType()).text(r.targetId()).text(r.url()).endRow();
        } else if (p instanceof IndexedParam.Uri u) {
          common(uri, v, p, height).text(u.uri()).endRow();
        } else {
          numeric.add(v, p, height);
        }
      }
    }
    token.send(c);
    string.send(c);
    date.send(c);
    ref.send(c);
    uri.send(c);
    numeric.send(c);
  }

  /**
   * Closes the open rows of the resources that had a version before this block: one statement per table for the
   * whole block. A version 1 has no earlier rows (a resource's versions count up from 1 and a delete is a version
   * too), so a block of creates closes nothing and sends nothing.
   */
  private static void closeOpenRows(final Connection c, final long height, final Collection<IndexedVersion> heads) throws SQLException {
    final List<String> types = new ArrayList<>();
    final List<String> ids = new ArrayList<>();
    for (final IndexedVersion v : heads) {
      if (v.version() > 1) {
        types.add(v.resourceType());
        ids.add(v.resourceId());
      }
    }
    if (types.isEmpty()) {
      return;
    }
    final Array typeArray = c.createArrayOf("text", types.toArray());
    final Array idArray = c.createArrayOf("text", ids.toArray());
    for (final String table : TABLES) {
      try (PreparedStatement ps = c.prepareStatement(closeSql(table))) {
        ps.setLong(1, height);
        ps.setArray(2, typeArray);
        ps.setArray(3, idArray);
        ps.executeUpdate();
      }
    }
  }

  /** Closes the open rows in {@code table} of the resources given as two arrays (types, ids), at the height given first. */
  static String closeSql(final String table) {
    return "UPDATE " + table + " t SET valid_to = ? FROM unnest(?::text[], ?::text[]) AS h(res_type, res_id)"
        + " WHERE t.res_type = h.res_type AND t.res_id = h.res_id AND t.valid_to IS NULL";
  }

  /** The columns every parameter row starts with: the resource, the parameter and the height it is valid from. */
  static CopyRows common(final CopyRows rows, final IndexedVersion v, final IndexedParam p, final long height) {
    return rows.text(v.resourceType()).text(v.resourceId()).text(p.name()).number(height);
  }
}
