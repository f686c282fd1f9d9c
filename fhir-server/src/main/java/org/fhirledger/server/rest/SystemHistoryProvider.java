package org.fhirledger.server.rest;

import ca.uhn.fhir.rest.annotation.At;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import java.util.Date;
import org.fhirledger.server.search.HistoryService;

/** {@code GET [base]/_history}: every version of every resource, newest first (a plain provider). */
public final class SystemHistoryProvider {
  private final HistoryService history;

  public SystemHistoryProvider(final HistoryService history) {
    this.history = history;
  }

  @History
  public IBundleProvider systemHistory(@Since final Date since, @At final DateRangeParam at, final RequestDetails request) {
    return HistoryPages.remember(request, history.system(since, at, HistoryPages.paging(request)));
  }
}
