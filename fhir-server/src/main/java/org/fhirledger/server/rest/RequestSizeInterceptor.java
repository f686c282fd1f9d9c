package org.fhirledger.server.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Refuses a request body over the configured limit with 413 before anything parses it. */
@Interceptor
public final class RequestSizeInterceptor {
  private final long maxBytes;

  public RequestSizeInterceptor(final long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_PROCESSED)
  public boolean checkSize(final HttpServletRequest request, final HttpServletResponse response) {
    final long length = request.getContentLengthLong();
    if (length > maxBytes) {
      throw new PayloadTooLargeException("Request body of " + length + " bytes is over this server's limit of " + maxBytes + " bytes");
    }
    return true;
  }
}
