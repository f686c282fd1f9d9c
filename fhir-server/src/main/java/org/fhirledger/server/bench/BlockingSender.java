package org.fhirledger.server.bench;

import java.io.IOException;

/** Sends one request and waits for its answer: what each closed-loop client thread does. */
interface BlockingSender extends AutoCloseable {
  /** The status, and the body when asked for (a search's entries are counted from it), else null. */
  record Answer(int status, String body) {}

  Answer send(Workloads.Request request, boolean wantBody) throws IOException, InterruptedException;

  @Override
  void close();
}
