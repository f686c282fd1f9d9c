package org.fhirledger.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fhirledger.server.bench.DurationConverter;
import org.fhirledger.server.bench.JfrSamples;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Summarises the JFR files that {@code bench --profile --keep-data} leaves beside the node logs: samples by thread,
 * by leaf method and by method anywhere on the stack. Exits 2 when a file cannot be read.
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
    description = "Count the execution samples of JDK Flight Recorder files (e.g. the node-N.jfr of bench --profile --keep-data) "
        + "by thread, by leaf method and by method on the stack.")
final class ProfileCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "JFR recordings, read together")
  List<Path> files;

  @Option(names = "--last", converter = DurationConverter.class,
      description = "only the last part of each recording, e.g. 30s (a bench node's recording ends right after the measuring window)")
  Duration last;

  @Option(names = "--thread", description = "only threads whose name starts with this, node ids and numbers written as N (e.g. http-nio, ledger-, p2p-N-in-io)")
  String thread;

  @Option(names = "--inclusive", defaultValue = "org.fhirledger.",
      description = "list methods on the stack whose class starts with this (default ${DEFAULT-VALUE}; \"\" for all)")
  String inclusivePrefix;

  @Option(names = "--top", defaultValue = "30", description = "lines per list (default ${DEFAULT-VALUE})")
  int top;

  @Override
  public Integer call() {
    final PrintWriter out = spec.commandLine().getOut();
    final PrintWriter err = spec.commandLine().getErr();
    for (final Path f : files) {
      if (!Files.isReadable(f)) {
        err.println("cannot read " + f);
        return 2;
      }
    }
    final JfrSamples s;
    try {
      s = JfrSamples.read(files, last, thread);
    } catch (final IOException e) {
      err.println("not a readable JFR recording: " + e.getMessage());
      return 2;
    }
    out.printf(Locale.ROOT, "%d execution samples%s%s%n", s.samples(), last == null ? "" : ", last " + last.toSeconds() + " s of each file",
        thread == null ? "" : ", threads " + thread + "*");
    print(out, "by thread", JfrSamples.top(s.threads(), "", top), s.samples());
    print(out, "leaf methods (self)", JfrSamples.top(s.self(), "", top), s.samples());
    print(out, "on the stack (inclusive)" + (inclusivePrefix.isEmpty() ? "" : ", " + inclusivePrefix + "*"),
        JfrSamples.top(s.inclusive(), inclusivePrefix, top), s.samples());
    out.flush();
    return 0;
  }

  private static void print(final PrintWriter out, final String title, final Map<String, Long> rows, final long total) {
    out.println("== " + title);
    rows.forEach((name, n) -> out.printf(Locale.ROOT, "%7d %5.1f%%  %s%n", n, total == 0 ? 0.0 : 100.0 * n / total, name));
  }
}
