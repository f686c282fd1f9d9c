package org.fhirledger.server.index;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A number search value with its prefix: the value as written and the implicit range of its precision
 * {@code [low, high)} (R4 search: {@code 100} means [99.5, 100.5), {@code 100.00} means [99.995, 100.005)).
 */
public record NumberValue(Criterion.Prefix prefix, BigDecimal value, BigDecimal low, BigDecimal high) {
  public NumberValue {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(low, "low");
    Objects.requireNonNull(high, "high");
  }

  /** The value, its range and its prefix, all multiplied by {@code factor} (a unit conversion, factor > 0). */
  public NumberValue times(final BigDecimal factor) {
    return new NumberValue(prefix, value.multiply(factor), low.multiply(factor), high.multiply(factor));
  }
}
