package org.fhirledger.ledger.node;

import org.fhirledger.ledger.store.ContentTerms;

/**
 * The application's part of deterministic execution: which condition keys and references a resource's
 * content carries. The ledger knows nothing of FHIR; the FHIR layer supplies this. It must be a pure function
 * of its arguments (every node runs it on the same bytes and must get the same terms), and it must not
 * throw on content it cannot read: such content simply has no terms.
 */
@FunctionalInterface
public interface ContentTermExtractor {
  ContentTermExtractor NONE = (type, content) -> ContentTerms.NONE;

  ContentTerms extract(String resourceType, byte[] content);
}
