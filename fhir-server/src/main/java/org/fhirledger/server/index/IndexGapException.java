package org.fhirledger.server.index;

/**
 * A block was offered above the next height the index expects; the caller must first apply the missing
 * blocks (from the chain) in order.
 */
public final class IndexGapException extends IndexException {
  private final long indexedHeight;
  private final long offeredHeight;

  public IndexGapException(final long indexedHeight, final long offeredHeight) {
    super("index is at height " + indexedHeight + ", cannot apply block " + offeredHeight + " (gap)");
    this.indexedHeight = indexedHeight;
    this.offeredHeight = offeredHeight;
  }

  public long indexedHeight() {
    return indexedHeight;
  }

  public long offeredHeight() {
    return offeredHeight;
  }
}
