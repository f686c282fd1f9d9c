package org.fhirledger.server.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Apache HttpClient 5 classic: the calling thread writes the request and reads the answer on a pooled keep-alive
 * connection, with no selector thread or future in between. Everything a load generator does not need (retries,
 * redirects, cookies, auth cache, compression, connection state) is off, so each request does as little as it can.
 */
final class ApacheBlockingSender implements BlockingSender {
  private static final ContentType FHIR_JSON = ContentType.create(Workloads.FHIR_JSON, StandardCharsets.UTF_8);

  private final CloseableHttpClient client;

  /**
   * @param clients threads that send at once: each keeps its own connection (per node, so per route)
   * @param timeout connect and response timeout
   */
  ApacheBlockingSender(final int clients, final Duration timeout) {
    final Timeout t = Timeout.of(timeout);
    this.client = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(Math.max(2, clients))
            .setMaxConnPerRoute(Math.max(2, clients))
            .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
            .build())
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(t).setConnectionRequestTimeout(t).setRedirectsEnabled(false).build())
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableAuthCaching()
        .disableContentCompression()
        .disableConnectionState()
        .build();
  }

  @Override
  public Answer send(final Workloads.Request request, final boolean wantBody) throws IOException {
    final HttpUriRequestBase r = new HttpUriRequestBase(request.method(), request.uri());
    r.setHeader("Accept", Workloads.FHIR_JSON);
    if (request.body() != null) {
      r.setEntity(new StringEntity(request.body(), FHIR_JSON));
    }
    if (request.returnMinimal()) {
      r.setHeader("Prefer", "return=minimal");
    }
    return client.execute(r, response -> {
      final HttpEntity entity = response.getEntity();
      String body = null;
      if (entity != null) {
        if (wantBody) {
          body = EntityUtils.toString(entity, StandardCharsets.UTF_8);
        } else {
          // read to the end, so that the connection goes back to the pool for the next request
          EntityUtils.consume(entity);
        }
      }
      return new Answer(response.getCode(), body);
    });
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
