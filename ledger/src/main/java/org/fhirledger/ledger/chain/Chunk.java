package org.fhirledger.ledger.chain;

import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.dag.ContentId;

/** One Merkle-DAG node travelling with a block: its id and bytes, verified against each other on decode. */
public record Chunk(ContentId id, byte[] data) {
  public static final int MAX_CHUNK_BYTES = 1 << 20;

  public Chunk {
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /** The bytes without a defensive copy, for hashing and storing on the hot path; callers must not modify them. */
  public byte[] dataUnsafe() {
    return data;
  }

  // a record compares arrays by identity: compare the bytes
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
    return new Chunk(id, data);
  }
}
