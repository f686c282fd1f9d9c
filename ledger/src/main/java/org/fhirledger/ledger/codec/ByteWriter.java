package org.fhirledger.ledger.codec;

import java.nio.charset.StandardCharsets;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * The one deterministic binary encoding of the ledger (docs/protocol/encoding.md): big-endian fixed-width
 * integers, byte strings and UTF-8 strings prefixed by a 4-byte length, lists prefixed by a 4-byte count,
 * optional values by a presence byte. No maps, no floating point, no varints: the same object gives the
 * same bytes on every node.
 */
public final class ByteWriter {
  private static final int MAX_SIZE = Integer.MAX_VALUE - 16;
  // A plain array rather than a ByteArrayOutputStream, whose every write(int) is synchronized: four monitor
  // enters per i32 made encoding blocks and votes a visible part of the event thread's profile.
  private byte[] buf;
  private int size;

  public ByteWriter() {
    this(256);
  }

  public ByteWriter(final int initialCapacity) {
    if (initialCapacity < 0) {
      throw new IllegalArgumentException("negative initial capacity " + initialCapacity);
    }
    this.buf = new byte[initialCapacity];
  }

  private void ensure(final int more) {
    final long needed = (long) size + more;
    if (needed > buf.length) {
      if (needed > MAX_SIZE) {
        throw new OutOfMemoryError("encoding larger than " + MAX_SIZE + " bytes");
      }
      buf = java.util.Arrays.copyOf(buf, (int) Math.min(MAX_SIZE, Math.max(needed, 2L * buf.length)));
    }
  }

  public ByteWriter u8(final int v) {
    ensure(1);
    buf[size++] = (byte) v;
    return this;
  }

  public ByteWriter bool(final boolean v) {
    return u8(v ? 1 : 0);
  }

  public ByteWriter i32(final int v) {
    ensure(4);
    buf[size] = (byte) (v >>> 24);
    buf[size + 1] = (byte) (v >>> 16);
    buf[size + 2] = (byte) (v >>> 8);
    buf[size + 3] = (byte) v;
    size += 4;
    return this;
  }

  public ByteWriter i64(final long v) {
    i32((int) (v >>> 32));
    return i32((int) v);
  }

  /** Raw bytes with no length prefix: only for fixed-size fields. */
  public ByteWriter raw(final byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, size, b.length);
    size += b.length;
    return this;
  }

  public ByteWriter bytes(final byte[] b) {
    i32(b.length);
    return raw(b);
  }

  public ByteWriter string(final String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  public ByteWriter hash(final Hash32 h) {
    return raw(h.toArray());
  }

  public ByteWriter key(final PublicKey k) {
    return raw(k.toArray());
  }

  public int size() {
    return size;
  }

  public byte[] toByteArray() {
    return java.util.Arrays.copyOf(buf, size);
  }
}
