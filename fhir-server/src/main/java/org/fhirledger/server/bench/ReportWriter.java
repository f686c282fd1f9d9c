package org.fhirledger.server.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The report for people (a table), for machines (JSON) and for the eye (a self-contained HTML chart). */
public final class ReportWriter {
  private final ObjectMapper mapper;

  public ReportWriter(final ObjectMapper mapper) {
    this.mapper = mapper.copy().enable(SerializationFeature.INDENT_OUTPUT);
  }

  /**
   * The JSON document: the main run's fields at the top (workload, nodes, clients, durationSeconds,
   * committedPerSecond, resourcesPerSecond, latencyMs, blocksPerSecond, transactionsPerBlock, errors, …),
   * then {@code baselines} (same shape) and {@code ratios} (main / baseline).
   */
  public ObjectNode json(final BenchReport main, final List<BenchReport> baselines, final String command) {
    final ObjectNode root = reportNode(main);
    root.put("command", command);
    final ObjectNode machine = root.putObject("machine");
    machine.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    machine.put("maxMemoryMiB", Runtime.getRuntime().maxMemory() >> 20);
    machine.put("javaVersion", System.getProperty("java.version"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    final ArrayNode bs = root.putArray("baselines");
    final ObjectNode ratios = root.putObject("ratios");
    for (final BenchReport b : baselines) {
      bs.add(reportNode(b));
      final ObjectNode r = ratios.putObject(b.label());
      r.put("committedPerSecond", ratio(main.committedPerSecond(), b.committedPerSecond()));
      r.put("resourcesPerSecond", ratio(main.resourcesPerSecond(), b.resourcesPerSecond()));
      r.put("p99", ratio(main.latencyMs().p99(), b.latencyMs().p99()));
    }
    return root;
  }

  private ObjectNode reportNode(final BenchReport r) {
    final ObjectNode n = mapper.valueToTree(r);
    // The figures people look for first, flat at the top.
    // A server without blocks (a --baseline URL that is not a ledger) has no such figures: null, not 0.
    if (r.blocks().measured()) {
      n.put("blocksPerSecond", r.blocks().blocksPerSecond());
      n.put("transactionsPerBlock", r.blocks().transactionsPerBlock());
      n.put("tpsEq1", r.blocks().tps());
    } else {
      n.putNull("blocksPerSecond");
      n.putNull("transactionsPerBlock");
      n.putNull("tpsEq1");
    }
    return n;
  }

  public void writeJson(final Path file, final BenchReport main, final List<BenchReport> baselines, final String command) throws IOException {
    mapper.writeValue(file.toFile(), json(main, baselines, command));
  }

  private static double ratio(final double a, final double b) {
    return b == 0 ? 0 : Math.round(a / b * 1000) / 1000.0;
  }

  /** The human table: one column per run, a ratio column per baseline. */
  public void printTable(final PrintStream out, final BenchReport main, final List<BenchReport> baselines) {
    final List<BenchReport> all = new ArrayList<>();
    all.add(main);
    all.addAll(baselines);
    out.println();
    out.printf(Locale.ROOT, "FHIR Ledger bench: workload %s, %s, %s, %.1f s measured%n", main.workload(), main.target(), load(main),
        main.durationSeconds());
    final StringBuilder header = new StringBuilder(String.format("  %-24s", ""));
    for (final BenchReport r : all) {
      header.append(String.format("%16s", r.label()));
    }
    for (final BenchReport b : baselines) {
      header.append(String.format("%16s", "main/" + b.label()));
    }
    out.println(header);
    row(out, "committed ops/s", all, baselines, BenchReport::committedPerSecond, "%.1f");
    row(out, "resources/s", all, baselines, BenchReport::resourcesPerSecond, "%.1f");
    row(out, "latency p50 ms", all, baselines, r -> r.latencyMs().p50(), "%.1f");
    row(out, "latency p95 ms", all, baselines, r -> r.latencyMs().p95(), "%.1f");
    row(out, "latency p99 ms", all, baselines, r -> r.latencyMs().p99(), "%.1f");
    row(out, "latency max ms", all, baselines, r -> r.latencyMs().max(), "%.1f");
    row(out, "blocks/s", all, baselines, r -> r.blocks().measured() ? r.blocks().blocksPerSecond() : Double.NaN, "%.1f");
    row(out, "transactions/block", all, baselines, r -> r.blocks().measured() ? r.blocks().transactionsPerBlock() : Double.NaN, "%.1f");
    row(out, "TPS (Eq. 1)", all, baselines, r -> r.blocks().measured() ? r.blocks().tps() : Double.NaN, "%.1f");
    row(out, "node CPU ms/operation", all, baselines, r -> r.nodeCpuMillisPerOperation() == null ? Double.NaN : r.nodeCpuMillisPerOperation(), "%.2f");
    row(out, "committed", all, baselines, r -> r.committed(), "%.0f");
    row(out, "errors", all, baselines, r -> r.errors(), "%.0f");
    for (final BenchReport r : all) {
      for (final Map.Entry<String, Long> e : r.errorsByKind().entrySet()) {
        out.printf("  errors (%s): %s x %d%n", r.label(), e.getKey(), e.getValue());
      }
    }
    for (final BenchReport r : all) {
      if (r.nodeUsage().isEmpty()) {
        continue;
      }
      out.printf("  %s: %s%n", r.label(), r.usageNote());
      out.printf("    %-32s %8s %10s %8s %8s %12s %10s%n", "node", "pid", "cpu s", "of it sys", "cores", "postgres s", "peak MiB");
      for (final BenchReport.NodeUsage u : r.nodeUsage()) {
        out.printf(Locale.ROOT, "    %-32s %8d %10s %8s %8s %12s %10s%n", u.name(), u.pid(), fmt(u.cpuSeconds(), "%.1f"),
            fmt(u.systemCpuSeconds(), "%.1f"), fmt(u.cpuCores(), "%.2f"),
            fmt(u.postgresCpuSeconds(), "%.1f"), fmt(u.peakRssMiB(), "%.0f"));
      }
      out.printf(Locale.ROOT, "    %-32s %8s %10.1f%n", "bench client (this JVM)", "", r.clientCpuSeconds());
    }
    for (final BenchReport r : all) {
      printCpuByThreadGroup(out, r);
    }
    for (final BenchReport r : all) {
      if (r.warmup() != null) {
        out.printf(Locale.ROOT, "  warm-up (%s): %s, %.0f s: %s%n", r.label(), r.warmup().policy(), r.warmup().seconds(), r.warmup().endedBy());
      }
    }
    for (final BenchReport r : all) {
      if (r.profile() != null && r.profile().samples() > 0) {
        printProfile(out, r);
      }
    }
    if (main.findMax() != null) {
      out.println("  find-max steps (offered/s -> committed/s, p99):");
      for (final BenchReport.Step s : main.findMax().steps()) {
        out.printf(Locale.ROOT, "    %8.0f -> %8.1f  p99 %8.1f ms  %s%n", s.offeredRate(), s.committedRate(), s.p99Ms(), s.verdict());
      }
      out.printf(Locale.ROOT, "  held %.0f/s: %s%n", main.findMax().sustainableRate(), main.findMax().stopReason());
    }
    out.flush();
  }

  /** All CPU of the window by where it ran (/proc per thread), which JFR's execution samples cannot show. */
  private static void printCpuByThreadGroup(final PrintStream out, final BenchReport r) {
    if (r.cpuByThreadGroup().isEmpty()) {
      return;
    }
    out.printf("  %s: CPU by thread group (all nodes, from /proc/<pid>/task/*/stat)%n", r.label());
    out.printf("    %-36s %10s %8s %10s%n", "group", "cpu s", "share", "ms/op");
    for (final CpuBreakdown.Row row : r.cpuByThreadGroup()) {
      out.printf(Locale.ROOT, "    %-36s %10.1f %7.1f%% %10s%n", row.group(), row.cpuSeconds(), row.shareOfTotal() * 100, fmt(row.msPerOperation(), "%.3f"));
    }
  }

  private static void printProfile(final PrintStream out, final BenchReport r) {
    final JfrProfile p = r.profile();
    out.printf(Locale.ROOT, "  %s: where the nodes' CPU went (%d JFR execution samples in the window; GC pauses %.0f ms)%n", r.label(), p.samples(),
        p.gcPauseMillis());
    p.categories().forEach((k, v) -> out.printf(Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * v / p.samples(), k));
    out.println("    by thread:");
    p.threads().forEach((k, v) -> out.printf(Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * v / p.samples(), k));
    out.println("    hottest leaf methods:");
    p.hotMethods().forEach((k, v) -> out.printf(Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * v / p.samples(), k));
  }

  /** "64 clients" (closed loop), or the rate held by --find-max (open loop). */
  private static String load(final BenchReport r) {
    return r.findMax() == null ? r.clients() + " clients" : String.format(Locale.ROOT, "open loop at %.0f/s offered (--find-max)", r.findMax().sustainableRate());
  }

  private static String fmt(final Double v, final String format) {
    return v == null ? "n/a" : String.format(Locale.ROOT, format, v);
  }

  private static void row(final PrintStream out, final String name, final List<BenchReport> all, final List<BenchReport> baselines,
      final ToDoubleFunction<BenchReport> f, final String format) {
    final StringBuilder sb = new StringBuilder(String.format("  %-24s", name));
    for (final BenchReport r : all) {
      final double v = f.applyAsDouble(r);
      sb.append(String.format(Locale.ROOT, "%16s", Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, format, v)));
    }
    final double main = f.applyAsDouble(all.get(0));
    for (final BenchReport b : baselines) {
      final double v = f.applyAsDouble(b);
      sb.append(String.format(Locale.ROOT, "%16s", v == 0 || Double.isNaN(v) || Double.isNaN(main) ? "-" : String.format(Locale.ROOT, "%.2f", main / v)));
    }
    out.println(sb);
  }

  /** A self-contained HTML page: committed operations per second and p99 per second of each run, as inline SVG. */
  public static String html(final BenchReport main, final List<BenchReport> baselines) {
    final List<BenchReport> all = new ArrayList<>();
    all.add(main);
    all.addAll(baselines);
    final String[] colors = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
    final StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>fhir-ledger bench</title>")
        .append("<style>body{font-family:sans-serif;margin:2em}svg{border:1px solid #ccc;background:#fff}</style></head><body>")
        .append("<h1>fhir-ledger bench: ").append(escape(main.workload())).append("</h1><p>")
        .append(escape(String.format(Locale.ROOT, "%s, %s, %.1f s: %.1f committed/s, p99 %.1f ms, %d errors", main.target(), load(main),
            main.durationSeconds(), main.committedPerSecond(), main.latencyMs().p99(), main.errors())))
        .append("</p>");
    sb.append(chart("Committed operations per second", all, colors, s -> s.committed()));
    sb.append(chart("p99 latency per second (ms)", all, colors, PhaseMetrics.Second::p99Millis));
    sb.append("<p>");
    for (int i = 0; i < all.size(); i++) {
      sb.append("<span style=\"color:").append(colors[i % colors.length]).append("\">&#9632; ").append(escape(all.get(i).label() + ": " + all.get(i).target()))
          .append("</span> ");
    }
    return sb.append("</p></body></html>\n").toString();
  }

  private static String chart(final String title, final List<BenchReport> all, final String[] colors,
      final ToDoubleFunction<PhaseMetrics.Second> value) {
    final int w = 800;
    final int h = 260;
    final int pad = 50;
    double maxX = 1;
    double maxY = 1;
    for (final BenchReport r : all) {
      for (final PhaseMetrics.Second s : r.timeline()) {
        maxX = Math.max(maxX, s.second());
        maxY = Math.max(maxY, value.applyAsDouble(s));
      }
    }
    final StringBuilder sb = new StringBuilder("<h2>").append(escape(title)).append("</h2>");
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">", w + pad + 10, h + pad));
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", pad, h, w + pad, h));
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", pad, pad, h));
    for (int t = 0; t <= 4; t++) {
      final double y = h - t * h / 4.0;
      sb.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"%.0f\" font-size=\"11\">%.0f</text>", Math.max(10, y), maxY * t / 4));
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\" stroke=\"#eee\"/>", pad, y, w + pad, y));
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">seconds (0 to %.0f)</text>", pad + w / 2 - 40, h + 30, maxX));
    for (int i = 0; i < all.size(); i++) {
      final StringBuilder pts = new StringBuilder();
      for (final PhaseMetrics.Second s : all.get(i).timeline()) {
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", pad + s.second() * w / maxX, h - value.applyAsDouble(s) * h / maxY));
      }
      sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colors[i % colors.length]).append("\" points=\"")
          .append(pts.toString().trim()).append("\"/>");
    }
    return sb.append("</svg>").toString();
  }

  private static String escape(final String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
