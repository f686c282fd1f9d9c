package org.fhirledger.server.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fhirledger.server.cli.NetworkInitializer;

/**
 * N hospital nodes as separate {@code fhir-ledger node} processes of the same jar (or classpath), each with
 * its own embedded PostgreSQL, on 127.0.0.1 with ephemeral ports, in a folder of the bench's. A node's FHIR
 * port is read from the endpoint table it prints when it is up.
 */
public final class ProcessNetwork implements BenchNetwork {
  private static final Pattern ENDPOINT = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/fhir)\\s");
  private static final String MAIN_CLASS = "org.fhirledger.server.cli.FhirLedgerMain";

  private final Path dir;
  private final List<Process> processes;
  private final List<URI> bases;
  private final Thread stopOnExit;

  private ProcessNetwork(final Path dir, final List<Process> processes, final List<URI> bases, final Thread stopOnExit) {
    this.dir = dir;
    this.processes = processes;
    this.bases = bases;
    this.stopOnExit = stopOnExit;
  }

  /**
   * Writes a new network under {@code dir} and starts its nodes together.
   *
   * @param jvmOptions options for each node JVM, e.g. -Xmx1g (and -XX:StartFlightRecording=... to profile)
   */
  public static ProcessNetwork start(final Path dir, final int nodes, final List<String> jvmOptions, final Duration startTimeout)
      throws IOException, InterruptedException {
    final NetworkInitializer.Network network = NetworkInitializer.initialize(dir.resolve("net"), nodes, 0, "127.0.0.1", "fhirledger-bench");
    final List<Process> processes = new ArrayList<>();
    final List<CompletableFuture<URI>> endpoints = new ArrayList<>();
    // A bench stopped by a signal (Ctrl-C, a test runner's timeout) must not leave its nodes running.
    final Thread stopOnExit = new Thread(() -> stop(processes), "bench-stop-nodes");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    try {
      for (int i = 0; i < nodes; i++) {
        final List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String o : jvmOptions) {
          cmd.add(o.replace("{node}", String.valueOf(i)).replace("{dir}", dir.toString()));
        }
        cmd.addAll(launcher());
        cmd.addAll(List.of("node", "--config", network.nodeConfigs().get(i).toString()));
        final Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        processes.add(p);
        endpoints.add(watch(p, dir.resolve("node-" + i + ".log")));
      }
      final List<URI> bases = new ArrayList<>();
      final long deadline = System.nanoTime() + startTimeout.toNanos();
      for (int i = 0; i < nodes; i++) {
        try {
          bases.add(endpoints.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (final ExecutionException | TimeoutException e) {
          throw new IllegalStateException("node " + i + " did not come up (log: " + dir.resolve("node-" + i + ".log") + ")", e);
        }
      }
      return new ProcessNetwork(dir, processes, List.copyOf(bases), stopOnExit);
    } catch (final IOException | InterruptedException | RuntimeException e) {
      stop(processes);
      removeHook(stopOnExit);
      throw e;
    }
  }

  /**
   * How to run the CLI in a child JVM: the Spring Boot jar this JVM was started from, else this JVM's
   * classpath (a classes folder, or a manifest-only jar as test runners use) with the CLI's main class.
   */
  static List<String> launcher() {
    final String cp = System.getProperty("java.class.path", "");
    if (cp.endsWith(".jar") && !cp.contains(java.io.File.pathSeparator) && isBootJar(Path.of(cp))) {
      return List.of("-jar", Path.of(cp).toAbsolutePath().toString());
    }
    return List.of("-cp", cp, MAIN_CLASS);
  }

  private static boolean isBootJar(final Path jar) {
    try (java.util.jar.JarFile f = new java.util.jar.JarFile(jar.toFile())) {
      final java.util.jar.Manifest m = f.getManifest();
      return m != null && String.valueOf(m.getMainAttributes().getValue("Main-Class")).startsWith("org.springframework.boot.loader");
    } catch (final IOException e) {
      return false;
    }
  }

  /** Copies the node's output to its log file and completes with its FHIR base once it printed it. */
  private static CompletableFuture<URI> watch(final Process p, final Path log) {
    final CompletableFuture<URI> endpoint = new CompletableFuture<>();
    final Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
          PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
        String line;
        while ((line = in.readLine()) != null) {
          out.println(line);
          final Matcher m = ENDPOINT.matcher(line + " ");
          if (!endpoint.isDone() && m.find()) {
            endpoint.complete(URI.create(m.group(1)));
          }
        }
      } catch (final IOException e) {
        endpoint.completeExceptionally(e);
      }
      endpoint.completeExceptionally(new IllegalStateException("node process ended before it was up"));
    }, "bench-node-output");
    t.setDaemon(true);
    t.start();
    return endpoint;
  }

  /** The folder of this network: net/ (keys, configs, data) and one log per node. */
  public Path directory() {
    return dir;
  }

  @Override
  public String mode() {
    return "processes";
  }

  @Override
  public List<URI> fhirBases() {
    return bases;
  }

  @Override
  public Optional<Integer> validators() {
    return Optional.of(processes.size());
  }

  @Override
  public List<NodeProbe> probes() {
    final List<NodeProbe> out = new ArrayList<>();
    for (int i = 0; i < processes.size(); i++) {
      out.add(new NodeProbe("hospital-" + i, processes.get(i).pid(), dir.resolve("net").resolve("node-" + i).resolve("data").resolve("postgres")));
    }
    return out;
  }

  @Override
  public Optional<Path> chainDirOfFirstNode() {
    return Optional.of(dir.resolve("net").resolve("node-0").resolve("data").resolve("chain"));
  }

  @Override
  public String usageNote() {
    return "per node process: JVM CPU, its embedded PostgreSQL's CPU, JVM peak RSS (VmHWM)";
  }

  /** SIGTERM (the node's shutdown hook closes RocksDB and stops its PostgreSQL), then SIGKILL after 30 s. */
  @Override
  public void close() {
    stop(processes);
    removeHook(stopOnExit);
  }

  private static void removeHook(final Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (final IllegalStateException e) {
      // the JVM is already shutting down: the hook is running or ran
    }
  }

  private static synchronized void stop(final List<Process> processes) {
    final List<ProcessHandle> descendants = new ArrayList<>();
    for (final Process p : processes) {
      p.descendants().forEach(descendants::add);
      p.destroy();
    }
    for (final Process p : processes) {
      try {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (final InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    // An embedded PostgreSQL outlives a node that was killed: stop any left.
    for (final ProcessHandle d : descendants) {
      if (d.isAlive()) {
        d.destroyForcibly();
      }
    }
  }
}
