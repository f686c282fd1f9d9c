package org.fhirledger.ledger.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * Height 0: the chain id, the first validators and the trusted manager node that admits and removes
 * members. Its hash (SHA-256 of this encoding) is the parent hash of block 1, so every node of one
 * consortium agrees on it or talks to nobody.
 */
public record Genesis(String chainId, long timestamp, List<Validator> validators, PublicKey manager) {
  public static final int ENCODING_VERSION = 1;

  public Genesis {
    Objects.requireNonNull(chainId);
    Objects.requireNonNull(manager);
    validators = List.copyOf(validators);
  }

  public ValidatorSet validatorSet() {
    return new ValidatorSet(validators);
  }

  public byte[] encode() {
    final ByteWriter out = new ByteWriter(512);
    out.u8(ENCODING_VERSION).string(chainId).i64(timestamp).i32(validators.size());
    for (final Validator v : validators) {
      v.write(out);
    }
    out.key(manager);
    return out.toByteArray();
  }

  public static Genesis decode(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    in.expectVersion(ENCODING_VERSION, "genesis");
    final String chainId = in.string(256);
    final long ts = in.i64();
    final int n = in.count(1024, 40);
    final List<Validator> vs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      vs.add(Validator.read(in));
    }
    final PublicKey manager = in.key();
    in.expectEnd();
    return new Genesis(chainId, ts, vs, manager);
  }

  public Hash32 hash() {
    return Hash32.sha256(encode());
  }
}
