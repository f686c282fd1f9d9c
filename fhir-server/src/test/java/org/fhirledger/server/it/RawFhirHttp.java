package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw HTTP against one node, for the header-level cases; every FHIR body that comes back is validated. */
final class RawFhirHttp {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final String base;

  RawFhirHttp(final String base) {
    this.base = base;
  }

  /** A request builder for base + path; headers are name/value pairs. */
  HttpResponse<String> send(final String method, final String path, final String body, final String... headers) {
    final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      final HttpResponse<String> response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (!response.body().isBlank()) {
        FhirAssertions.assertValidFhir(response.body());
      }
      return response;
    } catch (final IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(final String path, final String... headers) {
    return send("GET", path, null, headers);
  }

  static String header(final HttpResponse<String> r, final String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  static void assertStatus(final HttpResponse<String> r, final int status) {
    assertThat(r.statusCode()).as("%s %s answered %s", r.request().method(), r.request().uri(), r.body()).isEqualTo(status);
  }
}
