package org.fhirledger.ledger.chain;

import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.Signer;

/** One validator's signature over (chain id, height, block hash): the piece of a commit certificate. */
public record CommitSeal(PublicKey validator, byte[] signature) {
  private static final byte[] DOMAIN = "fhirledger/commit-seal/v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  public CommitSeal {
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  // a record compares arrays by identity: without these two decodings of one seal would differ
  @Override
  public boolean equals(final Object o) {
    return o instanceof CommitSeal s && s.validator.equals(validator) && java.util.Arrays.equals(s.signature, signature);
  }

  @Override
  public int hashCode() {
    return 31 * validator.hashCode() + java.util.Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "CommitSeal[" + validator + "]";
  }

  /** The exact bytes a commit seal signs; a seal for one chain or height can never count for another. */
  public static byte[] signedBytes(final String chainId, final long height, final Hash32 blockHash) {
    return new ByteWriter(96).raw(DOMAIN).string(chainId).i64(height).hash(blockHash).toByteArray();
  }

  public static CommitSeal create(final Signer signer, final String chainId, final long height, final Hash32 blockHash) {
    return new CommitSeal(signer.publicKey(), signer.sign(signedBytes(chainId, height, blockHash)));
  }

  void write(final ByteWriter out) {
    out.key(validator).bytes(signature);
  }

  static CommitSeal read(final ByteReader in) {
    final PublicKey key = in.key();
    final byte[] sig = in.bytes(64);
    if (sig.length != 64) {
      throw new DecodingException("a commit seal signature has 64 bytes");
    }
    return new CommitSeal(key, sig);
  }
}
