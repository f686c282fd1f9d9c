package org.fhirledger.server.index;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;

/** Collects and sends the number, quantity and composite rows of one block (migration V4.2) for {@link SearchParamWriter}. */
final class NumericParamWriter {
  private static final String COMPONENT = "%1$s_system, %1$s_value, %1$s_unit, %1$s_low, %1$s_high, %1$s_date_low, %1$s_date_high"
      + ", %1$s_code, %1$s_raw_low, %1$s_raw_high";

  private final CopyRows number = new CopyRows("spidx_number", SearchParamWriter.COMMON + ", value_low, value_high");
  private final CopyRows quantity = new CopyRows("spidx_quantity", SearchParamWriter.COMMON
      + ", value_low, value_high, system, code, unit, canonical_code, canonical_low, canonical_high");
  private final CopyRows composite = new CopyRows("spidx_composite", SearchParamWriter.COMMON + ", " + String.format(COMPONENT, "c1") + ", "
      + String.format(COMPONENT, "c2"));

  /** Adds the row of a number, quantity or composite parameter of {@code v}; other kinds are not this writer's. */
  void add(final IndexedVersion v, final IndexedParam p, final long height) {
    if (p instanceof IndexedParam.Number n) {
      SearchParamWriter.common(number, v, p, height).decimal(n.low()).decimal(n.high()).endRow();
    } else if (p instanceof IndexedParam.Quantity q) {
      SearchParamWriter.common(quantity, v, p, height).decimal(q.low()).decimal(q.high()).text(q.system()).text(q.code())
          .text(q.unit()).text(q.canonicalCode()).decimal(q.canonicalLow()).decimal(q.canonicalHigh()).endRow();
    } else if (p instanceof IndexedParam.Composite k) {
      component(component(SearchParamWriter.common(composite, v, p, height), k.first()), k.second()).endRow();
    }
  }

  void send(final Connection c) throws SQLException {
    number.send(c);
    quantity.send(c);
    composite.send(c);
  }

  /**
   * Appends one component's ten columns: system, value, unit, low, high, date low, date high (see the V4.2 migration for
   * what each type puts where), then a quantity's code, low and high as written (V4.3).
   */
  private static CopyRows component(final CopyRows rows, final IndexedParam value) {
    if (value instanceof IndexedParam.Token t) {
      return rows.text(t.system()).text(t.value()).text(null).decimal(null).decimal(null).timestamp(null).timestamp(null)
          .text(null).decimal(null).decimal(null);
    } else if (value instanceof IndexedParam.Ref r) {
      return rows.text(r.targetType()).text(r.url() != null ? r.url() : r.targetId()).text(null).decimal(null).decimal(null)
          .timestamp(null).timestamp(null).text(null).decimal(null).decimal(null);
    } else if (value instanceof IndexedParam.Str s) {
      return rows.text(null).text(s.normalized()).text(null).decimal(null).decimal(null).timestamp(null).timestamp(null)
          .text(null).decimal(null).decimal(null);
    } else if (value instanceof IndexedParam.Uri u) {
      return rows.text(null).text(u.uri()).text(null).decimal(null).decimal(null).timestamp(null).timestamp(null)
          .text(null).decimal(null).decimal(null);
    } else if (value instanceof IndexedParam.Number n) {
      return rows.text(null).text(null).text(null).decimal(n.low()).decimal(n.high()).timestamp(null).timestamp(null)
          .text(null).decimal(null).decimal(null);
    } else if (value instanceof IndexedParam.Quantity q) {
      return rows.text(q.system()).text(q.canonicalCode()).text(q.unit()).decimal(q.canonicalLow()).decimal(q.canonicalHigh())
          .timestamp(null).timestamp(null).text(q.code()).decimal(q.low()).decimal(q.high());
    } else if (value instanceof IndexedParam.Date d) {
      return rows.text(null).text(null).text(null).decimal(null).decimal(null).timestamp(d.low()).timestamp(d.high())
          .text(null).decimal(null).decimal(null);
    }
    throw new IllegalArgumentException("a composite component cannot be " + value.getClass().getSimpleName());
  }
}
