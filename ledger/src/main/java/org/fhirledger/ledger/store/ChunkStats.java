package org.fhirledger.ledger.store;

/** How many distinct chunks a store holds and their total size in bytes (values only, keys not counted). */
public record ChunkStats(long count, long bytes) {
  /** What was added between an earlier reading and this one. */
  public ChunkStats minus(final ChunkStats earlier) {
    return new ChunkStats(count - earlier.count, bytes - earlier.bytes);
  }
}
