package org.fhirledger.server.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a workload needs on the server before it is measured: Synthea's provider batches for the bundle
 * workload, and Patients to read, update and search.
 */
final class SetupPhase {
  private static final Pattern PATIENT_ID = Pattern.compile("/Patient/([A-Za-z0-9\\-.]{1,64})");

  private final HttpClient http;
  private final Workloads workloads;

  SetupPhase(final HttpClient http, final Workloads workloads) {
    this.http = http;
    this.workloads = workloads;
  }

  /** Posts each batch Bundle once, at node 0 (they carry ifNoneExist, so a second run changes nothing). */
  void postBatches(final SyntheaBundles bundles) throws IOException, InterruptedException {
    for (final SyntheaBundles.NamedJson b : bundles.batches()) {
      final HttpResponse<String> r = http.send(workloads.post(0, "", b.json()), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException("setup: " + b.name() + " answered " + r.statusCode() + ": " + r.body());
      }
    }
  }

  /**
   * Posts every transaction Bundle of {@code bundles} once (copy 0 of its template), spread over the nodes by
   * {@code clients} threads, and gathers the search values from what each created.
   */
  SearchQueries loadForSearch(final SyntheaBundles bundles, final int clients, final com.fasterxml.jackson.databind.ObjectMapper mapper)
      throws InterruptedException {
    final SearchQueries queries = new SearchQueries();
    final AtomicLong next = new AtomicLong();
    final List<BundleTemplate> templates = bundles.transactions();
    final ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      final List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        final int node = c % workloads.nodes();
        final java.util.SplittableRandom random = new java.util.SplittableRandom(c);
        futures.add(pool.submit(() -> {
          long n;
          while ((n = next.getAndIncrement()) < templates.size()) {
            final String body = templates.get((int) n).instantiate(0, random);
            final HttpResponse<String> r = http.send(workloads.post(node, "", body), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
              throw new IllegalStateException("setup: " + templates.get((int) n).name() + " answered " + r.statusCode() + ": " + r.body());
            }
            queries.add(mapper.readTree(body), mapper.readTree(r.body()));
          }
          return null;
        }));
      }
      awaitAll(futures);
    } finally {
      pool.shutdownNow();
    }
    return queries;
  }

  /** Creates {@code count} Patients, spread over the nodes by {@code clients} threads; returns their ids. */
  List<String> createPatients(final int count, final int clients) throws InterruptedException {
    final List<String> ids = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong next = new AtomicLong();
    final ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      final List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        final int node = c % workloads.nodes();
        futures.add(pool.submit(() -> {
          long n;
          while ((n = next.getAndIncrement()) < count) {
            final HttpRequest req = workloads.post(node, "Patient", workloads.newPatientJson(-1 - n));
            final HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
              throw new IllegalStateException("setup: create answered " + r.statusCode() + ": " + r.body());
            }
            ids.add(idOf(r));
          }
          return null;
        }));
      }
      awaitAll(futures);
    } finally {
      pool.shutdownNow();
    }
    return List.copyOf(ids);
  }

  /** The id from Location (or Content-Location), else from the body's "id". */
  static String idOf(final HttpResponse<String> r) {
    for (final String h : List.of("location", "content-location")) {
      final java.util.Optional<String> v = r.headers().firstValue(h);
      if (v.isPresent()) {
        final Matcher m = PATIENT_ID.matcher(URI.create(v.get()).getPath());
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    final Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body() == null ? "" : r.body());
    if (m.find()) {
      return m.group(1);
    }
    throw new IllegalStateException("setup: no id in the answer to a create");
  }

  /** Waits for every setup worker; the first failure fails the setup with its cause. */
  private static void awaitAll(final List<Future<?>> futures) throws InterruptedException {
    for (final Future<?> f : futures) {
      try {
        f.get();
      } catch (final java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("setup failed: " + e.getCause().getMessage(), e.getCause());
      }
    }
  }
}
