package org.fhirledger.ledger.chain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.SignatureVerifier;

/**
 * Proof that a block is final: a quorum of distinct validators' commit seals over (chain id, height, hash).
 * Stored with the block, so any node can prove finality to anyone, and a lagging node trusts no peer.
 */
public record CommitCertificate(long height, int round, Hash32 blockHash, List<CommitSeal> seals) {
  public static final int ENCODING_VERSION = 1;
  private static final int MAX_SEALS = 1024;

  public CommitCertificate {
    seals = List.copyOf(seals);
  }

  /** Null when valid, otherwise why not: the certificate must hold a quorum of distinct members' valid seals. */
  public String check(final String chainId, final ValidatorSet validators, final SignatureVerifier verifier) {
    final byte[] signed = CommitSeal.signedBytes(chainId, height, blockHash);
    final Set<PublicKey> seen = new HashSet<>();
    for (final CommitSeal seal : seals) {
      if (!validators.contains(seal.validator())) {
        return "seal from non-validator " + seal.validator();
      }
      if (!seen.add(seal.validator())) {
        return "two seals from validator " + seal.validator();
      }
      if (!verifier.verify(seal.validator(), signed, seal.signature())) {
        return "bad seal signature from " + seal.validator();
      }
    }
    if (seen.size() < validators.quorum()) {
      return "only " + seen.size() + " seals, quorum is " + validators.quorum();
    }
    return null;
  }

  public boolean isValid(final String chainId, final ValidatorSet validators, final SignatureVerifier verifier) {
    return check(chainId, validators, verifier) == null;
  }

  public byte[] encode() {
    final ByteWriter out = new ByteWriter(64 + 100 * seals.size());
    write(out);
    return out.toByteArray();
  }

  public void write(final ByteWriter out) {
    out.u8(ENCODING_VERSION).i64(height).i32(round).hash(blockHash).i32(seals.size());
    for (final CommitSeal s : seals) {
      s.write(out);
    }
  }

  public static CommitCertificate read(final ByteReader in) {
    in.expectVersion(ENCODING_VERSION, "commit certificate");
    final long height = in.i64();
    final int round = in.i32();
    final Hash32 hash = in.hash();
    final int n = in.count(MAX_SEALS, 100);
    final List<CommitSeal> seals = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      seals.add(CommitSeal.read(in));
    }
    return new CommitCertificate(height, round, hash, seals);
  }

  public static CommitCertificate decode(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    final CommitCertificate c = read(in);
    in.expectEnd();
    return c;
  }
}
