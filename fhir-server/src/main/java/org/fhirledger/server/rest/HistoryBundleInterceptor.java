package org.fhirledger.server.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import org.fhirledger.server.search.HistoryEntries;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Shapes every history Bundle (first page and later pages alike): entries as R4 http.html#history says, and
 * page links pinned to the block height of the first page ({@link HistoryPages}).
 */
@Interceptor
public final class HistoryBundleInterceptor {
  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public boolean shapeHistory(final RequestDetails request, final ResponseDetails response) {
    if (response.getResponseResource() instanceof Bundle bundle && bundle.getType() == Bundle.BundleType.HISTORY) {
      HistoryEntries.shape(bundle);
      HistoryPages.shapeLinks(request, bundle);
    }
    return true;
  }
}
