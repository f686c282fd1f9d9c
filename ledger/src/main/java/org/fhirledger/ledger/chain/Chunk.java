package org.fhirledger.ledger.chain;

import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.dag.ContentId;

/**
 * One Merkle-DAG node travelling with a block: its id and bytes, verified against each other on decode.
 * Immutable: the public constructor copies the bytes; {@link #wrap} takes ownership of a fresh array without a
 * copy (the DAG builder and the decoder, on the hot path, hand over arrays nobody else holds).
 */
public final class Chunk {
  public static final int MAX_CHUNK_BYTES = 1 << 20;

  private final ContentId id;
  private final byte[] data;

  public Chunk(final ContentId id, final byte[] data) {
    this(id, data.clone(), true);
  }

  private Chunk(final ContentId id, final byte[] owned, final boolean ignored) {
    this.id = java.util.Objects.requireNonNull(id, "id");
    this.data = owned;
  }

  /** A chunk over an array the caller created and will never touch again. */
  public static Chunk wrap(final ContentId id, final byte[] owned) {
    return new Chunk(id, owned, true);
  }

  public ContentId id() {
    return id;
  }

  public byte[] data() {
    return data.clone();
  }

  /** The bytes without a defensive copy, for hashing and storing on the hot path; callers must not modify them. */
  public byte[] dataUnsafe() {
    return data;
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof Chunk c && c.id.equals(id) && java.util.Arrays.equals(c.data, data);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "Chunk[" + id + ", " + data.length + " bytes]";
  }

  public int size() {
    return data.length;
  }

  public void write(final ByteWriter out) {
    id.write(out);
    out.bytes(data);
  }

  public static Chunk read(final ByteReader in) {
    final ContentId id = ContentId.read(in);
    final byte[] data = in.bytes(MAX_CHUNK_BYTES);
    if (!id.matches(data)) {
      throw new DecodingException("chunk " + id + " does not hash to its id");
    }
    return wrap(id, data);
  }
}
