package org.fhirledger.ledger.dag;

import java.util.Optional;

/**
 * Where a reader gets chunks from: a local store ({@code ledgerStore::chunk}), a map in a test, or peers.
 * The bytes need not be trusted: {@link DagReader} checks every chunk against its id.
 */
@FunctionalInterface
public interface ChunkSource {
  Optional<byte[]> chunk(ContentId id);
}
