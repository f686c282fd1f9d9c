package org.fhirledger.server.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a run needs, as the {@code bench} command parsed it.
 *
 * @param targets running endpoints to drive; empty: start a network of {@code nodes}
 * @param duration measuring window (closed loop: upper bound when {@code count} is set; find-max: the hold)
 * @param count operations to measure (0: run for {@code duration})
 * @param bundlesFolder Synthea output for the bundle workload (null: the project's sample, if found)
 * @param setupResources Patients created before a read, update or search workload
 * @param nodeJvmOptions options of each node JVM; {@code {node}} and {@code {dir}} are replaced by the node's
 *     index and the work folder (e.g. a JFR file per node)
 * @param profile record each node with JDK Flight Recorder and report where the CPU went in the window
 * @param workDir where started networks keep their data (null: a new temporary folder)
 * @param warmupAuto keep the warm-up load on until the node JVMs' JIT compiler threads settle (their share of node
 *     CPU over the last {@code WARMUP_STEP} below {@code warmupJitShare}) or {@code warmupMax} passed, instead of
 *     for {@code warmup}
 * @param httpClient the closed-loop clients' HTTP library
 * @param baselineProcess the process behind {@code baselineUrl}, when the operator named it: its CPU, peak RSS and JIT
 *     are then measured as a node's are (null: only HTTP figures for the baseline)
 * @param searchKinds the searches of the search workload, each measured in its own window on the same network and
 *     data; any kind but {@code patients} loads the transaction Bundles of {@code bundlesFolder} once first
 */
public record BenchSettings(
    int nodes,
    List<URI> targets,
    boolean inProcess,
    int clients,
    Duration duration,
    long count,
    Duration warmup,
    boolean warmupAuto,
    Duration warmupMax,
    double warmupJitShare,
    LoadDriver.HttpLibrary httpClient,
    WorkloadMix mix,
    Path bundlesFolder,
    int binarySize,
    int setupResources,
    long seed,
    boolean findMax,
    RateController.Settings findMaxSettings,
    Duration stepDuration,
    int maxInFlight,
    boolean baselineSingleNode,
    URI baselineUrl,
    BaselineProcess baselineProcess,
    List<String> nodeJvmOptions,
    Path workDir,
    boolean keepData,
    Duration timeout,
    boolean returnMinimal,
    boolean profile,
    boolean progress,
    List<SearchKind> searchKinds) {

  public BenchSettings {
    targets = List.copyOf(targets);
    nodeJvmOptions = List.copyOf(nodeJvmOptions);
    searchKinds = List.copyOf(searchKinds);
    if (nodes < 1 || clients < 1) {
      throw new IllegalArgumentException("--nodes and --clients must be at least 1");
    }
    if (warmupAuto && (warmupJitShare <= 0 || warmupJitShare >= 1 || warmupMax.isNegative())) {
      throw new IllegalArgumentException("--warmup-jit-share must be a percentage above 0 and below 100, --warmup-max not negative");
    }
    if (count < 0) {
      throw new IllegalArgumentException("--count must not be negative");
    }
    if (baselineProcess != null && baselineUrl == null) {
      throw new IllegalArgumentException("--baseline-pid names the process of a --baseline server: give --baseline URL too");
    }
  }

  /**
   * A server the bench does not start but may read from /proc: its main process (a JVM: threads, JIT and RSS as
   * a node's) and, when it has one of its own, the PostgreSQL server whose data folder is {@code postgresDataDir}.
   */
  public record BaselineProcess(long pid, Path postgresDataDir) {}

  /** Whether the run posts Synthea Bundles: the bundle workload, or a search kind that needs their data. */
  public boolean needsBundles() {
    return mix.contains(WorkloadKind.BUNDLE) || needsSearchData();
  }

  /** Whether the search workload loads the transaction Bundles once before its windows (any kind but patients). */
  public boolean needsSearchData() {
    return isSearchOnly() && searchKinds.stream().anyMatch(SearchKind::needsData);
  }

  /** The search workload alone: each search kind is then measured in a window of its own. */
  public boolean isSearchOnly() {
    return mix.contains(WorkloadKind.SEARCH) && mix.toString().equals(WorkloadMix.single(WorkloadKind.SEARCH).toString());
  }
}
