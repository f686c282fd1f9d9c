package org.fhirledger.ledger.store;

import java.util.Optional;
import org.fhirledger.ledger.dag.ContentId;

/** Merkle-DAG chunks by content id. Identical chunks are stored once; reads are verified against the id. */
public interface ChunkStore {
  Optional<byte[]> chunk(ContentId id);

  boolean hasChunk(ContentId id);

  /** Stores a chunk outside a block (e.g. large content placed on this node); the id must match the bytes. */
  void putChunk(ContentId id, byte[] data);
}
