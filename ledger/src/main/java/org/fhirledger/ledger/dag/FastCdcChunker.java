package org.fhirledger.ledger.dag;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.crypto.Sha256;

/**
 * FastCDC content-defined chunking (Xia et al., USENIX ATC 2016) with normalized chunking: a gear rolling hash
 * {@code fp = (fp << 1) + GEAR[byte]} over each leaf, skipping the first {@code min} bytes, and a cut after the
 * first byte where the hash's top bits are all zero: {@code log2(average) + 2} bits before the average size,
 * {@code log2(average) - 2} bits after it, and always at {@code max}. Because a cut depends only on the bytes
 * just before it, an edit moves at most the cuts next to it and later leaves are the same as before.
 *
 * <p>The gear table is fixed for the protocol: {@code GEAR[i]} is the first 8 bytes (big-endian) of
 * {@code SHA-256("fhirledger/fastcdc/gear/v1" || i)} with {@code i} as one byte, so every node derives the
 * same table and cuts the same content the same way (docs/protocol/encoding.md).
 *
 * <p>A stream is read through a buffer of {@code 2 * max} bytes; nothing else is held.
 */
public final class FastCdcChunker implements Chunker {
  public static final int DEFAULT_MIN_SIZE = 16 * 1024;
  public static final int DEFAULT_AVERAGE_SIZE = 64 * 1024;
  public static final int DEFAULT_MAX_SIZE = 256 * 1024;
  static final String GEAR_SEED = "fhirledger/fastcdc/gear/v1";
  private static final long[] GEAR = gearTable();
  // normalization level 2: two more mask bits before the average size, two fewer after it
  private static final int NORMALIZATION = 2;

  private final int minSize;
  private final int averageSize;
  private final int maxSize;
  private final long strictMask;
  private final long looseMask;

  /** The protocol's chunker: 16 KiB min, 64 KiB average, 256 KiB max. */
  public FastCdcChunker() {
    this(DEFAULT_MIN_SIZE, DEFAULT_AVERAGE_SIZE, DEFAULT_MAX_SIZE);
  }

  /** Another size range (tests use small ones); the average must be a power of two of at least 2^4. */
  public FastCdcChunker(final int minSize, final int averageSize, final int maxSize) {
    if (Integer.bitCount(averageSize) != 1 || averageSize < 16) {
      throw new IllegalArgumentException("average size must be a power of two >= 16, got " + averageSize);
    }
    if (minSize < 1 || minSize >= averageSize || averageSize >= maxSize || maxSize > Chunk.MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException("need 0 < min < average < max <= " + Chunk.MAX_CHUNK_BYTES + ", got "
          + minSize + " / " + averageSize + " / " + maxSize);
    }
    this.minSize = minSize;
    this.averageSize = averageSize;
    this.maxSize = maxSize;
    final int bits = Integer.numberOfTrailingZeros(averageSize);
    this.strictMask = topBits(bits + NORMALIZATION);
    this.looseMask = topBits(bits - NORMALIZATION);
  }

  private static long topBits(final int n) {
    return -1L << (64 - n);
  }

  static long[] gearTable() {
    final long[] table = new long[256];
    final MessageDigest sha = Sha256.newDigest();
    final byte[] seed = GEAR_SEED.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 256; i++) {
      sha.update(seed);
      sha.update((byte) i);
      table[i] = ByteBuffer.wrap(sha.digest()).getLong();
    }
    return table;
  }

  public int minSize() {
    return minSize;
  }

  public int averageSize() {
    return averageSize;
  }

  @Override
  public int maxChunkSize() {
    return maxSize;
  }

  /**
   * The length of the leaf that starts at {@code from}, where {@code length} bytes are available: at least
   * {@code min(max, length)} unless the stream ends there, in which case the tail is cut where it ends.
   */
  int cut(final byte[] buf, final int from, final int length) {
    if (length <= minSize) {
      return length;
    }
    final int end = Math.min(length, maxSize);
    final int normal = Math.min(averageSize, end);
    long fp = 0;
    int i = minSize;
    for (; i < normal; i++) {
      fp = (fp << 1) + GEAR[buf[from + i] & 0xff];
      if ((fp & strictMask) == 0) {
        return i + 1;
      }
    }
    for (; i < end; i++) {
      fp = (fp << 1) + GEAR[buf[from + i] & 0xff];
      if ((fp & looseMask) == 0) {
        return i + 1;
      }
    }
    return end;
  }

  @Override
  public Leaves leaves(final InputStream in) {
    return new Cutter(in);
  }

  /** Keeps at least {@code max} bytes ahead of the cut (or all that is left), so every cut sees what it needs. */
  private final class Cutter implements Leaves {
    private final InputStream in;
    private final byte[] buf = new byte[2 * maxSize];
    private int start;
    private int end;
    private boolean eof;

    Cutter(final InputStream in) {
      this.in = in;
    }

    @Override
    public byte[] next() throws IOException {
      if (end - start < maxSize && !eof) {
        refill();
      }
      if (start == end) {
        return null;
      }
      final int n = cut(buf, start, end - start);
      final byte[] leaf = Arrays.copyOfRange(buf, start, start + n);
      start += n;
      return leaf;
    }

    private void refill() throws IOException {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
      final int wanted = buf.length - end;
      final int read = in.readNBytes(buf, end, wanted);
      end += read;
      eof = read < wanted;
    }
  }
}
