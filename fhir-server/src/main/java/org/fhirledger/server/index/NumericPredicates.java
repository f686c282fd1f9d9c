package org.fhirledger.server.index;

import java.math.BigDecimal;

/**
 * The predicates on the tables of migration V4.2 (number, quantity, composite) and {@code :missing}, appended to a
 * {@link SearchSql} as one {@code res_id IN (sub-select)} per criterion like the others. Indexed values are closed
 * ranges {@code [low, high]} (a point: low = high); a search value is its precision range {@code [sl, sh)} and its
 * exact value v.
 */
final class NumericPredicates {
  /** {@code ap}: within 10% of the value (R4 search's recommendation), or its precision range if that is wider. */
  static final BigDecimal APPROXIMATELY = new BigDecimal("0.1");

  private NumericPredicates() {}

  static void append(final SearchSql sql, final Criterion c) {
    if (c instanceof NumberCriterion n) {
      sql.append("res_id IN ");
      sql.subSelect("spidx_number", n.param());
      sql.anyOf(n.anyOf().size(), i -> number(sql, n.anyOf().get(i), "value_low", "value_high"));
      sql.append(")");
    } else if (c instanceof QuantityCriterion q) {
      sql.append("res_id IN ");
      sql.subSelect("spidx_quantity", q.param());
      sql.anyOf(q.anyOf().size(), i -> quantity(sql, q.anyOf().get(i)));
      sql.append(")");
    } else if (c instanceof CompositeCriterion k) {
      sql.append("res_id IN ");
      sql.subSelect("spidx_composite", k.param());
      sql.anyOf(k.anyOf().size(), i -> {
        component(sql, k.anyOf().get(i).first(), "c1_");
        sql.append(" AND ");
        component(sql, k.anyOf().get(i).second(), "c2_");
      });
      sql.append(")");
    } else if (c instanceof MissingCriterion m) {
      sql.append(m.missing() ? "res_id NOT IN " : "res_id IN ");
      sql.subSelect(m.table(), m.param());
      sql.append("TRUE)");
    } else {
      throw new IllegalStateException("no predicate for " + c.getClass().getSimpleName());
    }
  }

  /** The R4 prefixes of a number over an indexed range {@code [low, high]}. */
  static void number(final SearchSql sql, final NumberValue v, final String low, final String high) {
    switch (v.prefix()) {
      // the extra "low < sh" is implied (low <= high) but bounds the index range scan on low
      case EQ -> sql.append(low + " >= ? AND " + low + " < ? AND " + high + " < ?").param(v.low()).param(v.high()).param(v.high());
      case NE -> sql.append("NOT (" + low + " >= ? AND " + high + " < ?)").param(v.low()).param(v.high());
      case GT -> sql.append(high + " > ?").param(v.value());
      case LT -> sql.append(low + " < ?").param(v.value());
      case GE -> sql.append(high + " >= ?").param(v.value());
      case LE -> sql.append(low + " <= ?").param(v.value());
      case SA -> sql.append(low + " >= ?").param(v.high());
      case EB -> sql.append(high + " < ?").param(v.low());
      case AP -> {
        final BigDecimal tenPercent = v.value().abs().multiply(APPROXIMATELY);
        final BigDecimal halfPrecision = v.high().subtract(v.low()).divide(BigDecimal.valueOf(2));
        final BigDecimal d = tenPercent.max(halfPrecision);
        sql.append(low + " <= ? AND " + high + " >= ?").param(v.value().add(d)).param(v.value().subtract(d));
      }
      default -> throw new IllegalStateException("unknown prefix " + v.prefix());
    }
  }

  private static void quantity(final SearchSql sql, final QuantityValue q) {
    if (q.canonical()) {
      sql.append("system = ? AND canonical_code = ? AND ").param(q.system()).param(q.code());
      number(sql, q.number(), "canonical_low", "canonical_high");
    } else if (q.code() != null) {
      sql.append("(code = ? OR unit = ?) AND ").param(q.code()).param(q.code());
      number(sql, q.number(), "value_low", "value_high");
    } else {
      number(sql, q.number(), "value_low", "value_high");
    }
  }

  /** One component of a composite value on the columns {@code prefix*} (see the V4.2 migration). */
  private static void component(final SearchSql sql, final Criterion c, final String prefix) {
    if (c instanceof Criterion.Token t) {
      final Criterion.TokenValue v = t.anyOf().get(0);
      sql.append("TRUE");
      if (v.system() != null) {
        sql.append(" AND " + prefix + "system = ?").param(v.system());
      } else if (v.noSystem()) {
        sql.append(" AND " + prefix + "system IS NULL");
      }
      if (v.code() != null) {
        sql.append(" AND " + prefix + "value = ?").param(v.code());
      }
    } else if (c instanceof Criterion.Ref r) {
      final Criterion.RefValue v = r.anyOf().get(0);
      if (v.url() != null) {
        sql.append(prefix + "system IS NULL AND " + prefix + "value = ?").param(v.url());
      } else {
        sql.append(prefix + "value = ?").param(v.id());
        if (v.type() != null) {
          sql.append(" AND " + prefix + "system = ?").param(v.type());
        }
      }
    } else if (c instanceof Criterion.Str s) {
      sql.append(prefix + "value LIKE ? ESCAPE '\\'").param(SearchSql.likeEscape(SearchParamNormalizer.normalize(s.anyOf().get(0))) + "%");
    } else if (c instanceof Criterion.Uri u) {
      sql.append(prefix + "value = ?").param(u.anyOf().get(0));
    } else if (c instanceof Criterion.Date d) {
      sql.date(d.anyOf().get(0), prefix + "date_low", prefix + "date_high");
    } else if (c instanceof NumberCriterion n) {
      number(sql, n.anyOf().get(0), prefix + "low", prefix + "high");
    } else if (c instanceof QuantityCriterion q) {
      final QuantityValue v = q.anyOf().get(0);
      if (v.canonical()) {
        sql.append(prefix + "system = ? AND " + prefix + "value = ? AND ").param(v.system()).param(v.code());
        number(sql, v.number(), prefix + "low", prefix + "high");
        return;
      }
      // without a system the value is compared as the resource wrote it (V4.3), like a quantity parameter's value_low/high
      if (v.code() != null) {
        sql.append("(" + prefix + "code = ? OR " + prefix + "unit = ?) AND ").param(v.code()).param(v.code());
      }
      number(sql, v.number(), prefix + "raw_low", prefix + "raw_high");
    } else {
      throw new IllegalStateException("no composite component predicate for " + c.getClass().getSimpleName());
    }
  }
}
