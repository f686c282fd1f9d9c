package org.fhirledger.server.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one phase of load. Closed loop: C client threads, each sending its next request when the last one
 * answered (clients spread round-robin over the nodes). Open loop: one pacing thread sends at a fixed rate,
 * whatever the answers, with latency measured from when each request was due.
 */
public final class LoadDriver implements AutoCloseable {
  /**
   * The closed-loop clients' HTTP library. Apache HttpClient 5 classic (blocking, a pooled keep-alive connection
   * per client) costs the bench JVM less CPU per request than java.net.http, whose every send goes through its
   * selector thread and CompletableFutures (docs/benchmarks.md has the figures). The open loop always uses
   * java.net.http's sendAsync: one pacing thread, many requests outstanding.
   */
  public enum HttpLibrary {
    APACHE, JDK;

    public static HttpLibrary parse(final String s) {
      return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "apache" -> APACHE;
        case "jdk" -> JDK;
        default -> throw new IllegalArgumentException("--http-client must be apache or jdk, not '" + s + "'");
      };
    }
  }

  /** Told once a second while a phase runs. */
  public interface Progress {
    void second(String label, PhaseMetrics.Second second, PhaseMetrics metrics, int inFlight);
  }

  /**
   * What a phase did. {@code seconds} is the measuring window; in an open loop the requests sent in it are
   * all awaited (the drain after it), so the committed rate is that of the offered load the network kept up
   * with, not short by the requests whose answers were still on their way when the window closed.
   */
  public record PhaseResult(String label, PhaseMetrics metrics, long startMillis, long endMillis, double seconds, int inFlightAtWindowEnd) {
    public double committedPerSecond() {
      return seconds > 0 ? metrics.committed() / seconds : 0;
    }

    public double resourcesPerSecond() {
      return seconds > 0 ? metrics.resources() / seconds : 0;
    }
  }

  private final HttpClient http;
  private final Workloads workloads;
  private final WorkloadMix mix;
  private final long seed;
  private final Progress progress;
  private final Duration drainTimeout;
  private final BlockingSender sender;

  /** @param clients closed-loop clients at most: the Apache pool keeps one connection per client */
  public LoadDriver(final HttpClient http, final HttpLibrary library, final int clients, final Workloads workloads, final WorkloadMix mix,
      final long seed, final Progress progress, final Duration drainTimeout) {
    this.http = http;
    this.sender = library == HttpLibrary.APACHE ? new ApacheBlockingSender(clients, drainTimeout) : new JdkBlockingSender(http);
    this.workloads = workloads;
    this.mix = mix;
    this.seed = seed;
    this.progress = progress;
    this.drainTimeout = drainTimeout;
  }

  /** C clients until {@code maxOps} operations were sent (0: no limit) or {@code maxDuration} passed. */
  public PhaseResult closedLoop(final String label, final int clients, final long maxOps, final Duration maxDuration) throws InterruptedException {
    final PhaseMetrics metrics = new PhaseMetrics();
    final AtomicLong tickets = new AtomicLong();
    final AtomicInteger inFlight = new AtomicInteger();
    final long deadline = metrics.startNanos() + maxDuration.toNanos();
    final ScheduledExecutorService ticker = startTicker(label, metrics, inFlight);
    final List<Thread> threads = new ArrayList<>();
    try {
      for (int c = 0; c < clients; c++) {
        final int client = c;
        final SplittableRandom random = new SplittableRandom(seed * 1_000_003L + c);
        final Thread t = new Thread(() -> {
          while (System.nanoTime() < deadline && (maxOps <= 0 || tickets.getAndIncrement() < maxOps)) {
            final Workloads.Op op = workloads.next(mix.pick(random), client % workloads.nodes(), random);
            final long t0 = System.nanoTime();
            inFlight.incrementAndGet();
            try {
              final BlockingSender.Answer answer = sender.send(op.request(), op.kind() == WorkloadKind.SEARCH);
              complete(op, answer.status(), answer.body(), t0, metrics);
            } catch (final IOException e) {
              metrics.error(e.getClass().getSimpleName());
            } catch (final InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            } finally {
              inFlight.decrementAndGet();
            }
          }
        }, "bench-client-" + c);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
      for (final Thread t : threads) {
        t.join();
      }
    } finally {
      stopTicker(ticker);
    }
    metrics.tick();
    final double seconds = (System.nanoTime() - metrics.startNanos()) / 1e9;
    return new PhaseResult(label, metrics, metrics.startMillis(), System.currentTimeMillis(), seconds, 0);
  }

  /**
   * Offers {@code rate} operations per second for {@code duration}, then waits (up to the drain timeout) for
   * the answers still due. At most {@code maxInFlight} requests are outstanding; a request that finds the
   * client full counts as the error "client backlog full", which tells the network fell behind.
   */
  public PhaseResult openLoop(final String label, final double rate, final Duration duration, final int maxInFlight) throws InterruptedException {
    final PhaseMetrics metrics = new PhaseMetrics();
    final Semaphore slots = new Semaphore(maxInFlight);
    final AtomicInteger inFlight = new AtomicInteger();
    final ScheduledExecutorService ticker = startTicker(label, metrics, inFlight);
    final SplittableRandom random = new SplittableRandom(seed);
    final long start = metrics.startNanos();
    final long end = start + duration.toNanos();
    int inFlightAtEnd;
    try {
      for (long i = 0; ; i++) {
        final long due = RateController.dueNanos(start, i, rate);
        if (due >= end) {
          break;
        }
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        if (!slots.tryAcquire()) {
          metrics.error("client backlog full");
          continue;
        }
        final Workloads.Op op = workloads.next(mix.pick(random), (int) (i % workloads.nodes()), random);
        inFlight.incrementAndGet();
        http.sendAsync(op.request().toJdk(), handler(op)).whenComplete((response, failure) -> {
          if (failure == null) {
            complete(op, response.statusCode(), response.body(), due, metrics);
          } else {
            final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            metrics.error(cause.getClass().getSimpleName());
          }
          inFlight.decrementAndGet();
          slots.release();
        });
      }
      final long sleep = end - System.nanoTime();
      if (sleep > 0) {
        LockSupport.parkNanos(sleep);
      }
      inFlightAtEnd = inFlight.get();
      final long endMillis = System.currentTimeMillis();
      if (!slots.tryAcquire(maxInFlight, drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        metrics.error("not answered within the drain timeout");
      }
      stopTicker(ticker);
      metrics.tick();
      return new PhaseResult(label, metrics, metrics.startMillis(), endMillis, duration.toNanos() / 1e9, inFlightAtEnd);
    } finally {
      stopTicker(ticker);
    }
  }

  static HttpResponse.BodyHandler<String> handler(final Workloads.Op op) {
    return handler(op.kind() == WorkloadKind.SEARCH);
  }

  static HttpResponse.BodyHandler<String> handler(final boolean wantBody) {
    return wantBody ? HttpResponse.BodyHandlers.ofString() : HttpResponse.BodyHandlers.replacing(null);
  }

  private static void complete(final Workloads.Op op, final int status, final String body, final long startNanos, final PhaseMetrics metrics) {
    if (status >= 200 && status < 300) {
      final int resources = op.kind() == WorkloadKind.SEARCH ? countEntries(body) : op.resources();
      metrics.success(op.kind(), resources, System.nanoTime() - startNanos);
    } else {
      metrics.error("HTTP " + status);
    }
  }

  /** Entries of a searchset, counted without parsing: each has one fullUrl. */
  static int countEntries(final String body) {
    if (body == null) {
      return 0;
    }
    int n = 0;
    for (int at = body.indexOf("\"fullUrl\""); at >= 0; at = body.indexOf("\"fullUrl\"", at + 9)) {
      n++;
    }
    return n;
  }

  private ScheduledExecutorService startTicker(final String label, final PhaseMetrics metrics, final AtomicInteger inFlight) {
    final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      final Thread t = new Thread(r, "bench-ticker");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(() -> {
      final PhaseMetrics.Second s = metrics.tick();
      if (progress != null) {
        progress.second(label, s, metrics, inFlight.get());
      }
    }, 1, 1, TimeUnit.SECONDS);
    return ticker;
  }

  private static void stopTicker(final ScheduledExecutorService ticker) {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes the closed loop's connections (the java.net.http client belongs to the caller). */
  @Override
  public void close() {
    sender.close();
  }
}
