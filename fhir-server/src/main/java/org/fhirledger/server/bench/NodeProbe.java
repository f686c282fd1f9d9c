package org.fhirledger.server.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Where a node's CPU and memory figures come from. For a node process: its JVM, and its embedded PostgreSQL
 * (which pg_ctl daemonises, so it is found by its data folder on its command line, with its backends as
 * its descendants). For nodes inside the bench's own JVM: that JVM, clients included.
 *
 * @param postgresDataDir the node's PostgreSQL data folder, or null when not measured
 */
public record NodeProbe(String name, long pid, Path postgresDataDir) {
  /** A snapshot of the counters; CPU deltas between two snapshots give a phase's CPU. */
  public record Sample(OptionalLong jvmCpuMillis, OptionalLong jvmSystemCpuMillis, OptionalLong postgresCpuMillis, OptionalLong peakRssKib,
      Optional<Map<Long, ThreadCpu.ThreadSample>> threads) {}

  public Sample sample() {
    // threads first, then the process: the process's delta then covers every thread's (the residual is never negative by skew)
    final Optional<Map<Long, ThreadCpu.ThreadSample>> threads = ThreadCpu.read(pid);
    return new Sample(ProcStats.cpuMillis(pid), ProcStats.systemCpuMillis(pid), postgresCpuMillis(), ProcStats.peakRssKib(pid), threads);
  }

  private OptionalLong postgresCpuMillis() {
    if (postgresDataDir == null) {
      return OptionalLong.empty();
    }
    final OptionalLong postmaster = postmasterPid();
    if (postmaster.isEmpty()) {
      return OptionalLong.empty();
    }
    final long own = ProcStats.cpuMillisWithReapedChildren(postmaster.getAsLong()).orElse(0);
    final long backends = ProcessHandle.of(postmaster.getAsLong())
        .map(h -> h.descendants().mapToLong(d -> ProcStats.cpuMillisWithReapedChildren(d.pid()).orElse(0)).sum())
        .orElse(0L);
    return OptionalLong.of(own + backends);
  }

  /** The postgres process started with {@code -D <postgresDataDir>}. */
  private OptionalLong postmasterPid() {
    final String dir = postgresDataDir.toString();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> {
            try {
              final String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
              return cmd.contains("postgres") && cmd.contains(" -D " + dir);
            } catch (final IOException | RuntimeException e) {
              return false;
            }
          })
          .mapToLong(p -> Long.parseLong(p.getFileName().toString()))
          .min();
    } catch (final IOException e) {
      return OptionalLong.empty();
    }
  }
}
