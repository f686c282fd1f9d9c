package org.fhirledger.ledger.dag;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits content into leaves. The split must depend on the bytes alone, so every node cuts the same content
 * the same way and identical leaves are stored once: {@link FastCdcChunker} (content-defined, the default) or
 * {@link FixedSizeChunker}. A chunker is stateless and thread-safe; the {@link Leaves} of one stream are not.
 */
public interface Chunker {
  /** No leaf is ever longer than this; {@link DagBuilder} keeps content up to this size as one leaf. */
  int maxChunkSize();

  /** The leaves of one stream, read from it as they are asked for. */
  Leaves leaves(InputStream in);

  /** The leaves of one stream, in order. */
  @FunctionalInterface
  interface Leaves {
    /** The next leaf, or null at the end. An empty stream yields no leaf at all (the builder then makes one empty leaf). */
    byte[] next() throws IOException;
  }
}
