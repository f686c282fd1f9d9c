package org.fhirledger.ledger.dag;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits content into leaves. The split must depend on the bytes alone, so every node cuts the same content
 * the same way and identical leaves are stored once. {@link FixedSizeChunker} today; FastCDC can replace it
 * without touching the DAG format.
 */
public interface Chunker {
  /** No leaf is ever longer than this. */
  int maxChunkSize();

  /**
   * The next leaf of the stream, or null at its end. An empty stream yields no leaf at all (the builder
   * then makes one empty leaf).
   */
  byte[] next(InputStream in) throws IOException;
}
