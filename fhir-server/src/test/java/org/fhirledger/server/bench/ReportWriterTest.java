package org.fhirledger.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportWriterTest {
  private static BenchReport report(final String label, final double perSecond, final double p99) {
    return new BenchReport(label, "4 node(s) (processes)", "processes", "create", 4, 16, 30.0, (long) (perSecond * 30), perSecond, perSecond,
        new LatencySummary(100, 10, 20, p99, 80, 12), new BlockFigures("chain", 300, 10, 12.5, 125, 125, 29.9), 2,
        Map.of("HTTP 503", 2L), List.of(new BenchReport.NodeUsage("hospital-0", 123, 15.0, 5.0, 0.5, 3.0, 400.0)), "note", 4.0, 0.9,
        List.of(new PhaseMetrics.Second(1, 100, 100, 0, 30.0), new PhaseMetrics.Second(2, 120, 120, 1, 45.0)), null, null,
        List.of(new CpuBreakdown.Row(ThreadCpu.Group.JIT.label(), 6.0, 0.25, 2.0), new CpuBreakdown.Row(CpuBreakdown.POSTGRES, 18.0, 0.75, 6.0)),
        new BenchReport.Warmup("auto", 42.0, "JIT settled"));
  }

  @Test
  void jsonHasTheDocumentedFieldsAtTheTopAndTheBaselinesWithRatios() throws Exception {
    final ObjectMapper mapper = new ObjectMapper();
    final JsonNode json = mapper.readTree(mapper.writeValueAsString(
        new ReportWriter(mapper).json(report("main", 100, 40), List.of(report("single-node", 400, 20)), "fhir-ledger bench --nodes 4")));
    for (final String field : List.of("workload", "nodes", "clients", "durationSeconds", "committedPerSecond", "resourcesPerSecond", "latencyMs",
        "blocksPerSecond", "transactionsPerBlock", "errors", "errorsByKind", "nodeUsage", "timeline", "command", "machine")) {
      assertThat(json.has(field)).as(field).isTrue();
    }
    assertThat(json.path("workload").asText()).isEqualTo("create");
    assertThat(json.path("nodes").asInt()).isEqualTo(4);
    for (final String p : List.of("p50", "p95", "p99", "max")) {
      assertThat(json.path("latencyMs").path(p).isNumber()).as(p).isTrue();
    }
    assertThat(json.path("latencyMs").path("p99").asDouble()).isEqualTo(40.0);
    assertThat(json.path("blocksPerSecond").asDouble()).isEqualTo(10.0);
    assertThat(json.path("transactionsPerBlock").asDouble()).isEqualTo(12.5);
    assertThat(json.path("errors").asLong()).isEqualTo(2);
    assertThat(json.path("errorsByKind").path("HTTP 503").asLong()).isEqualTo(2);
    assertThat(json.path("baselines").get(0).path("label").asText()).isEqualTo("single-node");
    assertThat(json.path("ratios").path("single-node").path("committedPerSecond").asDouble()).isEqualTo(0.25);
    assertThat(json.path("cpuByThreadGroup").get(0).path("group").asText()).isEqualTo("JIT compiler");
    assertThat(json.path("cpuByThreadGroup").get(1).path("msPerOperation").asDouble()).isEqualTo(6.0);
    assertThat(json.path("warmup").path("endedBy").asText()).isEqualTo("JIT settled");
  }

  @Test
  void theTableShowsEachRunAndTheRatio() {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new ReportWriter(new ObjectMapper()).printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8), report("main", 100, 40),
        List.of(report("single-node", 400, 20)));
    final String table = bytes.toString(StandardCharsets.UTF_8);
    assertThat(table).contains("main/single-node").containsPattern("committed ops/s\\s+100\\.0\\s+400\\.0\\s+0\\.25");
    assertThat(table).containsPattern("latency p99 ms\\s+40\\.0\\s+20\\.0\\s+2\\.00");
    assertThat(table).contains("errors (main): HTTP 503 x 2").contains("hospital-0");
    assertThat(table).containsPattern("JIT compiler\\s+6\\.0\\s+25\\.0%\\s+2\\.000");
    assertThat(table).contains("warm-up (main): auto, 42 s: JIT settled");
  }

  @Test
  void aFigureThatWasNotMeasuredIsShownAsNotAvailableNotAsZero() {
    final BenchReport target = new BenchReport("main", "http://x/fhir", "target", "read", 1, 4, 10.0, 100, 10, 10,
        new LatencySummary(100, 10, 20, 30, 80, 12), BlockFigures.NONE, 0, Map.of(), List.of(), "not measured", 1.0, null, List.of(), null, null,
        List.of(), BenchReport.Warmup.NONE);
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new ReportWriter(new ObjectMapper()).printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8), target, List.of());
    assertThat(bytes.toString(StandardCharsets.UTF_8)).containsPattern("node CPU ms/operation\\s+n/a");
  }

  @Test
  void aBaselineWithoutBlocksShowsNoBlockFiguresAndNoBlockRatio() throws Exception {
    final BenchReport hapiJpa = new BenchReport("baseline", "http://127.0.0.1:8090/fhir", "target", "create", 1, 16, 30.0, 3000, 100, 100,
        new LatencySummary(100, 10, 20, 30, 80, 12), BlockFigures.NONE, 0, Map.of(), List.of(), "not measured", 1.0, null, List.of(), null, null,
        List.of(), BenchReport.Warmup.NONE);
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new ReportWriter(new ObjectMapper()).printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8), report("main", 100, 40), List.of(hapiJpa));
    final String table = bytes.toString(StandardCharsets.UTF_8);
    assertThat(table).containsPattern("blocks/s\\s+10\\.0\\s+n/a\\s+-");
    assertThat(table).containsPattern("transactions/block\\s+12\\.5\\s+n/a\\s+-");
    assertThat(table).containsPattern("TPS \\(Eq\\. 1\\)\\s+125\\.0\\s+n/a\\s+-");

    final ObjectMapper mapper = new ObjectMapper();
    final JsonNode json = mapper.readTree(mapper.writeValueAsString(new ReportWriter(mapper).json(report("main", 100, 40), List.of(hapiJpa), "bench")));
    assertThat(json.path("blocksPerSecond").asDouble()).isEqualTo(10.0);
    final JsonNode baseline = json.path("baselines").get(0);
    assertThat(baseline.path("blocksPerSecond").isNull()).isTrue();
    assertThat(baseline.path("transactionsPerBlock").isNull()).isTrue();
    assertThat(baseline.path("tpsEq1").isNull()).isTrue();
    assertThat(baseline.path("blocks").path("source").asText()).isEqualTo("none");
  }

  @Test
  void theChartIsSelfContainedSvg() {
    final String html = ReportWriter.html(report("main", 100, 40), List.of());
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("<polyline").doesNotContain("<script").doesNotContain("http://cdn");
    assertThat(html).contains("Committed operations per second").contains("p99 latency per second");
  }
}
