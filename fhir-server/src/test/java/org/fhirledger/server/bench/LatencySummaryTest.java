package org.fhirledger.server.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {
  @Test
  void percentilesMatchTheExactOrderStatisticsWithinATenthOfAPercent() {
    final Random random = new Random(3);
    final List<Long> micros = new ArrayList<>();
    final Histogram h = LatencySummary.newHistogram();
    for (int i = 0; i < 50_000; i++) {
      // log-normal-ish: most around 20 ms, a long tail
      final long v = (long) (20_000 * Math.exp(random.nextGaussian()));
      micros.add(Math.max(1, v));
      h.recordValue(Math.max(1, v));
    }
    Collections.sort(micros);
    final LatencySummary s = LatencySummary.of(h);
    assertThat(s.count()).isEqualTo(50_000);
    assertThat(s.p50()).isCloseTo(exact(micros, 0.50), withPercentage(0.1));
    assertThat(s.p95()).isCloseTo(exact(micros, 0.95), withPercentage(0.1));
    assertThat(s.p99()).isCloseTo(exact(micros, 0.99), withPercentage(0.1));
    assertThat(s.max()).isCloseTo(micros.get(micros.size() - 1) / 1000.0, withPercentage(0.1));
  }

  @Test
  void aStepDistributionGivesItsSteps() {
    final Histogram h = LatencySummary.newHistogram();
    h.recordValueWithCount(1_000, 90);   // 90 at 1 ms
    h.recordValueWithCount(100_000, 9);  // 9 at 100 ms
    h.recordValue(2_000_000);            // 1 at 2 s
    final LatencySummary s = LatencySummary.of(h);
    assertThat(s.p50()).isCloseTo(1.0, withPercentage(0.1));
    assertThat(s.p95()).isCloseTo(100.0, withPercentage(0.1));
    assertThat(s.p99()).isCloseTo(100.0, withPercentage(0.1));
    assertThat(s.max()).isCloseTo(2000.0, withPercentage(0.1));
  }

  @Test
  void nothingRecordedIsAllZero() {
    assertThat(LatencySummary.of(LatencySummary.newHistogram())).isEqualTo(LatencySummary.EMPTY);
  }

  /** The nearest-rank order statistic, in milliseconds. */
  private static double exact(final List<Long> sorted, final double q) {
    return sorted.get((int) Math.ceil(q * sorted.size()) - 1) / 1000.0;
  }
}
