package org.fhirledger.ledger.codec;

import java.io.ByteArrayOutputStream;
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
  private final ByteArrayOutputStream out;

  public ByteWriter() {
    this(256);
  }

  public ByteWriter(final int initialCapacity) {
    this.out = new ByteArrayOutputStream(initialCapacity);
  }

  public ByteWriter u8(final int v) {
    out.write(v & 0xff);
    return this;
  }

  public ByteWriter bool(final boolean v) {
    return u8(v ? 1 : 0);
  }

  public ByteWriter i32(final int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
    return this;
  }

  public ByteWriter i64(final long v) {
    i32((int) (v >>> 32));
    return i32((int) v);
  }

  /** Raw bytes with no length prefix: only for fixed-size fields. */
  public ByteWriter raw(final byte[] b) {
    out.writeBytes(b);
    return this;
  }

  public ByteWriter bytes(final byte[] b) {
    i32(b.length);
    out.writeBytes(b);
    return this;
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
    return out.size();
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }
}
