package org.fhirledger.server.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;

/**
 * Runs a whole bench: the main run, then the baselines, each on its own network (started, driven, stopped,
 * its chain read) so that ratios come from the same machine minutes apart.
 */
public final class BenchRunner {
  /**
   * Per node started: the nodes start at once, but on a small shared machine each node's JVM and PostgreSQL take
   * their share of the cores (4 nodes took 220 s at load average 25), so 10 nodes need longer than 4.
   */
  private static final Duration START_TIMEOUT_PER_NODE = Duration.ofMinutes(1);
  private static final Duration START_TIMEOUT_MIN = Duration.ofMinutes(4);
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
  /** Without --count or --duration nothing would stop a closed loop; with --count this still bounds it. */
  private static final Duration COUNT_SAFETY_LIMIT = Duration.ofMinutes(30);
  /** --warmup auto looks at the compiler threads' share after each step of this much load. */
  static final Duration WARMUP_STEP = Duration.ofSeconds(10);

  private final BenchSettings settings;
  private final ObjectMapper mapper;
  private final HttpClient http;
  private final StatusClient status;
  private final PrintStream err;
  /** Where started networks keep their data: made when the run starts, not before its inputs are known to be good. */
  private Path workDir;
  private volatile long lastHeight = -1;
  private volatile URI heightBase;
  /** The Synthea Bundles of the run, read before any network starts (null until then, or when none are needed). */
  private SyntheaBundles bundles;

  public BenchRunner(final BenchSettings settings, final ObjectMapper mapper, final PrintStream err) {
    this.settings = settings;
    this.mapper = mapper;
    this.err = err;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    this.status = new StatusClient(http, mapper);
  }

  /**
   * Reads what the run needs from disk (the Synthea Bundles) before any network starts, so that a missing folder is
   * an answer in a second rather than after the nodes' start-up; {@link #run()} calls it if the caller did not.
   *
   * @throws IllegalArgumentException no Bundles where the settings say, or in the project's sample folder
   */
  public void loadInputs() throws IOException {
    if (bundles != null || !settings.needsBundles()) {
      return;
    }
    final Path folder = settings.bundlesFolder() != null ? settings.bundlesFolder() : SyntheaBundles.defaultFolder()
        .orElseThrow(() -> new IllegalArgumentException("no Synthea Bundles found in " + SyntheaBundles.DEFAULT_FOLDERS
            + " (relative to " + Path.of("").toAbsolutePath() + "): give --bundles DIR"));
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException("--bundles " + folder + " is not a folder");
    }
    bundles = SyntheaBundles.load(folder, mapper);
  }

  /** The main report first, then one per baseline; a search workload gives one report per search kind of each. */
  public List<BenchReport> run() throws IOException, InterruptedException {
    loadInputs();
    workDir = settings.workDir() != null ? Files.createDirectories(settings.workDir()) : Files.createTempDirectory("fhir-ledger-bench-");
    final List<BenchReport> reports = new ArrayList<>();
    try {
      if (settings.targets().isEmpty()) {
        reports.addAll(measure("main", startNetwork("main", settings.nodes()), true));
      } else {
        reports.addAll(measure("main", new TargetEndpoints(settings.targets()), false));
      }
      if (settings.baselineSingleNode()) {
        reports.addAll(measure("single-node", startNetwork("single-node", 1), true));
      }
      if (settings.baselineUrl() != null) {
        final BenchSettings.BaselineProcess process = settings.baselineProcess();
        reports.addAll(measure("baseline", new TargetEndpoints(List.of(settings.baselineUrl()), process == null ? List.of()
            : List.of(new NodeProbe("baseline server", process.pid(), process.postgresDataDir()))), false));
      }
    } finally {
      if (!settings.keepData() && settings.workDir() == null) {
        deleteRecursively(workDir);
      } else {
        err.println("bench: data and node logs kept in " + workDir);
      }
    }
    return reports;
  }

  private BenchNetwork startNetwork(final String label, final int nodes) throws IOException, InterruptedException {
    final Path dir = Files.createDirectories(workDir.resolve(label));
    final long t0 = System.nanoTime();
    final BenchNetwork net;
    if (settings.inProcess()) {
      net = InProcessNetwork.start(dir, nodes);
    } else {
      final List<String> jvm = new ArrayList<>(settings.nodeJvmOptions());
      if (settings.profile()) {
        jvm.add("-XX:StartFlightRecording=filename=" + dir.resolve("node-{node}.jfr") + ",settings=profile,dumponexit=true");
      }
      final Duration perNodes = START_TIMEOUT_PER_NODE.multipliedBy(nodes);
      net = ProcessNetwork.start(dir, nodes, jvm, perNodes.compareTo(START_TIMEOUT_MIN) > 0 ? perNodes : START_TIMEOUT_MIN);
    }
    err.printf(Locale.ROOT, "bench: %s network of %d node(s) (%s) up in %.1f s: %s%n", label, nodes, net.mode(), (System.nanoTime() - t0) / 1e9,
        net.fhirBases());
    return net;
  }

  /** What one measuring window recorded, before it becomes a report. */
  private record Window(String label, LoadDriver.PhaseResult phase, BenchReport.FindMax findMax, List<NodeProbe.Sample> before,
      List<NodeProbe.Sample> after, OptionalLong heightBefore, OptionalLong heightAfter, long clientCpuMillis, BenchReport.Warmup warmup) {}

  /**
   * One measuring window, or for a search workload one per search kind (each after its share of the warm-up),
   * all on the same network and data.
   */
  private List<BenchReport> measure(final String label, final BenchNetwork net, final boolean owned) throws IOException, InterruptedException {
    final String target = net.mode().equals("target") ? String.join(",", net.fhirBases().stream().map(URI::toString).toList())
        : net.fhirBases().size() + " node(s) (" + net.mode() + ")";
    final List<NodeProbe> probes = net.probes();
    final boolean perSearchKind = isSearchOnly();
    final List<SearchKind> kinds = perSearchKind ? settings.searchKinds() : java.util.Collections.singletonList(null);
    final List<Window> windows = new ArrayList<>();
    lastHeight = -1;
    heightBase = net.fhirBases().get(0);
    try {
      status.awaitReady(net.fhirBases(), net.validators(), READY_TIMEOUT);
      final Workloads workloads = prepare(net);
      try (LoadDriver driver = new LoadDriver(http, settings.httpClient(), settings.clients(), workloads, settings.mix(), settings.seed(),
          settings.progress() ? this::progress : null, settings.timeout())) {
        for (final SearchKind kind : kinds) {
          final String windowLabel = kind == null ? label : label + ":" + kind.label();
          if (kind != null) {
            workloads.searchKind(kind);
          }
          final BenchReport.Warmup warmup = warmUp(windowLabel, probes, driver, kinds.size());
          windows.add(window(windowLabel, net, probes, driver, warmup));
        }
      }
      if (settings.progress()) {
        err.println();
      }
    } finally {
      if (owned) {
        net.close();
      }
    }
    final List<BenchReport> reports = new ArrayList<>();
    for (final Window w : windows) {
      final PhaseMetrics m = w.phase().metrics();
      final BlockFigures blocks = perSearchKind ? BlockFigures.NONE : blockFigures(net, owned, w.phase(), w.heightBefore(), w.heightAfter());
      final double seconds = w.phase().seconds();
      final List<BenchReport.NodeUsage> usage = usage(probes, w.before(), w.after(), seconds);
      final String workload = perSearchKind ? "search " + settings.searchKinds().get(windows.indexOf(w)).label() : settings.mix().toString();
      reports.add(new BenchReport(w.label(), target, net.mode(), workload, net.fhirBases().size(), settings.findMax() ? 0 : settings.clients(),
          seconds, m.committed(), w.phase().committedPerSecond(), w.phase().resourcesPerSecond(), m.latency(), blocks,
          m.errors(), m.errorsByKind(), usage, net.usageNote(), w.clientCpuMillis() / 1000.0, cpuPerOperation(usage, m.committed()),
          m.timeline(), w.findMax(), windows.size() == 1 ? profile(net, owned, w.phase()) : null,
          CpuBreakdown.of(probes, w.before(), w.after(), w.clientCpuMillis(), m.committed()), w.warmup()));
    }
    return reports;
  }

  /** The search workload with its kinds measured one by one. */
  private boolean isSearchOnly() {
    return settings.isSearchOnly();
  }

  private Window window(final String label, final BenchNetwork net, final List<NodeProbe> probes, final LoadDriver driver,
      final BenchReport.Warmup warmup) throws InterruptedException {
    // find-max: search first; only the hold at the best rate is the measuring window
    final BenchReport.FindMax findMax = settings.findMax() ? searchRate(label, driver) : null;
    final List<NodeProbe.Sample> before = new ArrayList<>();
    final List<NodeProbe.Sample> after = new ArrayList<>();
    probes.forEach(p -> before.add(p.sample()));
    final long clientCpuBefore = ProcStats.cpuMillis(ProcessHandle.current().pid()).orElse(0);
    final OptionalLong heightBefore = status.height(net.fhirBases().get(0));
    final LoadDriver.PhaseResult phase;
    if (findMax != null) {
      final Duration window = settings.duration() != null ? settings.duration() : Duration.ofSeconds(30);
      phase = driver.openLoop(String.format(Locale.ROOT, "%s hold %.0f/s", label, findMax.sustainableRate()), findMax.sustainableRate(), window,
          settings.maxInFlight());
    } else {
      final Duration limit = settings.duration() != null ? settings.duration() : settings.count() > 0 ? COUNT_SAFETY_LIMIT : Duration.ofSeconds(30);
      phase = driver.closedLoop(label, settings.clients(), settings.count(), limit);
    }
    final OptionalLong heightAfter = status.height(net.fhirBases().get(0));
    final long clientCpuAfter = ProcStats.cpuMillis(ProcessHandle.current().pid()).orElse(0);
    probes.forEach(p -> after.add(p.sample()));
    return new Window(label, phase, findMax, before, after, heightBefore, heightAfter, clientCpuAfter - clientCpuBefore, warmup);
  }

  /**
   * Unmeasured load before a window: for {@code --warmup 60s} that long (split over the search kinds); for
   * {@code --warmup auto} in steps of {@link #WARMUP_STEP} until the nodes' JIT compiler threads took less than
   * the threshold of the nodes' CPU over the last step, or the maximum passed. Auto needs the nodes' threads in
   * /proc (node processes on Linux); elsewhere it falls back to the fixed length.
   */
  private BenchReport.Warmup warmUp(final String label, final List<NodeProbe> probes, final LoadDriver driver, final int kinds)
      throws InterruptedException {
    if (settings.warmupAuto()) {
      final List<NodeProbe.Sample> probe = sample(probes);
      if (!CpuBreakdown.of(probes, probe, probe, 0, 0).isEmpty()) {
        return warmUpUntilSteady(label, probes, driver);
      }
      err.printf(Locale.ROOT, "bench: --warmup auto needs the node processes' threads in /proc; warming up for %d s instead%n",
          settings.warmup().toSeconds());
    }
    final Duration fixed = settings.warmup().dividedBy(kinds);
    if (fixed.isZero()) {
      return BenchReport.Warmup.NONE;
    }
    final long t0 = System.nanoTime();
    load(driver, label + " warmup", fixed);
    return new BenchReport.Warmup(String.format(Locale.ROOT, "fixed %.0f s", fixed.toMillis() / 1000.0), (System.nanoTime() - t0) / 1e9,
        "its time was up");
  }

  private BenchReport.Warmup warmUpUntilSteady(final String label, final List<NodeProbe> probes, final LoadDriver driver) throws InterruptedException {
    final double threshold = settings.warmupJitShare();
    final long t0 = System.nanoTime();
    final long max = settings.warmupMax().toNanos();
    final String policy = String.format(Locale.ROOT, "auto (JIT below %.0f%% of node CPU over %d s, at most %d s)", threshold * 100,
        WARMUP_STEP.toSeconds(), settings.warmupMax().toSeconds());
    while (true) {
      final long left = max - (System.nanoTime() - t0);
      if (left <= 0) {
        return new BenchReport.Warmup(policy, (System.nanoTime() - t0) / 1e9, "--warmup-max is 0");
      }
      final List<NodeProbe.Sample> before = sample(probes);
      load(driver, label + " warmup", Duration.ofNanos(Math.min(left, WARMUP_STEP.toNanos())));
      final double share = CpuBreakdown.compilerShareOfNodes(CpuBreakdown.of(probes, before, sample(probes), 0, 0));
      final double elapsed = (System.nanoTime() - t0) / 1e9;
      if (settings.progress()) {
        err.printf(Locale.ROOT, "%nbench: warm-up %.0f s: JIT compiler threads %.1f%% of node CPU over the last step%n", elapsed, share * 100);
      }
      String ended = null;
      if (share >= 0 && share < threshold) {
        ended = String.format(Locale.ROOT, "JIT settled: compiler threads %.1f%% of node CPU over the last step (below %.0f%%)", share * 100,
            threshold * 100);
      } else if (System.nanoTime() - t0 >= max) {
        ended = String.format(Locale.ROOT, "maximum reached: compiler threads still %.1f%% of node CPU over the last step", share * 100);
      }
      if (ended != null) {
        err.printf(Locale.ROOT, "bench: warm-up ended after %.0f s: %s%n", elapsed, ended);
        return new BenchReport.Warmup(policy, elapsed, ended);
      }
    }
  }

  private void load(final LoadDriver driver, final String label, final Duration length) throws InterruptedException {
    if (settings.findMax()) {
      driver.openLoop(label, settings.findMaxSettings().startRate(), length, settings.maxInFlight());
    } else {
      driver.closedLoop(label, settings.clients(), 0, length);
    }
  }

  private static List<NodeProbe.Sample> sample(final List<NodeProbe> probes) {
    final List<NodeProbe.Sample> out = new ArrayList<>();
    probes.forEach(p -> out.add(p.sample()));
    return out;
  }

  /** The nodes' flight recordings, written when they stopped, over the measuring window. */
  private JfrProfile profile(final BenchNetwork net, final boolean closed, final LoadDriver.PhaseResult phase) {
    if (!settings.profile() || !closed || !(net instanceof ProcessNetwork p)) {
      return null;
    }
    final List<Path> files = new ArrayList<>();
    for (int i = 0; i < p.fhirBases().size(); i++) {
      final Path f = p.directory().resolve("node-" + i + ".jfr");
      if (Files.exists(f)) {
        files.add(f);
      }
    }
    try {
      return JfrProfile.read(files, java.time.Instant.ofEpochMilli(phase.startMillis()), java.time.Instant.ofEpochMilli(phase.endMillis()));
    } catch (final IOException | RuntimeException e) {
      err.println("bench: could not read the flight recordings (" + e.getMessage() + ")");
      return null;
    }
  }

  /** Setup for the mix (providers, patients), then the workloads with what setup made. */
  private Workloads prepare(final BenchNetwork net) throws IOException, InterruptedException {
    final String tag = Long.toString(System.currentTimeMillis(), 36);
    final Workloads plain = new Workloads(net.fhirBases(), List.of(), bundles, 1, settings.seed(), tag, settings.timeout(), settings.returnMinimal());
    final SetupPhase setup = new SetupPhase(http, plain);
    if (bundles != null) {
      setup.postBatches(bundles);
    }
    SearchQueries queries = null;
    if (settings.needsSearchData()) {
      final long t0 = System.nanoTime();
      queries = setup.loadForSearch(bundles, settings.clients(), mapper);
      err.printf(Locale.ROOT, "bench: setup loaded %d transaction Bundles (%d resources, %d Observations, largest type %s) in %.1f s%n",
          bundles.transactions().size(), queries.total(), queries.loaded("Observation"), queries.largestType(), (System.nanoTime() - t0) / 1e9);
    }
    List<String> patients = List.of();
    if (settings.mix().contains(WorkloadKind.READ) || settings.mix().contains(WorkloadKind.UPDATE)
        || settings.mix().contains(WorkloadKind.SEARCH) && (!isSearchOnly() || settings.searchKinds().contains(SearchKind.PATIENTS))) {
      final long t0 = System.nanoTime();
      patients = setup.createPatients(settings.setupResources(), settings.clients());
      err.printf(Locale.ROOT, "bench: setup created %d Patients in %.1f s%n", patients.size(), (System.nanoTime() - t0) / 1e9);
    }
    status.awaitConverged(net.fhirBases(), READY_TIMEOUT);
    return new Workloads(net.fhirBases(), patients, bundles, settings.binarySize(), settings.seed(), tag, settings.timeout(), settings.returnMinimal(),
        queries);
  }

  /** Steps up the offered rate until the network falls behind; the best sustainable rate is then held. */
  private BenchReport.FindMax searchRate(final String label, final LoadDriver driver) throws InterruptedException {
    final RateController rc = new RateController(settings.findMaxSettings());
    final List<BenchReport.Step> steps = new ArrayList<>();
    double rate = rc.firstRate();
    double lowest = rate;
    String stop;
    while (true) {
      final LoadDriver.PhaseResult st = driver.openLoop(String.format(Locale.ROOT, "%s step %.0f/s", label, rate), rate, settings.stepDuration(),
          settings.maxInFlight());
      final RateController.StepResult r = new RateController.StepResult(rate, st.committedPerSecond(), st.metrics().latency().p99(),
          st.metrics().errors(), st.inFlightAtWindowEnd());
      final RateController.Decision d = rc.next(r);
      steps.add(new BenchReport.Step(rate, r.committedRate(), r.p99Millis(), r.errors(), st.inFlightAtWindowEnd(), d.sustainable(), d.reason()));
      lowest = Math.min(lowest, rate);
      if (d.nextRate().isEmpty()) {
        stop = d.reason();
        break;
      }
      rate = d.nextRate().get();
    }
    return new BenchReport.FindMax(steps, rc.bestSustainableRate().orElse(lowest), "stopped raising: " + stop);
  }

  private BlockFigures blockFigures(final BenchNetwork net, final boolean closed, final LoadDriver.PhaseResult phase, final OptionalLong before,
      final OptionalLong after) {
    if (closed && net.chainDirOfFirstNode().isPresent()) {
      try (RocksDbLedgerStore store = RocksDbLedgerStore.open(net.chainDirOfFirstNode().get())) {
        final List<BlockFigures.BlockInfo> infos = new ArrayList<>();
        for (long h = Math.max(1, before.orElse(1)); h <= store.height(); h++) {
          final Block b = store.block(h).orElseThrow();
          int changes = 0;
          for (final Transaction tx : b.transactions()) {
            changes += tx.changes().size();
          }
          infos.add(new BlockFigures.BlockInfo(h, b.header().timestamp(), b.transactions().size(), changes));
        }
        return BlockFigures.fromChain(infos, phase.startMillis(), phase.endMillis());
      } catch (final RuntimeException e) {
        err.println("bench: could not read node 0's chain (" + e.getMessage() + "); block figures from $ledger-status");
      }
    }
    if (before.isPresent() && after.isPresent()) {
      return BlockFigures.fromHeights(before.getAsLong(), after.getAsLong(), phase.metrics().writes(), phase.metrics().writeResources(), phase.seconds());
    }
    return BlockFigures.NONE;
  }

  static Double cpuPerOperation(final List<BenchReport.NodeUsage> usage, final long committed) {
    if (usage.isEmpty() || committed == 0 || usage.stream().anyMatch(u -> u.cpuSeconds() == null)) {
      return null;
    }
    double seconds = 0;
    for (final BenchReport.NodeUsage u : usage) {
      seconds += u.cpuSeconds() + (u.postgresCpuSeconds() == null ? 0 : u.postgresCpuSeconds());
    }
    return seconds * 1000 / committed;
  }

  private static List<BenchReport.NodeUsage> usage(final List<NodeProbe> probes, final List<NodeProbe.Sample> before,
      final List<NodeProbe.Sample> after, final double seconds) {
    final List<BenchReport.NodeUsage> out = new ArrayList<>();
    for (int i = 0; i < Math.min(probes.size(), Math.min(before.size(), after.size())); i++) {
      final NodeProbe.Sample a = before.get(i);
      final NodeProbe.Sample b = after.get(i);
      final Double cpu = a.jvmCpuMillis().isPresent() && b.jvmCpuMillis().isPresent()
          ? (b.jvmCpuMillis().getAsLong() - a.jvmCpuMillis().getAsLong()) / 1000.0 : null;
      final Double sys = a.jvmSystemCpuMillis().isPresent() && b.jvmSystemCpuMillis().isPresent()
          ? (b.jvmSystemCpuMillis().getAsLong() - a.jvmSystemCpuMillis().getAsLong()) / 1000.0 : null;
      final Double pg = a.postgresCpuMillis().isPresent() && b.postgresCpuMillis().isPresent()
          ? Math.max(0, b.postgresCpuMillis().getAsLong() - a.postgresCpuMillis().getAsLong()) / 1000.0 : null;
      out.add(new BenchReport.NodeUsage(probes.get(i).name(), probes.get(i).pid(), cpu, sys, cpu == null || seconds <= 0 ? null : cpu / seconds, pg,
          b.peakRssKib().isPresent() ? b.peakRssKib().getAsLong() / 1024.0 : null));
    }
    return out;
  }

  private void progress(final String label, final PhaseMetrics.Second s, final PhaseMetrics m, final int inFlight) {
    if (heightBase != null) {
      pollHeight(heightBase);
    }
    final String line = String.format(Locale.ROOT, "[%s] %3ds %8d ok/s %9d res/s  p99 %8.1f ms  total %d  errors %d  in flight %d  height %s", label,
        s.second(), s.committed(), s.resources(), s.p99Millis(), m.committed(), m.errors(), inFlight, lastHeight < 0 ? "?" : lastHeight);
    err.print(System.console() != null ? "\r" + line + "   " : line + System.lineSeparator());
    err.flush();
  }

  /** Keeps the progress line's height fresh without blocking the ticker. */
  private void pollHeight(final URI base) {
    http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/$ledger-status")).timeout(Duration.ofSeconds(2)).GET().build(),
        HttpResponse.BodyHandlers.ofString()).thenAccept(r -> {
          if (r.statusCode() == 200) {
            try {
              lastHeight = Long.parseLong(StatusClient.parse(mapper.readTree(r.body())).getOrDefault("height", "-1"));
            } catch (final IOException | NumberFormatException e) {
              lastHeight = -1;
            }
          }
        });
  }

  private static void deleteRecursively(final Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (final Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
