package org.fhirledger.ledger.dag;

import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * Test content that is generated, not stored: {@code size} pseudo-random bytes from a seed, optionally with the
 * byte at one offset replaced, streamed in O(1) memory. The same arguments always give the same bytes.
 */
public final class SeededContent extends InputStream {
  private final SplittableRandom random;
  private final long size;
  private final long editAt;
  private final int editValue;
  private long position;
  private long word;
  private int wordBytesLeft;

  private SeededContent(final long size, final long seed, final long editAt, final int editValue) {
    this.random = new SplittableRandom(seed);
    this.size = size;
    this.editAt = editAt;
    this.editValue = editValue;
  }

  public static SeededContent of(final long size, final long seed) {
    return new SeededContent(size, seed, -1, 0);
  }

  /** The same bytes as {@code of(size, seed)} except that the byte at {@code offset} is XORed with 0x5a. */
  public static SeededContent withByteChanged(final long size, final long seed, final long offset) {
    return new SeededContent(size, seed, offset, 0x5a);
  }

  private int nextByte() {
    if (wordBytesLeft == 0) {
      word = random.nextLong();
      wordBytesLeft = 8;
    }
    final int b = (int) (word >>> (8 * --wordBytesLeft)) & 0xff;
    return position++ == editAt ? b ^ editValue : b;
  }

  @Override
  public int read() {
    return position >= size ? -1 : nextByte();
  }

  @Override
  public int read(final byte[] b, final int off, final int len) {
    if (len == 0) {
      return 0;
    }
    if (position >= size) {
      return -1;
    }
    final int n = (int) Math.min(len, size - position);
    for (int i = 0; i < n; i++) {
      b[off + i] = (byte) nextByte();
    }
    return n;
  }
}
