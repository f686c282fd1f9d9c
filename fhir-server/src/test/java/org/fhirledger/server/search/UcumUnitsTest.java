package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class UcumUnitsTest {
  private static void converts(final String code, final String canonical, final String factor) {
    final UcumUnits.Canonical c = UcumUnits.canonical(code).orElseThrow(() -> new AssertionError(code + " not converted"));
    assertThat(c.code()).as(code).isEqualTo(canonical);
    assertThat(c.factor()).as(code).isEqualByComparingTo(new BigDecimal(factor));
  }

  @Test
  void metricPrefixesOnBaseUnitsConvertToTheBaseUnit() {
    converts("g", "g", "1");
    converts("kg", "g", "1000");
    converts("mg", "g", "0.001");
    converts("ug", "g", "0.000001");
    converts("dL", "L", "0.1");
    converts("ml", "L", "0.001");
    converts("mmol", "mol", "0.001");
    converts("cm", "m", "0.01");
    converts("dam", "m", "10");
  }

  @Test
  void quotientsPowersAndTimeUnitsConvert() {
    converts("mg/dL", "g/L", "0.01");
    converts("mmol/L", "mol/L", "0.001");
    converts("kg/m2", "g/m2", "1000");
    converts("cm2", "m2", "0.0001");
    converts("/min", "/s", "0.01666666666666667");
    converts("h", "s", "3600");
    converts("d", "s", "86400");
  }

  @Test
  void unitsOutsideTheSimpleSubsetAreNotConverted() {
    for (final String code : new String[] {"mm[Hg]", "%", "10*3/uL", "{beats}/min", "kg.m", "mg/kg/d", "cd", "Pa", "", "[in_i]"}) {
      assertThat(UcumUnits.canonical(code)).as(code).isEmpty();
    }
    assertThat(UcumUnits.canonical(null)).isEmpty();
  }
}
