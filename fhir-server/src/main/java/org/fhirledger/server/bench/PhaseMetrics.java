package org.fhirledger.server.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one phase of load recorded, safe to update from any client thread. Latencies go to an HdrHistogram
 * {@link Recorder}; once a second the ticker takes the interval histogram, which gives both the per-second
 * timeline (throughput and p99 for the chart) and, summed, the whole phase's histogram.
 */
public final class PhaseMetrics {
  /** One second of the timeline. */
  public record Second(int second, long committed, long resources, long errors, double p99Millis) {}

  private final Recorder recorder = new Recorder(1, LatencySummary.HIGHEST_TRACKABLE_MICROS, 3);
  private final Histogram total = LatencySummary.newHistogram();
  private final LongAdder committed = new LongAdder();
  private final LongAdder resources = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder writeResources = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
  private final List<Second> timeline = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();
  private long lastCommitted;
  private long lastResources;
  private long lastErrors;

  public void success(final WorkloadKind kind, final int resourceCount, final long latencyNanos) {
    recorder.recordValue(Math.max(1, Math.min(LatencySummary.HIGHEST_TRACKABLE_MICROS, latencyNanos / 1000)));
    committed.increment();
    resources.add(resourceCount);
    if (kind.isWrite()) {
      writes.increment();
      writeResources.add(resourceCount);
    }
  }

  /** A failed operation: {@code kind} is "HTTP 503", an exception's simple class name, and so on. */
  public void error(final String kind) {
    errors.increment();
    errorKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /** Called once a second by the ticker (and once at the end): closes one second of the timeline. */
  public synchronized Second tick() {
    final Histogram interval = recorder.getIntervalHistogram();
    total.add(interval);
    final long c = committed.sum();
    final long r = resources.sum();
    final long e = errors.sum();
    final Second s = new Second(timeline.size() + 1, c - lastCommitted, r - lastResources, e - lastErrors,
        interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1000.0);
    lastCommitted = c;
    lastResources = r;
    lastErrors = e;
    timeline.add(s);
    return s;
  }

  /** The whole phase so far (call after the last tick). */
  public synchronized LatencySummary latency() {
    return LatencySummary.of(total);
  }

  public long committed() {
    return committed.sum();
  }

  public long resources() {
    return resources.sum();
  }

  public long writes() {
    return writes.sum();
  }

  public long writeResources() {
    return writeResources.sum();
  }

  public long errors() {
    return errors.sum();
  }

  public Map<String, Long> errorsByKind() {
    final Map<String, Long> out = new TreeMap<>();
    errorKinds.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public synchronized List<Second> timeline() {
    return List.copyOf(timeline);
  }

  public long startNanos() {
    return startNanos;
  }

  public long startMillis() {
    return startMillis;
  }
}
