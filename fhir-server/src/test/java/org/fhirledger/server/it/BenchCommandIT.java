package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.fhirledger.server.bench.NodeProbe;
import org.fhirledger.server.bench.ProcessNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * `fhir-ledger bench` as an operator runs it: the packaged jar starts four node processes of itself, drives a
 * mixed load of creates, reads and updates over all of them, stops them, reads node 0's chain and writes the
 * JSON report.
 */
class BenchCommandIT {
  private static final Path JAR = Path.of("target", "fhir-ledger.jar").toAbsolutePath();
  /** Under target/ so that the report, the bench's output and the nodes' logs are there to read on failure. */
  private final Path dir = Path.of("target", "bench-it", String.valueOf(System.currentTimeMillis())).toAbsolutePath();
  private Process bench;

  @AfterEach
  void stop() throws InterruptedException {
    if (bench != null && bench.isAlive()) {
      // SIGTERM lets the bench stop the node processes it started
      bench.destroy();
      if (!bench.waitFor(60, TimeUnit.SECONDS)) {
        bench.descendants().forEach(ProcessHandle::destroyForcibly);
        bench.destroyForcibly();
      }
    }
  }

  @Test
  void aMixedLoadOnFourNodeProcessesCommitsEveryOperationAndReportsItAsJson() throws Exception {
    assertThat(JAR).as("the packaged jar (mvn package runs before the *IT tests)").exists();
    Files.createDirectories(dir);
    final Path json = dir.resolve("bench.json");
    final List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-jar", JAR.toString(),
        "bench", "--nodes", "4", "--clients", "4", "--count", "200", "--workload", "mix", "--mix", "create=6,read=3,update=1",
        "--warmup", "0", "--setup-resources", "40", "--json", json.toString(), "--work-dir", dir.resolve("work").toString(),
        // a correctness run, not a measurement: quick-starting node JVMs
        "--node-jvm-opts", "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"));
    bench = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("bench.log").toFile()).start();
    final boolean finished = bench.waitFor(8, TimeUnit.MINUTES);
    assertThat(finished).as("bench finished by itself; output:%n%s", Files.readString(dir.resolve("bench.log"))).isTrue();
    assertThat(bench.exitValue()).as(Files.readString(dir.resolve("bench.log"))).isZero();

    final JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.path("workload").asText()).isEqualTo("create=6,update=1,read=3");
    assertThat(report.path("nodes").asInt()).isEqualTo(4);
    assertThat(report.path("clients").asInt()).isEqualTo(4);
    assertThat(report.path("command").asText()).as("the command as typed").startsWith("fhir-ledger bench --nodes 4 --clients 4 --count 200 ");
    assertThat(report.path("mode").asText()).isEqualTo("processes");
    assertThat(report.path("committed").asLong()).isEqualTo(200);
    assertThat(report.path("errors").asLong()).as(report.path("errorsByKind").toString()).isZero();
    assertThat(report.path("durationSeconds").asDouble()).isPositive();
    assertThat(report.path("committedPerSecond").asDouble()).isPositive();
    assertThat(report.path("resourcesPerSecond").asDouble()).isPositive();
    for (final String p : List.of("p50", "p95", "p99", "max")) {
      assertThat(report.path("latencyMs").path(p).asDouble()).as(p).isPositive();
    }
    assertThat(report.path("latencyMs").path("p99").asDouble()).isGreaterThanOrEqualTo(report.path("latencyMs").path("p50").asDouble());
    // read from node 0's own chain after the run: the writes went into blocks
    assertThat(report.path("blocks").path("source").asText()).isEqualTo("chain");
    assertThat(report.path("blocksPerSecond").asDouble()).isPositive();
    assertThat(report.path("transactionsPerBlock").asDouble()).isGreaterThanOrEqualTo(1.0);
    assertThat(report.path("nodeUsage")).hasSize(4);
    // all CPU of the window by thread group: four validators talk to each other, so the transport worked too
    assertThat(group(report, "p2p / t-io (p2p-*, dht-*, Tio*)").path("cpuSeconds").asDouble()).isPositive();
    assertThat(report.path("warmup").path("policy").asText()).isEqualTo("none");
    for (final JsonNode node : report.path("nodeUsage")) {
      assertThat(node.path("cpuSeconds").asDouble()).isPositive();
      assertThat(node.path("peakRssMiB").asDouble()).isGreaterThan(50);
    }
    // the bench stopped what it started
    for (final JsonNode node : report.path("nodeUsage")) {
      assertThat(ProcessHandle.of(node.path("pid").asLong()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
    // passed: the nodes' data (four PostgreSQL clusters) is not worth keeping; the report and logs are
    deleteRecursively(dir.resolve("work").resolve("main").resolve("net"));
  }

  @Test
  void aOneNodeBenchReportsWhereAllTheCpuWentAndWarmsUpUntilTheJitSettlesOrItsMaximum() throws Exception {
    assertThat(JAR).as("the packaged jar (mvn package runs before the *IT tests)").exists();
    Files.createDirectories(dir);
    final Path json = dir.resolve("bench-1.json");
    final List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-jar", JAR.toString(),
        "bench", "--nodes", "1", "--clients", "2", "--count", "60", "--workload", "create", "--warmup", "auto", "--warmup-max", "3s",
        "--json", json.toString(), "--work-dir", dir.resolve("work-1").toString(), "--node-jvm-opts", "-Xmx384m -XX:+UseSerialGC"));
    bench = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("bench-1.log").toFile()).start();
    assertThat(bench.waitFor(5, TimeUnit.MINUTES)).as("bench finished by itself; output:%n%s", Files.readString(dir.resolve("bench-1.log"))).isTrue();
    final String log = Files.readString(dir.resolve("bench-1.log"));
    assertThat(bench.exitValue()).as(log).isZero();

    final JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.path("committed").asLong()).isEqualTo(60);
    final JsonNode groups = report.path("cpuByThreadGroup");
    assertThat(groups.size()).as(groups.toString()).isGreaterThanOrEqualTo(10);
    // every create went through Tomcat, the ledger's event thread (its block), the indexer and PostgreSQL, sent by the client
    for (final String must : List.of("HTTP requests (http-nio-*)", "ledger event thread (ledger-*)", "indexer (indexer-*)",
        "PostgreSQL (all backends)", "bench client (this JVM)")) {
      assertThat(group(report, must).path("cpuSeconds").asDouble()).as(must + " in " + groups).isPositive();
      assertThat(group(report, must).path("msPerOperation").asDouble()).as(must).isPositive();
    }
    double shares = 0;
    for (final JsonNode g : groups) {
      shares += g.path("shareOfTotal").asDouble();
    }
    assertThat(shares).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.001));
    // a 3 s maximum ends the warm-up of a node that started seconds ago (its JIT is busy), and the report says so
    assertThat(report.path("warmup").path("policy").asText()).startsWith("auto");
    assertThat(report.path("warmup").path("endedBy").asText()).matches("maximum reached.*|JIT settled.*");
    assertThat(log).contains("CPU by thread group").contains("JIT compiler").contains("warm-up ended after");
    deleteRecursively(dir.resolve("work-1").resolve("main").resolve("net"));
  }

  @Test
  void aBaselineServerNamedByItsPidIsMeasuredLikeANodeAndOneThatIsNotOnlyOverHttp() throws Exception {
    assertThat(JAR).as("the packaged jar (mvn package runs before the *IT tests)").exists();
    Files.createDirectories(dir);
    // the "other FHIR server": a one-node network this test starts, which the bench did not start and cannot find
    try (ProcessNetwork other = ProcessNetwork.start(dir.resolve("other"), 1, List.of("-Xmx384m", "-XX:+UseSerialGC"), Duration.ofMinutes(4))) {
      final NodeProbe server = other.probes().get(0);
      final String url = other.fhirBases().get(0).toString();
      final Path json = dir.resolve("bench-baseline.json");
      final List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-jar", JAR.toString(),
          "bench", "--target", url, "--baseline", url, "--baseline-pid", String.valueOf(server.pid()), "--baseline-postgres-dir",
          server.postgresDataDir().toString(), "--clients", "2", "--count", "40", "--workload", "create", "--warmup", "0", "--quiet",
          "--json", json.toString()));
      bench = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("bench-baseline.log").toFile()).start();
      assertThat(bench.waitFor(5, TimeUnit.MINUTES)).as("bench finished by itself").isTrue();
      final String log = Files.readString(dir.resolve("bench-baseline.log"));
      assertThat(bench.exitValue()).as(log).isZero();

      final JsonNode report = new ObjectMapper().readTree(json.toFile());
      // the same server twice: as --target (not named, so HTTP figures only) and as the named baseline
      assertThat(report.path("committed").asLong()).isEqualTo(40);
      assertThat(report.path("nodeUsage")).isEmpty();
      assertThat(report.path("cpuByThreadGroup")).isEmpty();
      final JsonNode baseline = report.path("baselines").path(0);
      assertThat(baseline.path("committed").asLong()).isEqualTo(40);
      assertThat(baseline.path("nodeUsage")).hasSize(1);
      final JsonNode usage = baseline.path("nodeUsage").path(0);
      assertThat(usage.path("pid").asLong()).isEqualTo(server.pid());
      assertThat(usage.path("cpuSeconds").asDouble()).isPositive();
      assertThat(usage.path("postgresCpuSeconds").asDouble()).as("its PostgreSQL, found by its data folder").isPositive();
      assertThat(usage.path("peakRssMiB").asDouble()).isGreaterThan(50);
      for (final String must : List.of("HTTP requests (http-nio-*)", "PostgreSQL (all backends)")) {
        assertThat(group(baseline, must).path("cpuSeconds").asDouble()).as(must + " in " + baseline.path("cpuByThreadGroup")).isPositive();
      }
      assertThat(baseline.path("usageNote").asText()).contains("named process").contains("PostgreSQL");
      // the bench does not stop what it did not start
      assertThat(ProcessHandle.of(server.pid()).map(ProcessHandle::isAlive).orElse(false)).isTrue();
    }
    deleteRecursively(dir.resolve("other"));
  }

  @Test
  void badInputIsAnsweredBeforeAnyNodeStarts() throws Exception {
    assertThat(JAR).as("the packaged jar (mvn package runs before the *IT tests)").exists();
    Files.createDirectories(dir);
    final Path empty = Files.createDirectories(dir.resolve("empty"));
    final List<List<String>> cases = List.of(
        List.of("--workload", "bundle", "--bundles", dir.resolve("no-such-folder").toString()),
        List.of("--baseline-pid", "1"),
        List.of("--baseline", "http://127.0.0.1:9/fhir", "--baseline-pid", String.valueOf(Long.MAX_VALUE)),
        List.of("--workload", "nonsense"));
    final List<String> answers = List.of("is not a folder", "give --baseline URL too", "no such process", "nonsense");
    for (int i = 0; i < cases.size(); i++) {
      final List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-jar", JAR.toString(),
          "bench", "--work-dir", empty.resolve("work-" + i).toString()));
      cmd.addAll(cases.get(i));
      final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      final String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as(out).isEqualTo(2);
      assertThat(out).as(String.join(" ", cases.get(i))).contains(answers.get(i)).doesNotContain("\tat org.fhirledger").doesNotContain("bench: main network");
      assertThat(empty.resolve("work-" + i)).as("no node was started, so no work folder was made").doesNotExist();
    }
  }

  private static JsonNode group(final JsonNode report, final String name) {
    for (final JsonNode g : report.path("cpuByThreadGroup")) {
      if (g.path("group").asText().equals(name)) {
        return g;
      }
    }
    throw new AssertionError("no group " + name + " in " + report.path("cpuByThreadGroup"));
  }

  private static void deleteRecursively(final Path root) throws java.io.IOException {
    try (var paths = Files.walk(root)) {
      for (final Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
