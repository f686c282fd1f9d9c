package org.fhirledger.ledger.store;

import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.dag.ContentId;

/**
 * One applied version of a resource, as the world state records it: where it is on the chain and where
 * its content is. {@code content} is null for a delete. The head of a resource is its newest version.
 */
public record ResourceVersion(
    String resourceType,
    String resourceId,
    long versionId,
    Operation operation,
    ContentId content,
    long contentSize,
    long timestamp,
    long height,
    int txIndex,
    Hash32 txHash,
    PublicKey origin) {

  public boolean deleted() {
    return operation == Operation.DELETE;
  }
}
