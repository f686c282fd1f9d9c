package org.fhirledger.ledger.store;

/** The terms a resource has after a block: those of its newest version, or none once it is deleted. */
public record TermUpdate(String resourceType, String resourceId, ContentTerms terms) {}
