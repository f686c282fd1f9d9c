package org.fhirledger.server.search;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The half-open range {@code [low, high)} that a FHIR date, dateTime or instant covers at its precision: 2024 is
 * the whole year, 2024-05 the month, 2024-05-17T10:00Z the minute. Values without a time zone are taken as UTC,
 * in resources and in search values alike, so the two always compare consistently.
 */
public final class DateRanges {
  /** The range of an open Period end or start. */
  public static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");

  public static final Instant MAX = Instant.parse("9999-12-31T00:00:00Z");

  private static final Pattern DATE = Pattern.compile(
      "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?(Z|[+-]\\d{2}:\\d{2})?)?)?)?");

  private DateRanges() {}

  /** A range {@code [low, high)}. */
  public record Range(Instant low, Instant high) {}

  /**
   * @throws IllegalArgumentException if {@code value} is not a FHIR date, dateTime or instant
   */
  public static Range parse(final String value) {
    final Matcher m = DATE.matcher(value == null ? "" : value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + value + "' is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.sss]][Z|+hh:mm])");
    }
    try {
      final int year = Integer.parseInt(m.group(1));
      if (m.group(2) == null) {
        final LocalDateTime start = LocalDateTime.of(year, 1, 1, 0, 0);
        return range(start, start.plusYears(1), ZoneOffset.UTC);
      }
      final int month = Integer.parseInt(m.group(2));
      if (m.group(3) == null) {
        final LocalDateTime start = LocalDateTime.of(year, month, 1, 0, 0);
        return range(start, start.plusMonths(1), ZoneOffset.UTC);
      }
      final int day = Integer.parseInt(m.group(3));
      if (m.group(4) == null) {
        final LocalDateTime start = LocalDateTime.of(year, month, day, 0, 0);
        return range(start, start.plusDays(1), ZoneOffset.UTC);
      }
      final ZoneOffset zone = m.group(8) == null || "Z".equals(m.group(8)) ? ZoneOffset.UTC : ZoneOffset.of(m.group(8));
      final LocalDateTime minute = LocalDateTime.of(year, month, day, Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
      if (m.group(6) == null) {
        return range(minute, minute.plusMinutes(1), zone);
      }
      final LocalDateTime second = minute.plusSeconds(Integer.parseInt(m.group(6)));
      if (m.group(7) == null) {
        return range(second, second.plusSeconds(1), zone);
      }
      // Sub-second values are kept to the millisecond, the precision of meta.lastUpdated on this server.
      final String millis = (m.group(7) + "00").substring(0, 3);
      final LocalDateTime ms = second.plus(Integer.parseInt(millis), ChronoUnit.MILLIS);
      return range(ms, ms.plusNanos(1_000_000), zone);
    } catch (final java.time.DateTimeException e) {
      throw new IllegalArgumentException("'" + value + "' is not a valid date: " + e.getMessage(), e);
    }
  }

  /**
   * The range that {@code ap} (approximately) searches: the value's range widened on both sides by a tenth of the
   * time between the value and {@code now} (R4 leaves the width to the server; ap2016 searched at the end of 2026 covers
   * about 2014-11 to 2018-02), never past {@link #MIN} or {@link #MAX}.
   */
  public static Range approximately(final Range value, final Instant now) {
    final java.time.Duration gap = java.time.Duration.between(value.low(), now).abs();
    final java.time.Duration margin = gap.dividedBy(10);
    final Instant low = value.low().minus(margin);
    final Instant high = value.high().plus(margin);
    return new Range(low.isBefore(MIN) ? MIN : low, high.isAfter(MAX) ? MAX : high);
  }

  private static Range range(final LocalDateTime start, final LocalDateTime end, final ZoneOffset zone) {
    return new Range(start.toInstant(zone), end.toInstant(zone));
  }
}
