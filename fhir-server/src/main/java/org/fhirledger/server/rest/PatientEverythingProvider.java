package org.fhirledger.server.rest;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import org.fhirledger.server.search.EverythingService;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

/** {@code GET|POST Patient/[id]/$everything} (paged with {@code _count} and the search page links). */
public final class PatientEverythingProvider {
  private final EverythingService everything;

  public PatientEverythingProvider(final EverythingService everything) {
    this.everything = everything;
  }

  @Operation(name = "$everything", idempotent = true, type = Patient.class)
  public IBundleProvider everything(@IdParam final IdType id) {
    return everything.patient(id.getIdPart());
  }
}
