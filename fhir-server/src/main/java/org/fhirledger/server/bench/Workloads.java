package org.fhirledger.server.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes the HTTP request of each operation: raw FHIR JSON, no client-side parsing, so the client costs little
 * next to the nodes it drives on the same cores.
 */
public final class Workloads {
  /** One request and the resources it carries (or returns, for a search: counted from the response). */
  public record Op(WorkloadKind kind, int node, Request request, int resources) {}

  /**
   * An HTTP request as plain values, so that either client library can send it.
   *
   * @param body the JSON to send, or null for a GET
   * @param returnMinimal send {@code Prefer: return=minimal}
   */
  public record Request(String method, URI uri, String body, boolean returnMinimal, Duration timeout) {
    /** As a java.net.http request: Accept and Content-Type FHIR JSON. */
    public HttpRequest toJdk() {
      final HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", FHIR_JSON).header("Content-Type", FHIR_JSON);
      if (returnMinimal) {
        b.header("Prefer", "return=minimal");
      }
      return b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
    }
  }

  static final String FHIR_JSON = "application/fhir+json";

  private final List<URI> bases;
  private final List<String> patientIds;
  private final SyntheaBundles bundles;
  private final byte[] binaryPool;
  private final int binarySize;
  private final String runTag;
  private final Duration timeout;
  private final boolean returnMinimal;
  private final AtomicLong sequence = new AtomicLong();
  private final SearchQueries searchQueries;
  private volatile SearchKind searchKind = SearchKind.PATIENTS;

  /**
   * @param bases FHIR base URLs (…/fhir), one per node
   * @param patientIds ids created in the setup phase (for read and update)
   * @param bundles Synthea Bundles, or null when the mix has no bundle workload
   * @param binarySize bytes per Binary
   * @param runTag tells this run's identifiers from another's on a long-lived server
   */
  public Workloads(final List<URI> bases, final List<String> patientIds, final SyntheaBundles bundles, final int binarySize,
      final long seed, final String runTag, final Duration timeout, final boolean returnMinimal) {
    this(bases, patientIds, bundles, binarySize, seed, runTag, timeout, returnMinimal, null);
  }

  /** @param searchQueries values for the search kinds that need loaded data (null: only {@link SearchKind#PATIENTS}) */
  public Workloads(final List<URI> bases, final List<String> patientIds, final SyntheaBundles bundles, final int binarySize,
      final long seed, final String runTag, final Duration timeout, final boolean returnMinimal, final SearchQueries searchQueries) {
    this.searchQueries = searchQueries;
    this.bases = List.copyOf(bases);
    this.patientIds = patientIds;
    this.bundles = bundles;
    this.binarySize = binarySize;
    this.runTag = runTag;
    this.timeout = timeout;
    this.returnMinimal = returnMinimal;
    // Twice the size, read from a random offset: every Binary differs, so no chunk is stored once for many.
    this.binaryPool = new byte[binarySize > 0 ? binarySize * 2 : 0];
    new SplittableRandom(seed).nextBytes(binaryPool);
  }

  /** The search the search workload sends from now on (one kind per measured phase). */
  public void searchKind(final SearchKind kind) {
    if (kind.needsData() && (searchQueries == null || !searchQueries.supports(kind))) {
      throw new IllegalArgumentException("the search kind " + kind.label() + " needs loaded Synthea data with such values (--bundles)");
    }
    this.searchKind = kind;
  }

  public int nodes() {
    return bases.size();
  }

  public URI base(final int node) {
    return bases.get(node);
  }

  public Op next(final WorkloadKind kind, final int node, final SplittableRandom random) {
    final long n = sequence.incrementAndGet();
    if (kind == WorkloadKind.CREATE) {
      return new Op(kind, node, request("POST", node, "Patient", newPatientJson(n)), 1);
    }
    if (kind == WorkloadKind.UPDATE) {
      final String id = pickPatient(random);
      final String body = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"active\":true,\"name\":[{\"family\":\"Bench\",\"given\":[\"U"
          + n + "\"]}],\"gender\":\"female\",\"birthDate\":\"1980-01-01\"}";
      return new Op(kind, node, request("PUT", node, "Patient/" + id, body), 1);
    }
    if (kind == WorkloadKind.READ) {
      return new Op(kind, node, request("GET", node, "Patient/" + pickPatient(random), null), 1);
    }
    if (kind == WorkloadKind.SEARCH) {
      final SearchKind k = searchKind;
      final String path = searchQueries == null ? SearchKind.PATIENTS.shape() : searchQueries.path(k, random);
      return new Op(kind, node, request("GET", node, path, null), 0);
    }
    if (kind == WorkloadKind.BUNDLE) {
      final BundleTemplate t = bundles.transactions().get((int) (n % bundles.transactions().size()));
      return new Op(kind, node, request("POST", node, "", t.instantiate(n, random)), t.entries());
    }
    if (kind == WorkloadKind.BINARY) {
      final int offset = random.nextInt(binarySize + 1);
      final String data = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(binaryPool, offset, offset + binarySize));
      return new Op(kind, node, request("POST", node, "Binary", "{\"resourceType\":\"Binary\",\"contentType\":\"application/octet-stream\",\"data\":\"" + data + "\"}"), 1);
    }
    throw new IllegalArgumentException("no request for " + kind);
  }

  /** The small Patient of the create workload (and of the setup phase). */
  String newPatientJson(final long n) {
    return "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:fhirledger:bench\",\"value\":\"" + runTag + "-" + n
        + "\"}],\"active\":true,\"name\":[{\"family\":\"Bench" + n + "\",\"given\":[\"Load\"]}],\"gender\":\"female\",\"birthDate\":\"1980-01-01\"}";
  }

  HttpRequest post(final int node, final String path, final String body) {
    return request("POST", node, path, body).toJdk();
  }

  private Request request(final String method, final int node, final String path, final String body) {
    final String base = bases.get(node).toString();
    return new Request(method, URI.create(path.isEmpty() ? base : base + "/" + path), body, returnMinimal && body != null, timeout);
  }

  private String pickPatient(final SplittableRandom random) {
    if (patientIds.isEmpty()) {
      throw new IllegalStateException("no patients were created in the setup phase");
    }
    return patientIds.get(random.nextInt(patientIds.size()));
  }
}
