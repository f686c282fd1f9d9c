package org.fhirledger.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.fhirledger.server.bench.BenchReport;
import org.fhirledger.server.bench.BenchRunner;
import org.fhirledger.server.bench.BenchSettings;
import org.fhirledger.server.bench.DurationConverter;
import org.fhirledger.server.bench.LoadDriver;
import org.fhirledger.server.bench.RateController;
import org.fhirledger.server.bench.ReportWriter;
import org.fhirledger.server.bench.SearchKind;
import org.fhirledger.server.bench.SizeConverter;
import org.fhirledger.server.bench.TargetEndpoints;
import org.fhirledger.server.bench.WorkloadKind;
import org.fhirledger.server.bench.WorkloadMix;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fhir-ledger bench}: load a network (its own or running endpoints) and report what it committed. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Drive a FHIR Ledger network with concurrent clients and report committed operations/s, resources/s, latency "
        + "percentiles, blocks/s, transactions/block, errors, and CPU and peak RSS per node.",
        "Starts its own network of --nodes processes on 127.0.0.1 (ephemeral ports, a temporary folder) unless --target is given."})
final class BenchCommand implements Callable<Integer> {
  /** What --warmup auto does where it cannot see the nodes' threads (--target, --in-process, not Linux). */
  private static final Duration AUTO_WARMUP_FALLBACK = Duration.ofSeconds(60);

  @Spec
  CommandSpec spec;

  @Option(names = "--nodes", defaultValue = "4", description = "nodes of the network to start (default ${DEFAULT-VALUE})")
  int nodes;

  @Option(names = "--target", description = "drive running endpoints instead: FHIR base URLs, comma separated")
  String target;

  @Option(names = "--in-process", description = "run the nodes inside this JVM (one shared PostgreSQL) instead of as processes")
  boolean inProcess;

  @Option(names = "--clients", defaultValue = "16", description = "concurrent clients, spread round-robin over the nodes (default ${DEFAULT-VALUE})")
  int clients;

  @Option(names = "--duration", converter = DurationConverter.class,
      description = "measuring window, e.g. 30s (default 30s; with --count an upper bound; with --find-max the hold)")
  Duration duration;

  @Option(names = "--count", defaultValue = "0", description = "operations to measure instead of a duration")
  long count;

  // auto by default: a fixed minute was not enough (4 nodes on 2 cores still spent 32 % of their CPU in the JIT
  // compiler threads after 60 s, 13 % after 240 s), and figures taken while the compiler runs overstate CPU per operation.
  @Option(names = "--warmup", defaultValue = "auto",
      description = "unmeasured load first: a duration (60s; 0 for none) or auto: until the nodes' JIT compiler threads take less than"
          + " --warmup-jit-share of their CPU over 10 s, at most --warmup-max (default ${DEFAULT-VALUE}; without the nodes' threads in /proc: 60s)")
  String warmup;

  @Option(names = "--warmup-max", defaultValue = "300s", converter = DurationConverter.class,
      description = "--warmup auto: stop warming up after this long even if the JIT is still busy (default ${DEFAULT-VALUE})")
  Duration warmupMax;

  @Option(names = "--warmup-jit-share", defaultValue = "5",
      description = "--warmup auto: percent of node CPU (JVMs and PostgreSQL) in the JIT compiler threads below which the JIT counts as settled"
          + " (default ${DEFAULT-VALUE})")
  double warmupJitShare;

  @Option(names = "--http-client", defaultValue = "apache",
      description = "closed-loop clients' HTTP library: apache (HttpClient 5 classic, pooled keep-alive) or jdk (java.net.http) (default ${DEFAULT-VALUE})")
  String httpClient;

  @Option(names = "--workload", defaultValue = "create", description = "create, update, read, search, bundle, binary or mix (default ${DEFAULT-VALUE})")
  String workload;

  @Option(names = "--mix", defaultValue = "create=6,read=3,update=1", description = "weights of --workload mix (default ${DEFAULT-VALUE})")
  String mix;

  @Option(names = "--search-kinds", defaultValue = "patients",
      description = "searches of --workload search, each measured in turn: patients, token, reference, date, chained, include, total or all;"
          + " all but patients first load the transaction Bundles of --bundles once (default ${DEFAULT-VALUE})")
  String searchKinds;

  @Option(names = "--bundles", description = "folder of Synthea output for the bundle workload (default: fhir-server/src/test/resources/synthea)")
  Path bundles;

  @Option(names = "--binary-size", defaultValue = "1MiB", converter = SizeConverter.class, description = "bytes per Binary (default ${DEFAULT-VALUE})")
  int binarySize;

  @Option(names = "--setup-resources", defaultValue = "1000", description = "Patients created before read/update/search (default ${DEFAULT-VALUE})")
  int setupResources;

  @Option(names = "--seed", defaultValue = "42", description = "seed of the clients' random choices (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--find-max", description = "paper's method: raise an open-loop rate until the network falls behind, then hold the best")
  boolean findMax;

  @Option(names = "--start-rate", defaultValue = "200", description = "find-max: first offered rate per second (default ${DEFAULT-VALUE})")
  double startRate;

  @Option(names = "--step-factor", defaultValue = "1.25", description = "find-max: rate multiplier per step (default ${DEFAULT-VALUE})")
  double stepFactor;

  @Option(names = "--step-duration", defaultValue = "5s", converter = DurationConverter.class, description = "find-max: length of a step (default ${DEFAULT-VALUE})")
  Duration stepDuration;

  @Option(names = "--max-p99", defaultValue = "1000ms", converter = DurationConverter.class,
      description = "find-max: a step whose p99 exceeds this is not sustainable (default ${DEFAULT-VALUE})")
  Duration maxP99;

  @Option(names = "--max-rate", defaultValue = "100000", description = "find-max: never offer more than this per second (default ${DEFAULT-VALUE})")
  double maxRate;

  @Option(names = "--max-in-flight", defaultValue = "4096", description = "open loop: most requests outstanding (default ${DEFAULT-VALUE})")
  int maxInFlight;

  @Option(names = "--baseline-single-node", description = "also run the same load on a 1-node network (a validator set of one)")
  boolean baselineSingleNode;

  @Option(names = "--baseline", description = "also run the same load against this FHIR base URL (e.g. a HAPI FHIR JPA server)")
  URI baseline;

  @Option(names = "--baseline-pid", description = "with --baseline: the pid of that server's process (its JVM), read from /proc as a node's:"
      + " CPU, peak RSS, CPU by thread group, and --warmup auto")
  Long baselinePid;

  @Option(names = "--baseline-postgres-dir", description = "with --baseline-pid: the data folder of the PostgreSQL server the baseline uses"
      + " (found by -D on its command line), measured with it")
  Path baselinePostgresDir;

  @Option(names = "--json", description = "write the report as JSON to this file")
  Path json;

  @Option(names = "--html", description = "write a self-contained HTML chart of throughput and p99 per second to this file")
  Path html;

  @Option(names = "--node-jvm-opts", defaultValue = "-Xms256m -Xmx1g",
      description = "options of each node JVM, space separated; {node} and {dir} are replaced (default ${DEFAULT-VALUE})")
  String nodeJvmOpts;

  @Option(names = "--work-dir", description = "folder for the started networks' data and node logs (kept); default a temporary folder, deleted")
  Path workDir;

  @Option(names = "--keep-data", description = "keep the temporary folder (data and node logs) after the run")
  boolean keepData;

  @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class, description = "per-request timeout (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(names = "--return-minimal", description = "send Prefer: return=minimal on writes (the server skips encoding the answer)")
  boolean returnMinimal;

  @Option(names = "--profile", description = "record each node with JDK Flight Recorder and report where its CPU went in the window")
  boolean profile;

  @Option(names = "--quiet", description = "no progress line on stderr")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    final BenchSettings settings;
    final BenchRunner runner;
    try {
      settings = settings();
      runner = new BenchRunner(settings, new ObjectMapper(), System.err);
      runner.loadInputs();
    } catch (final IllegalArgumentException e) {
      // bad input is answered before any node starts, as picocli answers a bad option
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    final List<BenchReport> reports = runner.run();
    final ReportWriter writer = new ReportWriter(new ObjectMapper());
    final BenchReport main = reports.get(0);
    final List<BenchReport> baselines = reports.subList(1, reports.size());
    if (main.label().contains(":")) {
      // one window per search kind: a table each, then the kinds side by side
      reports.forEach(r -> writer.printTable(System.out, r, List.of()));
      System.out.printf("%n  %-28s %10s %10s %10s %12s %8s%n", "search kind", "req/s", "p50 ms", "p99 ms", "entries/req", "errors");
      for (final BenchReport r : reports) {
        System.out.printf(java.util.Locale.ROOT, "  %-28s %10.1f %10.1f %10.1f %12.1f %8d%n", r.label(), r.committedPerSecond(), r.latencyMs().p50(),
            r.latencyMs().p99(), r.committedPerSecond() == 0 ? 0 : r.resourcesPerSecond() / r.committedPerSecond(), r.errors());
      }
    } else {
      writer.printTable(System.out, main, baselines);
    }
    final String command = commandLine();
    if (json != null) {
      writer.writeJson(json, main, baselines, command);
    }
    if (html != null) {
      Files.writeString(html, ReportWriter.html(main, baselines));
    }
    return 0;
  }

  /** The settings the options give; an {@link IllegalArgumentException} says which option is wrong. */
  private BenchSettings settings() {
    final boolean auto = "auto".equalsIgnoreCase(warmup.trim());
    final WorkloadMix workloadMix = "mix".equalsIgnoreCase(workload.trim()) ? WorkloadMix.parse(mix) : WorkloadMix.single(WorkloadKind.parse(workload));
    if (baselinePostgresDir != null && baselinePid == null) {
      throw new IllegalArgumentException("--baseline-postgres-dir is measured with the process of --baseline-pid: give that too");
    }
    if (baselinePid != null && !ProcessHandle.of(baselinePid).map(ProcessHandle::isAlive).orElse(false)) {
      throw new IllegalArgumentException("--baseline-pid " + baselinePid + ": no such process");
    }
    return new BenchSettings(nodes, target == null ? List.of() : TargetEndpoints.parse(target).fhirBases(), inProcess, clients,
        duration, count, auto ? AUTO_WARMUP_FALLBACK : DurationConverter.parse(warmup), auto, warmupMax, warmupJitShare / 100,
        LoadDriver.HttpLibrary.parse(httpClient), workloadMix, bundles, binarySize, setupResources, seed, findMax,
        new RateController.Settings(startRate, stepFactor, 0.95, maxP99.toMillis(), maxRate), stepDuration, maxInFlight, baselineSingleNode, baseline,
        baselinePid == null ? null : new BenchSettings.BaselineProcess(baselinePid, baselinePostgresDir),
        Arrays.stream(nodeJvmOpts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList(), workDir, keepData, timeout, returnMinimal, profile, !quiet,
        SearchKind.parseList(searchKinds));
  }

  /**
   * The command as typed, for the report. picocli gives a subcommand the whole original argument list, its own name
   * included when it ran under {@code fhir-ledger}; the report once read "fhir-ledger bench bench ...".
   */
  private String commandLine() {
    final List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
    if (!args.isEmpty() && args.get(0).equals(spec.name())) {
      args.remove(0);
    }
    return "fhir-ledger " + spec.name() + (args.isEmpty() ? "" : " " + String.join(" ", args));
  }
}
