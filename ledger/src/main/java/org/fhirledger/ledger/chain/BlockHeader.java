package org.fhirledger.ledger.chain;

import java.util.Objects;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * A block header. The block hash is SHA-256 of this encoding; {@code transactionsRoot} is the RFC 6962
 * root over the transaction hashes and {@code contentRoot} the one over the ids of the chunks the block carries.
 */
public record BlockHeader(
    String chainId,
    long height,
    Hash32 parentHash,
    long timestamp,
    PublicKey proposer,
    int round,
    Hash32 transactionsRoot,
    Hash32 contentRoot) {
  public static final int ENCODING_VERSION = 1;

  public BlockHeader {
    Objects.requireNonNull(chainId);
    Objects.requireNonNull(parentHash);
    Objects.requireNonNull(proposer);
    Objects.requireNonNull(transactionsRoot);
    Objects.requireNonNull(contentRoot);
  }

  public byte[] encode() {
    final ByteWriter out = new ByteWriter(200);
    write(out);
    return out.toByteArray();
  }

  public void write(final ByteWriter out) {
    out.u8(ENCODING_VERSION).string(chainId).i64(height).hash(parentHash).i64(timestamp).key(proposer).i32(round);
    out.hash(transactionsRoot).hash(contentRoot);
  }

  public static BlockHeader read(final ByteReader in) {
    in.expectVersion(ENCODING_VERSION, "block header");
    return new BlockHeader(in.string(ResourceChange.MAX_NAME), in.i64(), in.hash(), in.i64(), in.key(), in.i32(), in.hash(), in.hash());
  }

  public Hash32 hash() {
    return Hash32.sha256(encode());
  }
}
