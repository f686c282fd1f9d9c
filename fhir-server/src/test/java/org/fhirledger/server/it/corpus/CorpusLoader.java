package org.fhirledger.server.it.corpus;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Resource;

/**
 * Loads Synthea Bundles into a network through HAPI's generic client, spread over the nodes, and reads every
 * written resource back by id (a transaction of GET entries per Bundle: the ledger's world state, not the search
 * index), so the oracle walks exactly what the server stored.
 */
public final class CorpusLoader {
  private final FhirContext fhir;
  private final List<IGenericClient> clients;

  public CorpusLoader(final FhirContext fhir, final List<IGenericClient> clients) {
    this.fhir = fhir;
    this.clients = List.copyOf(clients);
  }

  /** The Bundle files of a folder tree: batch Bundles (Synthea's hospitals, then practitioners) first, then transactions. */
  public static List<Path> bundleFiles(final Path folder) throws IOException {
    try (Stream<Path> s = Files.walk(folder)) {
      return batchesFirst(s.filter(p -> p.getFileName().toString().endsWith(".json")).toList());
    }
  }

  /** Synthea's hospital files, then its practitioner files (whose roles point at the hospitals), then the rest, by path. */
  public static List<Path> batchesFirst(final List<Path> files) {
    return files.stream().sorted(Comparator
        .comparing((Path p) -> p.getFileName().toString().startsWith("hospital") ? 0 : p.getFileName().toString().startsWith("practitioner") ? 1 : 2)
        .thenComparing(Path::toString)).toList();
  }

  /**
   * Posts every file (a batch one at a time, in order; the transactions four at a time, Bundle i at node i mod 4) and
   * returns the written resources as stored.
   */
  public List<Resource> load(final List<Path> files) throws IOException, InterruptedException {
    final List<Bundle> batches = new ArrayList<>();
    final List<Bundle> transactions = new ArrayList<>();
    for (final Path f : files) {
      final Bundle b = fhir.newJsonParser().parseResource(Bundle.class, Files.readString(f));
      (b.getType() == Bundle.BundleType.BATCH ? batches : transactions).add(b);
    }
    final List<Resource> out = new ArrayList<>();
    for (int i = 0; i < batches.size(); i++) {
      out.addAll(post(i, batches.get(i)));
    }
    out.addAll(postAll(transactions));
    return out;
  }

  /** Posts transactions in parallel, one client thread per node. */
  public List<Resource> postAll(final List<Bundle> transactions) throws InterruptedException {
    final ExecutorService pool = Executors.newFixedThreadPool(clients.size());
    try {
      final List<Future<List<Resource>>> futures = new ArrayList<>();
      for (int i = 0; i < transactions.size(); i++) {
        final int n = i;
        futures.add(pool.submit(() -> post(n, transactions.get(n))));
      }
      final List<Resource> out = new ArrayList<>();
      for (final Future<List<Resource>> f : futures) {
        out.addAll(f.get());
      }
      return out;
    } catch (final ExecutionException e) {
      throw new IllegalStateException("loading a Bundle failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Posts one Bundle at node {@code i mod n}; every entry must succeed; returns what it wrote, read back. */
  public List<Resource> post(final int i, final Bundle bundle) {
    final IGenericClient client = clients.get(i % clients.size());
    final Bundle response = client.transaction().withBundle(bundle).execute();
    final Bundle reads = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (final BundleEntryComponent e : response.getEntry()) {
      final String status = e.getResponse().getStatus();
      if (status == null || !status.startsWith("2") || !e.getResponse().hasLocation()) {
        throw new IllegalStateException("Bundle entry not written: " + status);
      }
      final String location = e.getResponse().getLocation();
      final int history = location.indexOf("/_history/");
      reads.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(history > 0 ? location.substring(0, history) : location);
    }
    final Bundle read = client.transaction().withBundle(reads).execute();
    final List<Resource> out = new ArrayList<>();
    for (final BundleEntryComponent e : read.getEntry()) {
      if (!e.hasResource()) {
        throw new IllegalStateException("read back failed: " + e.getResponse().getStatus());
      }
      out.add(e.getResource());
    }
    return out;
  }
}
