package org.fhirledger.server.bench;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;

/** Parses {@code 30s}, {@code 2m}, {@code 500ms}, {@code 1h}; a bare number is seconds. */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(final String value) {
    return parse(value);
  }

  public static Duration parse(final String value) {
    final String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      }
      if (v.endsWith("m")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
      }
      if (v.endsWith("h")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 3_600_000));
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    } catch (final NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: '" + value + "' (e.g. 30s, 2m, 500ms)", e);
    }
  }
}
