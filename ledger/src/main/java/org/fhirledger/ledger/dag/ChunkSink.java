package org.fhirledger.ledger.dag;

import org.fhirledger.ledger.chain.Chunk;

/** Receives the chunks of a DAG as {@link DagBuilder} makes them: each distinct chunk once, children before parents. */
@FunctionalInterface
public interface ChunkSink {
  void accept(Chunk chunk);
}
