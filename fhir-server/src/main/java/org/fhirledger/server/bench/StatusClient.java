package org.fhirledger.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads {@code GET [base]/$ledger-status} (a FHIR Parameters resource) and waits on it. */
public final class StatusClient {
  private static final Duration POLL = Duration.ofMillis(250);

  private final HttpClient http;
  private final ObjectMapper mapper;

  public StatusClient(final HttpClient http, final ObjectMapper mapper) {
    this.http = http;
    this.mapper = mapper;
  }

  /** The status parameters as text, or empty when the endpoint does not answer it (e.g. not a FHIR Ledger node). */
  public Optional<Map<String, String>> status(final URI base) {
    try {
      final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/$ledger-status"))
          .timeout(Duration.ofSeconds(5)).header("Accept", Workloads.FHIR_JSON).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return Optional.empty();
      }
      return Optional.of(parse(mapper.readTree(r.body())));
    } catch (final IOException e) {
      return Optional.empty();
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static Map<String, String> parse(final JsonNode parameters) {
    final Map<String, String> out = new HashMap<>();
    for (final JsonNode p : parameters.path("parameter")) {
      p.fieldNames().forEachRemaining(f -> {
        if (f.startsWith("value")) {
          out.put(p.path("name").asText(), p.get(f).asText());
        }
      });
    }
    return out;
  }

  public OptionalLong height(final URI base) {
    return status(base).map(s -> s.get("height")).map(h -> OptionalLong.of(Long.parseLong(h))).orElse(OptionalLong.empty());
  }

  /**
   * Waits until every node answers and, for a network the bench started, knows all validators and is connected
   * to all its peers. A plain FHIR server (a baseline) only has to answer {@code /metadata}.
   */
  public void awaitReady(final List<URI> bases, final Optional<Integer> validators, final Duration timeout) throws InterruptedException {
    final long deadline = System.nanoTime() + timeout.toNanos();
    for (final URI base : bases) {
      while (!ready(base, validators)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(base + " not ready within " + timeout.toSeconds() + " s");
        }
        Thread.sleep(POLL.toMillis());
      }
    }
  }

  private boolean ready(final URI base, final Optional<Integer> validators) {
    if (validators.isEmpty()) {
      return status(base).isPresent() || answersMetadata(base);
    }
    final int n = validators.get();
    return status(base).map(s -> String.valueOf(n).equals(s.get("validators")) && String.valueOf(n - 1).equals(s.get("connectedPeers")))
        .orElse(false);
  }

  private boolean answersMetadata(final URI base) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(base + "/metadata")).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (final IOException e) {
      return false;
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Waits until every ledger node has applied at least the highest height any of them reports now, so that a
   * resource created at one node can be read or referenced at every other. No-op for plain FHIR servers.
   */
  public void awaitConverged(final List<URI> bases, final Duration timeout) throws InterruptedException {
    long target = 0;
    for (final URI b : bases) {
      target = Math.max(target, height(b).orElse(0));
    }
    final long deadline = System.nanoTime() + timeout.toNanos();
    for (final URI b : bases) {
      while (height(b).isPresent() && height(b).getAsLong() < target) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(b + " did not reach height " + target + " within " + timeout.toSeconds() + " s");
        }
        Thread.sleep(POLL.toMillis());
      }
    }
  }
}
