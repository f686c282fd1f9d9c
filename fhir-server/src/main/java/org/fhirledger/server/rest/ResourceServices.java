package org.fhirledger.server.rest;

import org.fhirledger.server.dao.LedgerResourceDao;
import org.fhirledger.server.search.HistoryService;
import org.fhirledger.server.search.TypeSearchService;
import org.fhirledger.server.validation.ResourceValidation;

/**
 * What every resource provider calls, and the server settings that change its answers.
 *
 * @param updateAsCreate a PUT to an id that never existed creates it (else 405)
 * @param validateWrites a PATCH result is validated before it is written (create and update bodies are
 *     validated by {@link org.fhirledger.server.validation.ValidateWritesInterceptor})
 */
public record ResourceServices(
    LedgerResourceDao dao,
    TypeSearchService search,
    HistoryService history,
    ResourceValidation validation,
    boolean updateAsCreate,
    boolean validateWrites) {}
