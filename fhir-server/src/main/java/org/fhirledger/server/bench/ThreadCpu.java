package org.fhirledger.server.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CPU time of each thread of a Linux process, from {@code /proc/<pid>/task/<tid>/stat}, grouped by what the
 * thread does. Unlike JFR execution samples (Java frames of Java threads only), this counts every thread the
 * kernel ran: the JIT compilers, GC workers, and time spent in native code (RocksDB) or in the kernel.
 */
public final class ThreadCpu {
  /** What a node JVM's thread does, told from its name (the kernel keeps the first 15 characters). */
  public enum Group {
    JIT("JIT compiler"),
    GC("GC and VM thread"),
    HTTP("HTTP requests (http-nio-*)"),
    LEDGER("ledger event thread (ledger-*)"),
    INDEXER("indexer (indexer-*)"),
    P2P("p2p / t-io (p2p-*, dht-*, Tio*)"),
    ROCKSDB("RocksDB background (rocksdb:*)"),
    TIMERS("timers"),
    OTHER_JVM("other JVM threads");

    private final String label;

    Group(final String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** One thread's counters at one moment. */
  public record ThreadSample(long tid, String name, long cpuMillis) {}

  private ThreadCpu() {}

  /**
   * Which group a thread belongs to. The names are HotSpot's ("C2 CompilerThread0", "G1 Conc#0", "VM Thread")
   * and ours (LedgerNode, IndexingBlockListener, TioPeerTransport, DhtNode), cut to 15 characters by the kernel:
   * "ledger-hospital", "ledger-timers-h", "p2p-1df497a1bc8", "http-nio-127.0.".
   */
  public static Group groupOf(final String name) {
    if (name.contains("CompilerThre") || name.startsWith("JVMCI") || name.startsWith("Sweeper thread")) {
      return Group.JIT;
    }
    if (name.startsWith("GC ") || name.startsWith("G1 ") || name.startsWith("VM Thread") || name.startsWith("ZGC") || name.startsWith("Shenandoah")) {
      // with the serial collector the collection itself runs on the VM thread
      return Group.GC;
    }
    if (name.startsWith("http-nio-")) {
      return Group.HTTP;
    }
    if (name.startsWith("p2p-") || name.startsWith("dht-") || name.startsWith("chunk-verify-") || name.startsWith("Tio")) {
      // t-io's own threads (TioSystemTimer) too: all of it is the transport's cost
      return Group.P2P;
    }
    if (name.startsWith("rocksdb:")) {
      return Group.ROCKSDB;
    }
    if (name.startsWith("ledger-timers") || name.toLowerCase(java.util.Locale.ROOT).contains("timer") || name.startsWith("scheduling-")) {
      return Group.TIMERS;
    }
    if (name.startsWith("ledger-")) {
      return Group.LEDGER;
    }
    if (name.startsWith("indexer-")) {
      return Group.INDEXER;
    }
    return Group.OTHER_JVM;
  }

  /**
   * One {@code /proc/<pid>/task/<tid>/stat} line: tid, name (field 2, between the first '(' and the last ')', so
   * that a name holding spaces or parentheses survives) and utime + stime in milliseconds.
   */
  static ThreadSample parseTaskStat(final String stat) {
    final int open = stat.indexOf('(');
    final int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new IllegalArgumentException("not a /proc/<pid>/task/<tid>/stat line");
    }
    final long tid = Long.parseLong(stat.substring(0, open).trim());
    return new ThreadSample(tid, stat.substring(open + 1, close), ProcStats.parseCpuMillis(stat, false));
  }

  /** The threads of a process by tid; empty when /proc is not there (not Linux) or the process is gone. */
  public static Optional<Map<Long, ThreadSample>> read(final long pid) {
    final Path tasks = Path.of("/proc", Long.toString(pid), "task");
    if (!Files.isDirectory(tasks)) {
      return Optional.empty();
    }
    final Map<Long, ThreadSample> out = new HashMap<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tasks)) {
      for (final Path t : dirs) {
        try {
          final ThreadSample s = parseTaskStat(Files.readString(t.resolve("stat")));
          out.put(s.tid(), s);
        } catch (final IOException | RuntimeException e) {
          // the thread ended between listing and reading: its time shows in the process's residual
        }
      }
    } catch (final IOException e) {
      return Optional.empty();
    }
    return Optional.of(out);
  }

  /**
   * CPU milliseconds per group between two samples of one process. A thread started in between counts from
   * zero; a thread that ended in between is not in {@code after}, so its time is lost here: give the process's
   * own CPU delta as {@code processCpuMillis} and what the threads do not explain goes to {@link Group#OTHER_JVM}.
   */
  public static Map<Group, Long> byGroup(final Map<Long, ThreadSample> before, final Map<Long, ThreadSample> after, final long processCpuMillis) {
    final Map<Group, Long> out = new EnumMap<>(Group.class);
    for (final Group g : Group.values()) {
      out.put(g, 0L);
    }
    long sum = 0;
    for (final ThreadSample b : after.values()) {
      final ThreadSample a = before.get(b.tid());
      // a tid reused by a new thread with another name starts from zero too
      final long delta = a != null && a.name().equals(b.name()) ? Math.max(0, b.cpuMillis() - a.cpuMillis()) : b.cpuMillis();
      out.merge(groupOf(b.name()), delta, Long::sum);
      sum += delta;
    }
    if (processCpuMillis > sum) {
      out.merge(Group.OTHER_JVM, processCpuMillis - sum, Long::sum);
    }
    return out;
  }
}
