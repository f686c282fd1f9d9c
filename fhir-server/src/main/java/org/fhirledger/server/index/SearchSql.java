package org.fhirledger.server.index;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Turns a {@link SearchQuery} into one SQL statement: the heads of the type as of the query's height, filtered
 * by one {@code res_id IN (...)} sub-select per criterion on its narrow {@code spidx_*} table, each restricted to
 * the rows valid at that height. Values are always bound, never spliced into the SQL.
 */
final class SearchSql {
  static final String COLUMNS =
      "res_type, res_id, version, deleted, last_updated, content_id, block_height, tx_hash, origin_node";

  private final StringBuilder sql = new StringBuilder();
  private final List<Object> params = new ArrayList<>();
  private final SearchQuery query;
  /** The type whose index rows a criterion reads: the query's, or a chain's target or a _has source while inside it. */
  private String criterionType;

  private SearchSql(final SearchQuery query) {
    this.query = query;
    this.criterionType = query.type();
  }

  /** The statement selecting one page of matches. */
  static SearchSql page(final SearchQuery q, final int offset, final int count) {
    final SearchSql s = new SearchSql(q);
    s.sql.append("SELECT ").append(COLUMNS);
    s.from();
    s.sql.append(" ORDER BY ").append(s.orderBy()).append(" OFFSET ? LIMIT ?");
    s.params.add(offset);
    s.params.add(count);
    return s;
  }

  /** The statement counting all matches. */
  static SearchSql count(final SearchQuery q) {
    final SearchSql s = new SearchSql(q);
    s.sql.append("SELECT count(*)");
    s.from();
    return s;
  }

  /** A count that stops after {@code cap + 1} matches ({@code _total=estimate}). */
  static SearchSql cappedCount(final SearchQuery q, final int cap) {
    final SearchSql s = new SearchSql(q);
    s.sql.append("SELECT 1");
    s.from();
    s.sql.insert(0, "SELECT count(*) FROM (").append(" LIMIT ?) capped");
    s.params.add(cap + 1);
    return s;
  }

  /** Every match, unordered: what the planner estimates for {@code _total=estimate}. */
  static SearchSql rows(final SearchQuery q) {
    final SearchSql s = new SearchSql(q);
    s.sql.append("SELECT res_id");
    s.from();
    return s;
  }

  String sql() {
    return sql.toString();
  }

  void bind(final PreparedStatement ps) throws SQLException {
    int i = 1;
    for (final Object p : params) {
      if (p instanceof String s) {
        ps.setString(i++, s);
      } else if (p instanceof Long l) {
        ps.setLong(i++, l);
      } else if (p instanceof Integer n) {
        ps.setInt(i++, n);
      } else if (p instanceof Instant t) {
        ps.setObject(i++, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
      } else if (p instanceof java.math.BigDecimal d) {
        ps.setBigDecimal(i++, d);
      } else {
        throw new IllegalStateException("unexpected parameter " + p);
      }
    }
  }

  private void from() {
    final String select = sql.toString();
    final List<Object> selectParams = new ArrayList<>(params);
    sql.setLength(0);
    params.clear();
    // The head of each resource as of the height: its newest version written at or below it. A criterion that
    // tests res_id alone (its index rows are those valid at the height) goes inside, so that DISTINCT ON sorts
    // the versions of the matching resources only: outside, PostgreSQL built the head of every resource of the
    // type (a sort of all 10,000 Observations) before joining the criterion, for every search.
    sql.append("WITH head AS (SELECT DISTINCT ON (res_id) ").append(COLUMNS).append(" FROM resource_version")
        .append(" WHERE res_type = ? AND block_height <= ?");
    params.add(query.type());
    params.add(query.asOfHeight());
    final List<Criterion> onHead = new ArrayList<>();
    for (final Criterion c : query.criteria()) {
      if (testsResIdOnly(c)) {
        sql.append(" AND ");
        criterion(c);
      } else {
        onHead.add(c);
      }
    }
    sql.append(" ORDER BY res_id, version DESC) ").append(select);
    params.addAll(selectParams);
    sql.append(" FROM head WHERE NOT deleted");
    for (final Criterion c : onHead) {
      sql.append(" AND ");
      criterion(c);
    }
  }

  /**
   * Whether the criterion's SQL is a predicate on res_id alone, true of every version of a resource alike: then
   * filtering the versions by it before DISTINCT ON picks the same head. Not {@code _lastUpdated} (a column of
   * the version) nor the numeric and {@code :missing} builders (kept on the head, as before).
   */
  private static boolean testsResIdOnly(final Criterion c) {
    return c instanceof Criterion.Id || c instanceof Criterion.Token || c instanceof Criterion.Str || c instanceof Criterion.Date
        || c instanceof Criterion.Ref || c instanceof Criterion.Uri || c instanceof Criterion.Chain || c instanceof Criterion.Has;
  }

  private String orderBy() {
    final StringJoiner order = new StringJoiner(", ");
    boolean byId = false;
    for (final SearchQuery.SortKey k : query.sort()) {
      final String direction = k.descending() ? " DESC" : " ASC";
      if (k.column().table() != null) {
        order.add(sortValue(k) + direction + " NULLS LAST");
        continue;
      }
      final String column = k.column() == SearchQuery.Column.ID ? "res_id" : "last_updated";
      byId |= k.column() == SearchQuery.Column.ID;
      order.add(column + direction);
    }
    if (query.sort().isEmpty()) {
      order.add("last_updated DESC");
    }
    if (!byId) {
      // A total order, so that offset pages never overlap.
      order.add("res_id ASC");
    }
    return order.toString();
  }

  /** The sort value of a head: the lowest (ascending) or highest (descending) value of its parameter rows at the height. */
  private String sortValue(final SearchQuery.SortKey k) {
    final String names = paramNames(query.type(), k.param());
    params.add(query.asOfHeight());
    params.add(query.asOfHeight());
    return "(SELECT " + (k.descending() ? "max(" : "min(") + k.column().valueExpression(k.descending()) + ") FROM "
        + k.column().table() + " s WHERE s.res_type = head.res_type AND s.res_id = head.res_id AND s." + names
        + " AND s.valid_from <= ? AND (s.valid_to IS NULL OR s.valid_to > ?))";
  }

  /**
   * {@code sp_name = ?}, or {@code sp_name IN (?, ...)} for a parameter whose values other parameters' rows hold
   * ({@link SharedParamRows}), with the names bound.
   */
  private String paramNames(final String type, final String param) {
    final List<String> names = SharedParamRows.storedAs(type, param);
    params.addAll(names);
    return names.size() == 1 ? "sp_name = ?" : "sp_name IN (" + String.join(", ", java.util.Collections.nCopies(names.size(), "?")) + ")";
  }

  private void criterion(final Criterion c) {
    if (c instanceof Criterion.Chain || c instanceof Criterion.Has) {
      navigation(c);
      return;
    }
    if (c instanceof Criterion.Id id) {
      final StringJoiner in = new StringJoiner(", ", "res_id IN (", ")");
      for (final String v : id.anyOf()) {
        in.add("?");
        params.add(v);
      }
      sql.append(in);
    } else if (c instanceof Criterion.LastUpdated lu) {
      anyOf(lu.anyOf().size(), i -> date(lu.anyOf().get(i), "last_updated", "(last_updated + interval '1 millisecond')"));
    } else if (c instanceof Criterion.Token t) {
      sql.append(t.not() ? "res_id NOT IN " : "res_id IN ");
      subSelect("spidx_token", t.param());
      anyOf(t.anyOf().size(), i -> token(t.anyOf().get(i)));
      sql.append(')');
    } else if (c instanceof Criterion.Str s) {
      sql.append("res_id IN ");
      subSelect("spidx_string", s.param());
      anyOf(s.anyOf().size(), i -> string(s.anyOf().get(i), s.mode()));
      sql.append(')');
    } else if (c instanceof Criterion.Date d) {
      sql.append("res_id IN ");
      subSelect("spidx_date", d.param());
      anyOf(d.anyOf().size(), i -> date(d.anyOf().get(i), "value_low", "value_high"));
      sql.append(')');
    } else if (c instanceof Criterion.Ref r) {
      sql.append("res_id IN ");
      subSelect("spidx_reference", r.param());
      anyOf(r.anyOf().size(), i -> reference(r.anyOf().get(i)));
      sql.append(')');
    } else if (c instanceof Criterion.Uri u) {
      sql.append("res_id IN ");
      subSelect("spidx_uri", u.param());
      anyOf(u.anyOf().size(), i -> uri(u.anyOf().get(i), u.below()));
      sql.append(')');
    } else {
      NumericPredicates.append(this, c);
    }
  }

  /** Appends SQL text (for the predicate builders of the V4.2 tables, {@link NumericPredicates}). */
  SearchSql append(final String text) {
    sql.append(text);
    return this;
  }

  /** Binds a value to the next placeholder appended. */
  SearchSql param(final Object value) {
    params.add(value);
    return this;
  }

  /** Opens {@code (SELECT res_id FROM table WHERE <rows of the parameter valid at the height> AND}; the caller closes it. */
  void subSelect(final String table, final String param) {
    params.add(criterionType);
    sql.append("(SELECT res_id FROM ").append(table)
        .append(" WHERE res_type = ? AND ").append(paramNames(criterionType, param)).append(" AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) AND ");
    params.add(query.asOfHeight());
    params.add(query.asOfHeight());
  }

  /**
   * A chain: {@code res_id IN (the rows of the reference whose target is a live target-type resource matching the
   * chained criterion)}; {@code _has}: {@code res_id IN (the targets of the source type's reference rows whose
   * source is a live resource matching the criterion)}. Both nest, each level reading the rows valid at the height.
   */
  private void navigation(final Criterion c) {
    if (c instanceof Criterion.Chain chain) {
      sql.append("res_id IN ");
      subSelect("spidx_reference", chain.param());
      sql.append("target_type = ? AND target_id IN (");
      params.add(chain.targetType());
      liveMatching(chain.targetType(), chain.target());
      sql.append("))");
    } else if (c instanceof Criterion.Has has) {
      final String outer = criterionType;
      sql.append("res_id IN (SELECT target_id FROM spidx_reference WHERE res_type = ? AND sp_name = ?"
          + " AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) AND target_type = ? AND res_id IN (");
      params.add(has.sourceType());
      params.add(has.param());
      params.add(query.asOfHeight());
      params.add(query.asOfHeight());
      params.add(outer);
      liveMatching(has.sourceType(), has.source());
      sql.append("))");
    }
  }

  /**
   * {@code SELECT res_id} of the resources of {@code type} live at the height that match {@code c}. A criterion on
   * parameter rows only matches rows valid at the height, which only live versions have, so the cheap one-row-per-
   * resource table serves; others ({@code _id}, {@code _lastUpdated}, negations) need the heads as of the height.
   */
  private void liveMatching(final String type, final Criterion c) {
    // A positive list: any other criterion (a negation, a :missing) may match a resource without rows.
    final boolean rowsImplyLive = c instanceof Criterion.Str || c instanceof Criterion.Date || c instanceof Criterion.Ref
        || c instanceof Criterion.Uri || c instanceof Criterion.Chain || c instanceof Criterion.Has
        || (c instanceof Criterion.Token t && !t.not());
    if (rowsImplyLive) {
      sql.append("SELECT res_id FROM resource WHERE res_type = ? AND ");
      params.add(type);
    } else {
      sql.append("SELECT res_id FROM (SELECT DISTINCT ON (res_id) res_id, deleted, last_updated FROM resource_version"
          + " WHERE res_type = ? AND block_height <= ? ORDER BY res_id, version DESC) h WHERE NOT deleted AND ");
      params.add(type);
      params.add(query.asOfHeight());
    }
    final String outer = criterionType;
    criterionType = type;
    try {
      criterion(c);
    } finally {
      criterionType = outer;
    }
  }

  void anyOf(final int n, final java.util.function.IntConsumer each) {
    sql.append('(');
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sql.append(" OR ");
      }
      sql.append('(');
      each.accept(i);
      sql.append(')');
    }
    sql.append(')');
  }

  private void token(final Criterion.TokenValue v) {
    final List<String> parts = new ArrayList<>();
    if (v.system() != null) {
      parts.add("sp_system = ?");
      params.add(v.system());
    } else if (v.noSystem()) {
      parts.add("sp_system IS NULL");
    }
    if (v.code() != null) {
      parts.add("sp_value = ?");
      params.add(v.code());
    }
    sql.append(String.join(" AND ", parts));
  }

  private void string(final String value, final Criterion.StringMode mode) {
    if (mode == Criterion.StringMode.EXACT) {
      // Every row's normalized value is the normal form of its exact one, so an exact match has this normalized value
      // too: the first test finds the candidates through idx_spidx_string_norm (V8.2 dropped the index on value_exact).
      sql.append("value_normalized = ? AND value_exact = ?");
      params.add(SearchParamNormalizer.normalize(value));
      params.add(value);
      return;
    }
    sql.append("value_normalized LIKE ? ESCAPE '\\'");
    final String escaped = likeEscape(SearchParamNormalizer.normalize(value));
    params.add(mode == Criterion.StringMode.CONTAINS ? "%" + escaped + "%" : escaped + "%");
  }

  private void uri(final String value, final boolean below) {
    if (below) {
      sql.append("uri LIKE ? ESCAPE '\\'");
      params.add(likeEscape(value) + "%");
    } else {
      sql.append("uri = ?");
      params.add(value);
    }
  }

  private void reference(final Criterion.RefValue v) {
    if (v.url() != null) {
      sql.append("target_url = ?");
      params.add(v.url());
      return;
    }
    sql.append("target_id = ?");
    params.add(v.id());
    if (v.type() != null) {
      sql.append(" AND target_type = ?");
      params.add(v.type());
    }
  }

  /**
   * The R4 prefixes over half-open ranges: the resource's {@code [low, high)} against the value's {@code [pl, ph)}.
   */
  void date(final Criterion.DateValue v, final String low, final String high) {
    switch (v.prefix()) {
      case EQ -> cmp(low + " >= ? AND " + high + " <= ?", v.low(), v.high());
      case NE -> cmp("NOT (" + low + " >= ? AND " + high + " <= ?)", v.low(), v.high());
      case GT -> cmp(high + " > ?", v.high());
      case LT -> cmp(low + " < ?", v.low());
      case GE -> cmp(high + " > ?", v.low());
      case LE -> cmp(low + " < ?", v.high());
      case SA -> cmp(low + " >= ?", v.high());
      case EB -> cmp(high + " <= ?", v.low());
      // the value's range was widened by the parser (DateRanges.approximately): any overlap
      case AP -> cmp(low + " < ? AND " + high + " > ?", v.high(), v.low());
      default -> throw new IllegalStateException("unknown prefix " + v.prefix());
    }
  }

  private void cmp(final String condition, final Instant... values) {
    sql.append(condition);
    params.addAll(List.of(values));
  }

  static String likeEscape(final String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
