package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import org.fhirledger.server.index.Criterion;
import org.fhirledger.server.index.NumberValue;
import org.fhirledger.server.index.QuantityValue;
import org.junit.jupiter.api.Test;

class ValueCriteriaParserTest {
  private static void range(final String value, final String low, final String high) {
    final NumberValue v = ValueCriteriaParser.numberValue(value);
    assertThat(v.low()).as(value).isEqualByComparingTo(new BigDecimal(low));
    assertThat(v.high()).as(value).isEqualByComparingTo(new BigDecimal(high));
  }

  @Test
  void aNumberCoversHalfAUnitOfItsLastDigitEitherSide() {
    range("100", "99.5", "100.5");
    range("100.00", "99.995", "100.005");
    range("1e2", "50", "150");
    range("-5.4", "-5.45", "-5.35");
    range("gt0.5", "0.45", "0.55");
    assertThat(ValueCriteriaParser.numberValue("ap7").prefix()).isEqualTo(Criterion.Prefix.AP);
    assertThat(ValueCriteriaParser.numberValue("7").prefix()).isEqualTo(Criterion.Prefix.EQ);
  }

  @Test
  void badNumbersAndPrefixesAreRejected() {
    for (final String bad : new String[] {"abc", "zz5", "gt", "5,5", "1..2"}) {
      assertThatThrownBy(() -> ValueCriteriaParser.numberValue(bad)).as(bad).isInstanceOf(InvalidRequestException.class);
    }
  }

  @Test
  void ucumQuantitiesAreSearchedInCanonicalUnits() {
    final QuantityValue q = ValueCriteriaParser.quantityValue("lt150|http://unitsofmeasure.org|mg/dL");
    assertThat(q.canonical()).isTrue();
    assertThat(q.code()).isEqualTo("g/L");
    assertThat(q.number().value()).isEqualByComparingTo("1.5");
    assertThat(q.number().prefix()).isEqualTo(Criterion.Prefix.LT);
    final QuantityValue byCode = ValueCriteriaParser.quantityValue("5||mg");
    assertThat(byCode.canonical()).isFalse();
    assertThat(byCode.system()).isNull();
    assertThat(byCode.code()).isEqualTo("mg");
    final QuantityValue other = ValueCriteriaParser.quantityValue("5|urn:x|a\\|b");
    assertThat(other.code()).isEqualTo("a|b");
    assertThat(other.number().value()).isEqualByComparingTo("5");
  }

  @Test
  void uriAboveMatchesTheValueAndEachAncestorPath() {
    assertThat(ValueCriteriaParser.ancestors("http://acme.org/fhir/ValueSet/123")).containsExactly(
        "http://acme.org/fhir/ValueSet/123", "http://acme.org/fhir/ValueSet", "http://acme.org/fhir", "http://acme.org");
    assertThat(ValueCriteriaParser.ancestors("urn:oid:1.2.3")).containsExactly("urn:oid:1.2.3");
    assertThat(ValueCriteriaParser.ancestors("http://acme.org")).containsExactly("http://acme.org");
  }
}
