package org.fhirledger.ledger.dag;

import java.util.Objects;

/** A pointer to a Merkle-DAG node and the size of the content under it: the root of a DAG or a child of a node. */
public record DagLink(ContentId id, long size) {
  public DagLink {
    Objects.requireNonNull(id, "id");
    if (size < 0) {
      throw new IllegalArgumentException("negative content size " + size);
    }
  }
}
