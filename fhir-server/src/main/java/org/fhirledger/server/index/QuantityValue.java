package org.fhirledger.server.index;

import java.util.Objects;

/**
 * A quantity search value: {@code [prefix]number|system|code}, {@code [prefix]number||code} (the code or the unit
 * text, any system) or {@code [prefix]number} (any units).
 *
 * @param number the number in the units searched; already in canonical UCUM units when {@code canonical}
 * @param system null: any system
 * @param code null: any units
 * @param canonical whether system and code are compared with the canonical columns (a system was given)
 */
public record QuantityValue(NumberValue number, String system, String code, boolean canonical) {
  public QuantityValue {
    Objects.requireNonNull(number, "number");
  }
}
