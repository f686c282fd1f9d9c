package org.fhirledger.server.bench;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles of one phase in milliseconds. Taken from an HdrHistogram recorded in microseconds with
 * three significant digits, so every figure is within 0.1 % of the exact order statistic.
 */
public record LatencySummary(long count, double p50, double p95, double p99, double max, double mean) {
  /** Highest latency the histograms track: a request slower than this is recorded as this. */
  public static final long HIGHEST_TRACKABLE_MICROS = 3_600_000_000L;

  public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0);

  /** A histogram of microseconds suitable for {@link #of}. */
  public static Histogram newHistogram() {
    return new Histogram(1, HIGHEST_TRACKABLE_MICROS, 3);
  }

  public static LatencySummary of(final Histogram micros) {
    if (micros.getTotalCount() == 0) {
      return EMPTY;
    }
    return new LatencySummary(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(95)),
        ms(micros.getValueAtPercentile(99)), ms(micros.getMaxValue()), micros.getMean() / 1000.0);
  }

  private static double ms(final long micros) {
    return micros / 1000.0;
  }
}
