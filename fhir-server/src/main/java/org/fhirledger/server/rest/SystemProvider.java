package org.fhirledger.server.rest;

import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.fhirledger.server.dao.BundleProcessor;
import org.hl7.fhir.r4.model.Bundle;

/** System-level interactions: transaction and batch Bundles POSTed to the server base. */
public final class SystemProvider {
  private final BundleProcessor bundles;

  public SystemProvider(final BundleProcessor bundles) {
    this.bundles = bundles;
  }

  @Transaction
  public Bundle transaction(@TransactionParam final Bundle bundle, final RequestDetails request) {
    return bundles.process(bundle, RequestHeaders.clientId(request), request.getFhirServerBase());
  }
}
