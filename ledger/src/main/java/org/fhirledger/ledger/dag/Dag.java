package org.fhirledger.ledger.dag;

import java.util.List;
import java.util.Objects;
import org.fhirledger.ledger.chain.Chunk;

/**
 * The Merkle-DAG of one piece of content, built in memory: its root, the content size and every distinct
 * chunk (leaves in content order, then interior nodes bottom-up, the root last). Small content is one leaf,
 * so then {@code chunks} holds exactly that leaf and {@code root} is its id.
 */
public record Dag(ContentId root, long size, List<Chunk> chunks) {
  public Dag {
    Objects.requireNonNull(root, "root");
    chunks = List.copyOf(chunks);
  }

  public DagLink link() {
    return new DagLink(root, size);
  }
}
