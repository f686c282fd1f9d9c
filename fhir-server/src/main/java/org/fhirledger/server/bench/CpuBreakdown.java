package org.fhirledger.server.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where all the CPU of a measuring window went: the node JVMs' threads by group (summed over the nodes), the
 * nodes' PostgreSQL, and the bench client. Each share is of the sum of all rows.
 */
public final class CpuBreakdown {
  /** The row of the nodes' PostgreSQL processes. */
  public static final String POSTGRES = "PostgreSQL (all backends)";
  /** The row of this JVM, which drives the load. */
  public static final String CLIENT = "bench client (this JVM)";

  /** One row: CPU seconds in the window, its share of all rows, and per committed operation (null without any). */
  public record Row(String group, double cpuSeconds, double shareOfTotal, Double msPerOperation) {}

  private CpuBreakdown() {}

  /**
   * The rows for node probes sampled at both ends of a window; empty when any node's threads could not be read
   * (not Linux, or the nodes run inside this JVM, where the client's threads would be counted twice).
   */
  public static List<Row> of(final List<NodeProbe> probes, final List<NodeProbe.Sample> before, final List<NodeProbe.Sample> after,
      final long clientCpuMillis, final long committed) {
    if (probes.isEmpty() || before.size() != probes.size() || after.size() != probes.size()) {
      return List.of();
    }
    final Map<ThreadCpu.Group, Long> groups = new EnumMap<>(ThreadCpu.Group.class);
    long postgres = 0;
    for (int i = 0; i < probes.size(); i++) {
      final NodeProbe.Sample a = before.get(i);
      final NodeProbe.Sample b = after.get(i);
      if (probes.get(i).pid() == ProcessHandle.current().pid() || a.threads().isEmpty() || b.threads().isEmpty()) {
        return List.of();
      }
      final long process = a.jvmCpuMillis().isPresent() && b.jvmCpuMillis().isPresent() ? b.jvmCpuMillis().getAsLong() - a.jvmCpuMillis().getAsLong() : 0;
      ThreadCpu.byGroup(a.threads().get(), b.threads().get(), process).forEach((g, ms) -> groups.merge(g, ms, Long::sum));
      if (a.postgresCpuMillis().isPresent() && b.postgresCpuMillis().isPresent()) {
        postgres += Math.max(0, b.postgresCpuMillis().getAsLong() - a.postgresCpuMillis().getAsLong());
      }
    }
    final List<String> names = new ArrayList<>();
    final List<Long> millis = new ArrayList<>();
    groups.forEach((g, ms) -> {
      names.add(g.label());
      millis.add(ms);
    });
    names.add(POSTGRES);
    millis.add(postgres);
    names.add(CLIENT);
    millis.add(Math.max(0, clientCpuMillis));
    final long total = millis.stream().mapToLong(Long::longValue).sum();
    final List<Row> rows = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      final long ms = millis.get(i);
      rows.add(new Row(names.get(i), ms / 1000.0, total == 0 ? 0 : (double) ms / total, committed == 0 ? null : (double) ms / committed));
    }
    return List.copyOf(rows);
  }

  /** The JIT compiler threads' share of the nodes' CPU (JVMs and PostgreSQL, client excluded), or -1 if not measured. */
  public static double compilerShareOfNodes(final List<Row> rows) {
    double nodes = 0;
    double jit = 0;
    for (final Row r : rows) {
      if (!r.group().equals(CLIENT)) {
        nodes += r.cpuSeconds();
      }
      if (r.group().equals(ThreadCpu.Group.JIT.label())) {
        jit = r.cpuSeconds();
      }
    }
    return rows.isEmpty() || nodes == 0 ? -1 : jit / nodes;
  }
}
