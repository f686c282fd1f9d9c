package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DateRangesTest {
  private static DateRanges.Range range(final String low, final String high) {
    return new DateRanges.Range(Instant.parse(low), Instant.parse(high));
  }

  @Test
  void eachPrecisionCoversItsWholePeriod() {
    assertThat(DateRanges.parse("2024")).isEqualTo(range("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"));
    assertThat(DateRanges.parse("2024-02")).isEqualTo(range("2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"));
    assertThat(DateRanges.parse("2024-02-29")).isEqualTo(range("2024-02-29T00:00:00Z", "2024-03-01T00:00:00Z"));
    assertThat(DateRanges.parse("2024-02-29T10:15")).isEqualTo(range("2024-02-29T10:15:00Z", "2024-02-29T10:16:00Z"));
    assertThat(DateRanges.parse("2024-02-29T10:15:30+02:00")).isEqualTo(range("2024-02-29T08:15:30Z", "2024-02-29T08:15:31Z"));
    assertThat(DateRanges.parse("2024-02-29T10:15:30.5Z")).isEqualTo(range("2024-02-29T10:15:30.500Z", "2024-02-29T10:15:30.501Z"));
  }

  @Test
  void malformedOrImpossibleDatesAreRejected() {
    assertThatThrownBy(() -> DateRanges.parse("24-01-01")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DateRanges.parse("2023-02-29")).isInstanceOf(IllegalArgumentException.class);
  }
}
