package org.fhirledger.server.dao;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * 503: the ledger could not commit in time or is overloaded; the client may retry later. Its OperationOutcome
 * carries issue code {@code transient}, the code FHIR gives to conditions that may pass.
 */
public final class ServiceUnavailableException extends BaseServerResponseException {
  public static final int STATUS_CODE = 503;

  public ServiceUnavailableException(final String message) {
    super(STATUS_CODE, message, outcome(message));
  }

  private static OperationOutcome outcome(final String message) {
    final OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.TRANSIENT).setDiagnostics(message);
    return oo;
  }
}
