package org.fhirledger.server.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;

/** java.net.http's blocking send; the client is shared with the open loop and the status calls, so not closed here. */
final class JdkBlockingSender implements BlockingSender {
  private final HttpClient http;

  JdkBlockingSender(final HttpClient http) {
    this.http = http;
  }

  @Override
  public Answer send(final Workloads.Request request, final boolean wantBody) throws IOException, InterruptedException {
    final HttpResponse<String> r = http.send(request.toJdk(), LoadDriver.handler(wantBody));
    return new Answer(r.statusCode(), r.body());
  }

  @Override
  public void close() {
    // owned by the caller
  }
}
