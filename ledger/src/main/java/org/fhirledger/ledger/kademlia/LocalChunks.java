package org.fhirledger.ledger.kademlia;

import java.util.Collection;
import java.util.Optional;
import org.fhirledger.ledger.dag.ContentId;

/** The chunks this node holds for the DHT. Callers put only bytes already checked against their id. */
public interface LocalChunks {
  Optional<byte[]> get(ContentId id);

  boolean has(ContentId id);

  void put(ContentId id, byte[] data);

  /** The ids held, for republish and repair. */
  Collection<ContentId> ids();
}
