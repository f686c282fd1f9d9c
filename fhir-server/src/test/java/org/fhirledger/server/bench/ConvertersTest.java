package org.fhirledger.server.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConvertersTest {
  @Test
  void durationsTakeUnitsAndBareSeconds() {
    assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(DurationConverter.parse("10")).isEqualTo(Duration.ofSeconds(10));
    assertThatThrownBy(() -> DurationConverter.parse("soon")).hasMessageContaining("not a duration");
  }

  @Test
  void sizesTakeBinaryUnits() {
    assertThat(SizeConverter.parse("1MiB")).isEqualTo(1 << 20);
    assertThat(SizeConverter.parse("512KiB")).isEqualTo(512 << 10);
    assertThat(SizeConverter.parse("1000")).isEqualTo(1000);
    assertThatThrownBy(() -> SizeConverter.parse("1GiB")).hasMessageContaining("not a size");
    assertThatThrownBy(() -> SizeConverter.parse("0")).hasMessageContaining("out of range");
  }

  @Test
  void searchEntriesAreCountedByTheirFullUrls() {
    assertThat(LoadDriver.countEntries("{\"entry\":[{\"fullUrl\":\"a\"},{\"fullUrl\":\"b\"}]}")).isEqualTo(2);
    assertThat(LoadDriver.countEntries("{\"total\":0}")).isZero();
    assertThat(LoadDriver.countEntries(null)).isZero();
  }
}
