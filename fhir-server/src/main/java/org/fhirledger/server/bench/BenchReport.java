package org.fhirledger.server.bench;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one measured run against one network. {@code committedPerSecond} counts operations
 * answered 2xx (a write is answered only when its block is final and applied), reads and searches included.
 *
 * @param label "main", "single-node" or "baseline"
 * @param target what was driven: "4 nodes (processes)", a URL, …
 * @param durationSeconds the measuring window (warm-up and setup excluded)
 * @param resourcesPerSecond resources carried by the committed operations (a Bundle counts its entries, a
 *     search the entries it returned)
 * @param nodeCpuMillisPerOperation CPU of all nodes (JVMs and their PostgreSQL) over the window per committed
 *     operation: unlike a rate, it hardly depends on what else the machine runs, so it tells what the same
 *     network could do on idle cores (cores / this). Null when CPU was not measured.
 * @param findMax the steps of --find-max, or null when the rate was not searched
 * @param profile where the nodes' CPU went in the window (--profile), or null
 * @param cpuByThreadGroup all CPU of the window by where it ran: the node JVMs' thread groups (JIT compiler, GC,
 *     HTTP, ledger, indexer, p2p, timers, other), the nodes' PostgreSQL and the bench client, each with its share
 *     of the total and ms per committed operation; empty when not measured (not Linux, in-process, --target)
 * @param warmup how long the unmeasured load before the window ran and what ended it
 */
public record BenchReport(
    String label,
    String target,
    String mode,
    String workload,
    int nodes,
    int clients,
    double durationSeconds,
    long committed,
    double committedPerSecond,
    double resourcesPerSecond,
    LatencySummary latencyMs,
    BlockFigures blocks,
    long errors,
    Map<String, Long> errorsByKind,
    List<NodeUsage> nodeUsage,
    String usageNote,
    double clientCpuSeconds,
    Double nodeCpuMillisPerOperation,
    List<PhaseMetrics.Second> timeline,
    FindMax findMax,
    JfrProfile profile,
    List<CpuBreakdown.Row> cpuByThreadGroup,
    Warmup warmup) {

  public BenchReport {
    cpuByThreadGroup = cpuByThreadGroup == null ? List.of() : List.copyOf(cpuByThreadGroup);
  }

  /**
   * The warm-up before the window: {@code policy} "60 s" or "auto", its length, and what ended it (the time
   * was up; the JIT compiler threads' share of node CPU fell below the threshold; the maximum was reached).
   */
  public record Warmup(String policy, double seconds, String endedBy) {
    public static final Warmup NONE = new Warmup("none", 0, "no warm-up");
  }

  /**
   * CPU over the measuring window and peak RSS of one node (or of the JVM hosting the nodes).
   * {@code systemCpuSeconds} is the kernel's part of {@code cpuSeconds} (fsync, sockets).
   */
  public record NodeUsage(String name, long pid, Double cpuSeconds, Double systemCpuSeconds, Double cpuCores, Double postgresCpuSeconds,
      Double peakRssMiB) {}

  /** The search for the best sustainable rate, and the rate held for the measuring window. */
  public record FindMax(List<Step> steps, double sustainableRate, String stopReason) {}

  /** One step of the search. */
  public record Step(double offeredRate, double committedRate, double p99Ms, long errors, int inFlightAtEnd, boolean sustainable, String verdict) {}
}
