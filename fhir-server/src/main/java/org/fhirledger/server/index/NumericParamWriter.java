package org.fhirledger.server.index;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** Inserts the number, quantity and composite rows of one block (migration V4.2), next to {@link SearchParamWriter}. */
final class NumericParamWriter {
  private static final String COMMON = "res_type, res_id, sp_name, valid_from";
  private static final String COMPONENT = "%1$s_system, %1$s_value, %1$s_unit, %1$s_low, %1$s_high, %1$s_date_low, %1$s_date_high"
      + ", %1$s_code, %1$s_raw_low, %1$s_raw_high";

  private static final int COMPONENT_COLUMNS = 10;

  private final CopyRows number = new CopyRows("spidx_number", COMMON + ", value_low, value_high");
  private final CopyRows quantity = new CopyRows("spidx_quantity", COMMON
      + ", value_low, value_high, system, code, unit, canonical_code, canonical_low, canonical_high");
  private final CopyRows composite = new CopyRows("spidx_composite", COMMON + ", " + String.format(COMPONENT, "c1") + ", "
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

  /** Appends one component's ten columns, in the order {@link #component(PreparedStatement, int, IndexedParam)} binds them. */
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

  static void insert(final Connection c, final long height, final Map<IndexedVersion, List<IndexedParam>> heads) throws SQLException {
    try (PreparedStatement number = c.prepareStatement("INSERT INTO spidx_number (" + COMMON + ", value_low, value_high) VALUES (?, ?, ?, ?, ?, ?)");
        PreparedStatement quantity = c.prepareStatement("INSERT INTO spidx_quantity (" + COMMON
            + ", value_low, value_high, system, code, unit, canonical_code, canonical_low, canonical_high) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement composite = c.prepareStatement("INSERT INTO spidx_composite (" + COMMON + ", " + String.format(COMPONENT, "c1")
            + ", " + String.format(COMPONENT, "c2") + ") VALUES (?, ?, ?, ?" + ", ?".repeat(2 * COMPONENT_COLUMNS) + ")")) {
      for (final Map.Entry<IndexedVersion, List<IndexedParam>> e : heads.entrySet()) {
        final IndexedVersion v = e.getKey();
        if (v.deleted()) {
          continue;
        }
        for (final IndexedParam p : e.getValue()) {
          if (p instanceof IndexedParam.Number n) {
            SearchParamWriter.common(number, v, p, height);
            number.setBigDecimal(5, n.low());
            number.setBigDecimal(6, n.high());
            number.addBatch();
          } else if (p instanceof IndexedParam.Quantity q) {
            SearchParamWriter.common(quantity, v, p, height);
            quantity.setBigDecimal(5, q.low());
            quantity.setBigDecimal(6, q.high());
            quantity.setString(7, q.system());
            quantity.setString(8, q.code());
            quantity.setString(9, q.unit());
            quantity.setString(10, q.canonicalCode());
            quantity.setBigDecimal(11, q.canonicalLow());
            quantity.setBigDecimal(12, q.canonicalHigh());
            quantity.addBatch();
          } else if (p instanceof IndexedParam.Composite k) {
            SearchParamWriter.common(composite, v, p, height);
            component(composite, 5, k.first());
            component(composite, 5 + COMPONENT_COLUMNS, k.second());
            composite.addBatch();
          }
        }
      }
      number.executeBatch();
      quantity.executeBatch();
      composite.executeBatch();
    }
  }

  /**
   * Binds one component's ten columns from {@code at}: system, value, unit, low, high, date low, date high (see
   * the V4.2 migration for what each type puts where), then a quantity's code, low and high as written (V4.3).
   */
  private static void component(final PreparedStatement ps, final int at, final IndexedParam value) throws SQLException {
    String system = null;
    String text = null;
    String unit = null;
    BigDecimal low = null;
    BigDecimal high = null;
    OffsetDateTime dateLow = null;
    OffsetDateTime dateHigh = null;
    String code = null;
    BigDecimal rawLow = null;
    BigDecimal rawHigh = null;
    if (value instanceof IndexedParam.Token t) {
      system = t.system();
      text = t.value();
    } else if (value instanceof IndexedParam.Ref r) {
      system = r.targetType();
      text = r.url() != null ? r.url() : r.targetId();
    } else if (value instanceof IndexedParam.Str s) {
      text = s.normalized();
    } else if (value instanceof IndexedParam.Uri u) {
      text = u.uri();
    } else if (value instanceof IndexedParam.Number n) {
      low = n.low();
      high = n.high();
    } else if (value instanceof IndexedParam.Quantity q) {
      system = q.system();
      text = q.canonicalCode();
      unit = q.unit();
      low = q.canonicalLow();
      high = q.canonicalHigh();
      code = q.code();
      rawLow = q.low();
      rawHigh = q.high();
    } else if (value instanceof IndexedParam.Date d) {
      dateLow = OffsetDateTime.ofInstant(d.low(), ZoneOffset.UTC);
      dateHigh = OffsetDateTime.ofInstant(d.high(), ZoneOffset.UTC);
    } else {
      throw new IllegalArgumentException("a composite component cannot be " + value.getClass().getSimpleName());
    }
    ps.setString(at, system);
    ps.setString(at + 1, text);
    ps.setString(at + 2, unit);
    ps.setBigDecimal(at + 3, low);
    ps.setBigDecimal(at + 4, high);
    if (dateLow == null) {
      ps.setNull(at + 5, Types.TIMESTAMP_WITH_TIMEZONE);
      ps.setNull(at + 6, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(at + 5, dateLow);
      ps.setObject(at + 6, dateHigh);
    }
    ps.setString(at + 7, code);
    ps.setBigDecimal(at + 8, rawLow);
    ps.setBigDecimal(at + 9, rawHigh);
  }
}
