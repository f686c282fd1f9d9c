package org.fhirledger.server.dao;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;

/** 503: the ledger could not commit in time or is overloaded; the client may retry later. */
public final class ServiceUnavailableException extends BaseServerResponseException {
  public static final int STATUS_CODE = 503;

  public ServiceUnavailableException(final String message) {
    super(STATUS_CODE, message);
  }
}
