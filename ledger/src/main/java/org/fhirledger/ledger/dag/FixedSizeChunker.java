package org.fhirledger.ledger.dag;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts content every {@code chunkSize} bytes; the last leaf holds the rest. Simple and fast, but inserting one
 * byte shifts every later cut, so edited content shares only the leaves before the edit: {@link FastCdcChunker}
 * is the default.
 */
public final class FixedSizeChunker implements Chunker {
  public static final int DEFAULT_CHUNK_SIZE = 256 * 1024;

  private final int chunkSize;

  public FixedSizeChunker() {
    this(DEFAULT_CHUNK_SIZE);
  }

  public FixedSizeChunker(final int chunkSize) {
    if (chunkSize < 1 || chunkSize > org.fhirledger.ledger.chain.Chunk.MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException("chunk size " + chunkSize + " out of range");
    }
    this.chunkSize = chunkSize;
  }

  @Override
  public int maxChunkSize() {
    return chunkSize;
  }

  @Override
  public Leaves leaves(final InputStream in) {
    return () -> next(in);
  }

  private byte[] next(final InputStream in) throws IOException {
    final byte[] buf = new byte[chunkSize];
    final int n = in.readNBytes(buf, 0, chunkSize);
    if (n == 0) {
      return null;
    }
    return n == chunkSize ? buf : Arrays.copyOf(buf, n);
  }
}
