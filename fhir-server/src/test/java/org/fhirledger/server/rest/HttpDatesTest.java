package org.fhirledger.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.util.DateUtils;
import java.time.DateTimeException;
import java.util.Date;
import java.util.SplittableRandom;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.InstantType;
import org.junit.jupiter.api.Test;

class HttpDatesTest {
  @Test
  void readsInstantsAsHapiWritesThemInAnyOffsetAndFormatsLastModifiedAsHapiDoes() {
    final SplittableRandom random = new SplittableRandom(8);
    for (final String zone : new String[] {"UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Pacific/Kiritimati"}) {
      for (int i = 0; i < 2_000; i++) {
        // 1970 to about 2200, to the millisecond
        final long millis = random.nextLong(0, 7_258_118_400_000L);
        final InstantType instant = new InstantType(new Date(millis));
        instant.setTimeZone(TimeZone.getTimeZone(zone));
        final String text = instant.getValueAsString();
        assertThat(HttpDates.instantMillis(text)).as(text).isEqualTo(millis);
        assertThat(HttpDates.httpDate(millis)).as(text).isEqualTo(DateUtils.formatDate(new Date(millis)));
      }
    }
  }

  @Test
  void otherShapesGoToTheGeneralParserAndNonsenseIsRefused() {
    assertThat(HttpDates.instantMillis("2026-12-06T12:49:31Z")).isEqualTo(1_796_561_371_000L);
    assertThat(HttpDates.instantMillis("2026-12-06T12:49:31.5+00:00")).isEqualTo(1_796_561_371_500L);
    assertThatThrownBy(() -> HttpDates.instantMillis("2026-02-30T12:49:31.000Z")).isInstanceOf(DateTimeException.class);
    assertThatThrownBy(() -> HttpDates.instantMillis("2026-12-06T24:49:31.000Z")).isInstanceOf(DateTimeException.class);
    assertThatThrownBy(() -> HttpDates.instantMillis("2026-12-06")).isInstanceOf(DateTimeException.class);
  }
}
