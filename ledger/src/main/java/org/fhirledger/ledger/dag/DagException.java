package org.fhirledger.ledger.dag;

/**
 * A DAG cannot be read: a chunk is missing, does not hash to its id, or is not a valid node. {@link #id()}
 * names the chunk at fault so a caller can fetch it from another holder.
 */
public class DagException extends RuntimeException {
  private final transient ContentId id;

  public DagException(final ContentId id, final String message) {
    super(message);
    this.id = id;
  }

  public ContentId id() {
    return id;
  }

  /** The chunk is not in the source. */
  public static final class MissingChunk extends DagException {
    public MissingChunk(final ContentId id) {
      super(id, "chunk " + id + " is missing");
    }
  }

  /** The chunk's bytes do not hash to its id, or its content is not what its parent says. */
  public static final class CorruptChunk extends DagException {
    public CorruptChunk(final ContentId id, final String why) {
      super(id, "chunk " + id + " is corrupt: " + why);
    }
  }
}
