package org.fhirledger.server.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the nodes' CPU went during the measuring window, from their JDK Flight Recorder files
 * ({@code --profile}): each {@code jdk.ExecutionSample} is put in the category of the first frame, from the
 * leaf up, that belongs to a known part of the write path (a {@code HashMap.get} called by HAPI's parser
 * counts as parsing). Threads in native code (RocksDB's JNI, socket reads) are not execution samples, so
 * RocksDB's own work is under-counted here; PostgreSQL runs in its own processes and is measured from
 * /proc instead.
 *
 * @param samples execution samples inside the window, all nodes together
 * @param categories samples per part of the write path, most first
 * @param threads samples per thread group (request threads, the ledger event thread, p2p, …)
 * @param hotMethods samples per leaf method, the top 15
 * @param gcPauseMillis stop-the-world GC pauses inside the window, all nodes together
 */
public record JfrProfile(long samples, Map<String, Long> categories, Map<String, Long> threads, Map<String, Long> hotMethods,
    double gcPauseMillis) {

  /** A part of the write path and the class-name prefixes that belong to it. */
  record Category(String name, List<String> prefixes) {}

  static final List<Category> CATEGORIES = List.of(
      new Category("signatures (BouncyCastle Ed25519)", List.of("org.bouncycastle.")),
      new Category("hashing (SHA-256)", List.of("sun.security.provider.", "java.security.MessageDigest", "org.fhirledger.ledger.crypto.")),
      new Category("RocksDB (Java side of JNI)", List.of("org.rocksdb.", "org.fhirledger.ledger.store.")),
      new Category("PostgreSQL index (JDBC, pool, SQL)", List.of("org.postgresql.", "com.zaxxer.hikari.", "org.fhirledger.server.index.",
          "org.fhirledger.server.node.IndexingBlockListener")),
      new Category("FHIR parse/encode (HAPI model)", List.of("ca.uhn.fhir.parser.", "ca.uhn.fhir.context.", "org.hl7.fhir.", "ca.uhn.fhir.model.",
          "ca.uhn.fhir.util.")),
      new Category("HAPI REST server", List.of("ca.uhn.fhir.rest.", "ca.uhn.fhir.interceptor.")),
      new Category("JSON streaming (Jackson: terms, references)", List.of("com.fasterxml.jackson.")),
      new Category("HTTP (Tomcat, Spring)", List.of("org.apache.tomcat.", "org.apache.coyote.", "org.apache.catalina.", "org.springframework.",
          "jakarta.servlet.")),
      new Category("P2P transport (t-io)", List.of("org.tio.", "org.fhirledger.ledger.p2p.")),
      new Category("consensus (I-PBFT)", List.of("org.fhirledger.ledger.consensus.")),
      new Category("ledger encoding, chain, Merkle-DAG", List.of("org.fhirledger.ledger.codec.", "org.fhirledger.ledger.chain.",
          "org.fhirledger.ledger.dag.")),
      new Category("ledger node (mempool, block executor)", List.of("org.fhirledger.ledger.node.")),
      new Category("FHIR DAO and providers", List.of("org.fhirledger.server.")),
      new Category("logging", List.of("ch.qos.logback.", "org.slf4j.")),
      new Category("JDK networking (NIO, sockets)", List.of("sun.nio.", "java.net.", "sun.net.")));

  static final String OTHER = "other (JDK, JFR, unattributed)";
  private static final Pattern DIGITS = Pattern.compile("[-_]?[0-9a-f]{6,}|[-_]?\\d+");

  /** Reads the recordings, counting only samples whose time lies in [from, to]. */
  public static JfrProfile read(final List<Path> recordings, final Instant from, final Instant to) throws IOException {
    final Map<String, Long> categories = new HashMap<>();
    final Map<String, Long> threads = new HashMap<>();
    final Map<String, Long> methods = new HashMap<>();
    long samples = 0;
    double gc = 0;
    for (final Path file : recordings) {
      // streamed: a node's recording covers the whole run (start-up, warm-up, window), millions of events on a long one
      try (RecordingFile events = new RecordingFile(file)) {
        while (events.hasMoreEvents()) {
          final RecordedEvent e = events.readEvent();
          if (e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) {
            continue;
          }
          final String type = e.getEventType().getName();
          if ("jdk.GarbageCollection".equals(type)) {
            gc += e.getDuration().toNanos() / 1e6;
            continue;
          }
          if (!"jdk.ExecutionSample".equals(type) || e.getStackTrace() == null || e.getStackTrace().getFrames().isEmpty()) {
            continue;
          }
          samples++;
          final RecordedStackTrace st = e.getStackTrace();
          categories.merge(categorise(st), 1L, Long::sum);
          final RecordedFrame leaf = st.getFrames().get(0);
          methods.merge(leaf.getMethod().getType().getName() + "." + leaf.getMethod().getName(), 1L, Long::sum);
          final String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
          threads.merge(threadGroup(thread), 1L, Long::sum);
        }
      }
    }
    return new JfrProfile(samples, top(categories, 100), top(threads, 12), top(methods, 15), gc);
  }

  static String categorise(final RecordedStackTrace st) {
    for (final RecordedFrame f : st.getFrames()) {
      final String c = category(f.getMethod().getType().getName());
      if (c != null) {
        return c;
      }
    }
    return OTHER;
  }

  /** The category of one class, or null for classes that belong to no part (java.util and such). */
  static String category(final String className) {
    for (final Category c : CATEGORIES) {
      for (final String p : c.prefixes()) {
        if (className.startsWith(p)) {
          return c.name();
        }
      }
    }
    return null;
  }

  /** Thread names without their numbers and node ids: "http-nio-127.0.0.1-auto-1-exec-7" → "http-nio-...-exec". */
  static String threadGroup(final String name) {
    if (name == null) {
      return "?";
    }
    if (name.startsWith("http-nio-")) {
      return name.contains("exec") ? "HTTP request threads" : "HTTP acceptor/poller";
    }
    if (name.startsWith("ledger-")) {
      return "ledger event thread";
    }
    if (name.startsWith("p2p-") || name.startsWith("tio")) {
      return "p2p (t-io)";
    }
    return DIGITS.matcher(name).replaceAll("");
  }

  private static Map<String, Long> top(final Map<String, Long> counts, final int n) {
    return JfrSamples.top(JfrSamples.sorted(counts), "", n);
  }
}
