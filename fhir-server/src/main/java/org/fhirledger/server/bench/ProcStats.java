package org.fhirledger.server.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * CPU time and peak resident memory of a Linux process, from {@code /proc/<pid>/stat} and
 * {@code /proc/<pid>/status}. Elsewhere (no /proc) every figure is empty and the report says n/a.
 */
public final class ProcStats {
  /** Linux reports utime/stime in USER_HZ ticks, which is 100 on every architecture the JDK runs on. */
  static final long TICKS_PER_SECOND = 100;

  private ProcStats() {}

  /** User + system CPU milliseconds of the process itself, if readable. */
  public static OptionalLong cpuMillis(final long pid) {
    return read(pid, false);
  }

  /** System (kernel) CPU milliseconds of the process itself: syscalls such as fsync and socket I/O. */
  public static OptionalLong systemCpuMillis(final long pid) {
    try {
      return OptionalLong.of(parseSystemCpuMillis(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
    } catch (final IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  static long parseSystemCpuMillis(final String stat) {
    final String[] f = stat.substring(stat.lastIndexOf(')') + 1).trim().split("\\s+");
    return Long.parseLong(f[12]) * 1000 / TICKS_PER_SECOND;
  }

  /**
   * User + system CPU milliseconds of the process and of its children that have exited and been waited for
   * (e.g. PostgreSQL backends reaped by their postmaster), if readable.
   */
  public static OptionalLong cpuMillisWithReapedChildren(final long pid) {
    return read(pid, true);
  }

  private static OptionalLong read(final long pid, final boolean reaped) {
    try {
      return OptionalLong.of(parseCpuMillis(Files.readString(Path.of("/proc", Long.toString(pid), "stat")), reaped));
    } catch (final IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** Peak resident set size (VmHWM) in KiB, if readable. */
  public static OptionalLong peakRssKib(final long pid) {
    try {
      return parseVmHwmKib(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
    } catch (final IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * utime + stime of a {@code /proc/<pid>/stat} line in milliseconds. The command name (field 2) may hold
   * spaces and parentheses, so fields are counted from the last ')'.
   */
  static long parseCpuMillis(final String stat, final boolean withReapedChildren) {
    final int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line");
    }
    final String[] f = stat.substring(close + 1).trim().split("\\s+");
    // f[0] is field 3 (state); utime is field 14, stime 15, cutime 16, cstime 17.
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    if (withReapedChildren) {
      ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
    return ticks * 1000 / TICKS_PER_SECOND;
  }

  static OptionalLong parseVmHwmKib(final String status) {
    for (final String line : status.split("\n")) {
      if (line.startsWith("VmHWM:")) {
        final String[] parts = line.substring(6).trim().split("\\s+");
        return OptionalLong.of(Long.parseLong(parts[0]));
      }
    }
    return OptionalLong.empty();
  }
}
