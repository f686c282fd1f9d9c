package org.fhirledger.ledger.codec;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * Reads the encoding written by {@link ByteWriter}. Every length is checked against the bytes that remain
 * before anything is allocated, so hostile input gives a {@link DecodingException}, never an OutOfMemoryError.
 */
public final class ByteReader {
  private final byte[] buf;
  private int pos;
  private final int end;

  public ByteReader(final byte[] buf) {
    this(buf, 0, buf.length);
  }

  public ByteReader(final byte[] buf, final int offset, final int length) {
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
  }

  private void need(final int n) {
    if (n < 0 || end - pos < n) {
      throw new DecodingException("truncated input: need " + n + " bytes at offset " + pos + ", have " + (end - pos));
    }
  }

  public int u8() {
    need(1);
    return buf[pos++] & 0xff;
  }

  public boolean bool() {
    final int b = u8();
    if (b > 1) {
      throw new DecodingException("boolean byte must be 0 or 1, got " + b);
    }
    return b == 1;
  }

  public int i32() {
    need(4);
    final int v = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8 | (buf[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  public long i64() {
    return ((long) i32() << 32) | (i32() & 0xffffffffL);
  }

  public byte[] raw(final int n) {
    need(n);
    final byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  public byte[] bytes(final int maxLength) {
    final int n = i32();
    if (n < 0 || n > maxLength) {
      throw new DecodingException("length " + n + " outside 0.." + maxLength);
    }
    return raw(n);
  }

  public String string(final int maxLength) {
    final byte[] b = bytes(maxLength);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(b))
          .toString();
    } catch (final CharacterCodingException e) {
      throw new DecodingException("invalid UTF-8 string");
    }
  }

  /** A list count, checked against a hard maximum and against the bytes left (each item takes at least minItemBytes). */
  public int count(final int max, final int minItemBytes) {
    final int n = i32();
    if (n < 0 || n > max || (long) n * Math.max(1, minItemBytes) > remaining()) {
      throw new DecodingException("list count " + n + " is impossible here (max " + max + ", " + remaining() + " bytes left)");
    }
    return n;
  }

  public Hash32 hash() {
    return Hash32.wrap(raw(Hash32.LENGTH));
  }

  public PublicKey key() {
    return PublicKey.wrap(raw(PublicKey.LENGTH));
  }

  /** SHA-256 of the bytes read from {@code start} (an earlier {@link #position()}) up to here, without copying them. */
  public Hash32 hashSince(final int start) {
    if (start < 0 || start > pos) {
      throw new IllegalArgumentException("start " + start + " is not behind position " + pos);
    }
    return Hash32.wrap(org.fhirledger.ledger.crypto.Sha256.digest(buf, start, pos - start));
  }

  public int position() {
    return pos;
  }

  public int remaining() {
    return end - pos;
  }

  /** Call after the last field: trailing bytes make an encoding ambiguous, so they are an error. */
  public void expectEnd() {
    if (pos != end) {
      throw new DecodingException((end - pos) + " trailing bytes after the encoded value");
    }
  }

  public void expectVersion(final int expected, final String what) {
    final int v = u8();
    if (v != expected) {
      throw new DecodingException("unknown " + what + " encoding version " + v + " (this node reads " + expected + ")");
    }
  }
}
