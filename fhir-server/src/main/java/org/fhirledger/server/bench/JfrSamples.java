package org.fhirledger.server.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * The execution samples of JDK Flight Recorder files counted three ways: by thread, by leaf method (self) and by
 * every method on the stack (inclusive, each method once per sample). {@link JfrProfile} sorts a bench window's
 * samples into parts of the write path; this is the finer view behind the profiles in docs/benchmarks.md, e.g.
 * only the HTTP request threads of the last 30 seconds, down to the methods that call into Ed25519.
 *
 * @param samples execution samples counted (after the time and thread filters)
 * @param threads samples per thread name, digits and node ids replaced by {@code N}
 * @param self samples per leaf method
 * @param inclusive samples per method anywhere on the stack
 */
public record JfrSamples(long samples, Map<String, Long> threads, Map<String, Long> self, Map<String, Long> inclusive) {
  private static final String EXECUTION_SAMPLE = "jdk.ExecutionSample";
  // node ids (hex) and numbers that stand alone, so "p2p-4a3f794b1c48-in-io-3" reads "p2p-N-in-io-N"
  private static final Pattern NUMBERS = Pattern.compile("[0-9a-f]{8,}|(?<![A-Za-z])\\d+");

  /**
   * Reads {@code recordings}. With {@code last} set, only the samples of each file's last {@code last} (measured
   * back from that file's newest sample: a node's recording ends when the bench stops it, right after the window).
   * With {@code threadPrefix} set, only threads whose name (after the number replacement) starts with it.
   */
  public static JfrSamples read(final List<Path> recordings, final Duration last, final String threadPrefix) throws IOException {
    final Map<String, Long> threads = new HashMap<>();
    final Map<String, Long> self = new HashMap<>();
    final Map<String, Long> inclusive = new HashMap<>();
    long samples = 0;
    for (final Path file : recordings) {
      // streamed, twice when only the end counts: a bench node's recording can hold millions of events
      final Instant newest = last == null ? Instant.MIN : newestSample(file);
      final Instant from = newest.equals(Instant.MIN) ? Instant.MIN : newest.minus(last);
      try (RecordingFile events = new RecordingFile(file)) {
        while (events.hasMoreEvents()) {
          final RecordedEvent e = events.readEvent();
          if (!isSample(e) || e.getStartTime().isBefore(from)) {
            continue;
          }
          final String thread = threadName(e);
          if (threadPrefix != null && !thread.startsWith(threadPrefix)) {
            continue;
          }
          samples++;
          threads.merge(thread, 1L, Long::sum);
          final List<RecordedFrame> frames = e.getStackTrace().getFrames();
          self.merge(name(frames.get(0).getMethod()), 1L, Long::sum);
          final Set<String> onStack = new HashSet<>();
          for (final RecordedFrame f : frames) {
            final String m = name(f.getMethod());
            if (onStack.add(m)) {
              inclusive.merge(m, 1L, Long::sum);
            }
          }
        }
      }
    }
    return new JfrSamples(samples, sorted(threads), sorted(self), sorted(inclusive));
  }

  private static boolean isSample(final RecordedEvent e) {
    return EXECUTION_SAMPLE.equals(e.getEventType().getName()) && e.getStackTrace() != null && !e.getStackTrace().getFrames().isEmpty();
  }

  private static Instant newestSample(final Path file) throws IOException {
    Instant newest = Instant.MIN;
    try (RecordingFile events = new RecordingFile(file)) {
      while (events.hasMoreEvents()) {
        final RecordedEvent e = events.readEvent();
        if (isSample(e) && e.getStartTime().isAfter(newest)) {
          newest = e.getStartTime();
        }
      }
    }
    return newest;
  }

  /** The {@code n} largest entries of {@code counts} whose key starts with {@code prefix} (all with an empty prefix). */
  public static Map<String, Long> top(final Map<String, Long> counts, final String prefix, final int n) {
    final Map<String, Long> out = new LinkedHashMap<>();
    counts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).limit(n).forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  static String threadName(final RecordedEvent e) {
    final var t = e.getThread("sampledThread");
    final String name = t == null ? null : t.getJavaName();
    return name == null ? "?" : normalise(name);
  }

  static String normalise(final String threadName) {
    return NUMBERS.matcher(threadName).replaceAll("N");
  }

  private static String name(final RecordedMethod m) {
    return m.getType().getName() + "." + m.getName();
  }

  /** Most samples first, then by name, so that equal counts print in a stable order. */
  static Map<String, Long> sorted(final Map<String, Long> counts) {
    final Map<String, Long> out = new LinkedHashMap<>();
    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
