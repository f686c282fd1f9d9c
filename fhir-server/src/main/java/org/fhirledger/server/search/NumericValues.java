package org.fhirledger.server.search;

import java.math.BigDecimal;
import java.util.Optional;
import org.fhirledger.server.index.IndexedParam;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;

/**
 * The number and quantity index values of FHIR elements. A Range is indexed as its bounds (an open end as
 * {@link #UNBOUNDED}); quantities in UCUM units this server converts also carry their canonical form.
 */
final class NumericValues {
  /** The bound that stands for an open end of a Range (numeric has no infinity that compares in B-trees). */
  static final BigDecimal UNBOUNDED = new BigDecimal("1E+100");

  private static final String CURRENCY_SYSTEM = "urn:iso:std:iso:4217";

  private NumericValues() {}

  /** The number value of {@code value}, if it is a decimal, an integer, a Quantity's value or a Range. */
  static Optional<IndexedParam.Number> number(final String name, final IBase value) {
    if (value instanceof DecimalType d && d.getValue() != null) {
      return Optional.of(new IndexedParam.Number(name, d.getValue(), d.getValue()));
    }
    if (value instanceof IntegerType i && i.getValue() != null) {
      final BigDecimal v = BigDecimal.valueOf(i.getValue());
      return Optional.of(new IndexedParam.Number(name, v, v));
    }
    if (value instanceof Quantity q && q.hasValue()) {
      return Optional.of(new IndexedParam.Number(name, q.getValue(), q.getValue()));
    }
    if (value instanceof Range r && (r.getLow().hasValue() || r.getHigh().hasValue())) {
      return Optional.of(new IndexedParam.Number(name, low(r), high(r)));
    }
    return Optional.empty();
  }

  /** The quantity value of {@code value}: a Quantity (Age, Duration ...), Money or a Range of quantities. */
  static Optional<IndexedParam.Quantity> quantity(final String name, final IBase value) {
    if (value instanceof Quantity q && q.hasValue()) {
      return Optional.of(quantity(name, q.getValue(), q.getValue(), q.getSystem(), q.getCode(), q.getUnit()));
    }
    if (value instanceof Money m && m.hasValue()) {
      return Optional.of(quantity(name, m.getValue(), m.getValue(), CURRENCY_SYSTEM, m.getCurrency(), m.getCurrency()));
    }
    if (value instanceof Range r && (r.getLow().hasValue() || r.getHigh().hasValue())) {
      final Quantity units = r.getLow().hasValue() ? r.getLow() : r.getHigh();
      return Optional.of(quantity(name, low(r), high(r), units.getSystem(), units.getCode(), units.getUnit()));
    }
    return Optional.empty();
  }

  /** A quantity row with its canonical columns (the same values when the units are not converted). */
  static IndexedParam.Quantity quantity(final String name, final BigDecimal low, final BigDecimal high, final String system,
      final String code, final String unit) {
    final String s = blankToNull(system);
    final String c = blankToNull(code);
    final Optional<UcumUnits.Canonical> canonical = UcumUnits.SYSTEM.equals(s) ? UcumUnits.canonical(c) : Optional.empty();
    if (canonical.isPresent()) {
      final BigDecimal f = canonical.get().factor();
      return new IndexedParam.Quantity(name, low, high, s, c, blankToNull(unit), canonical.get().code(), scaled(low, f), scaled(high, f));
    }
    return new IndexedParam.Quantity(name, low, high, s, c, blankToNull(unit), c, low, high);
  }

  private static BigDecimal scaled(final BigDecimal v, final BigDecimal factor) {
    return v.abs().compareTo(UNBOUNDED) >= 0 ? v : v.multiply(factor);
  }

  private static BigDecimal low(final Range r) {
    return r.getLow().hasValue() ? r.getLow().getValue() : UNBOUNDED.negate();
  }

  private static BigDecimal high(final Range r) {
    return r.getHigh().hasValue() ? r.getHigh().getValue() : UNBOUNDED;
  }

  private static String blankToNull(final String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
