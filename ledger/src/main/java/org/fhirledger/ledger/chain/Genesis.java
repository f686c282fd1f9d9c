package org.fhirledger.ledger.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * Height 0: the chain id, the first validators, the trusted manager node that admits and removes members, and
 * the chain's large-content threshold. Its hash (SHA-256 of this encoding) is the parent hash of block 1, so
 * every node of one consortium agrees on it or talks to nobody.
 *
 * <p>{@code largeContentThreshold}: content larger than this many bytes is not carried by blocks but placed on
 * the r = 2f+1 XOR-closest validators, and its transaction carries their receipts (see
 * docs/protocol/large-content.md). A chain parameter, because every validator must agree which content needs
 * receipts. Encoding version 1 has no such field and means {@link #DEFAULT_LARGE_CONTENT_THRESHOLD}; a
 * genesis with another threshold is written as version 2 with the threshold at the end, so every genesis made
 * before it keeps its bytes and hash.
 */
public record Genesis(String chainId, long timestamp, List<Validator> validators, PublicKey manager, long largeContentThreshold) {
  public static final int ENCODING_VERSION = 1;
  /** The version of a genesis whose large-content threshold is not the default. */
  public static final int ENCODING_VERSION_WITH_THRESHOLD = 2;
  public static final long DEFAULT_LARGE_CONTENT_THRESHOLD = 1024L * 1024;
  /** Below this, placement would cost more in receipts than the content weighs (and one leaf is 256 KiB). */
  public static final long MIN_LARGE_CONTENT_THRESHOLD = 256L * 1024;

  public Genesis {
    Objects.requireNonNull(chainId);
    Objects.requireNonNull(manager);
    validators = List.copyOf(validators);
    if (largeContentThreshold < MIN_LARGE_CONTENT_THRESHOLD) {
      throw new IllegalArgumentException("the large-content threshold must be at least " + MIN_LARGE_CONTENT_THRESHOLD + " bytes");
    }
  }

  /** A genesis with the default large-content threshold. */
  public Genesis(final String chainId, final long timestamp, final List<Validator> validators, final PublicKey manager) {
    this(chainId, timestamp, validators, manager, DEFAULT_LARGE_CONTENT_THRESHOLD);
  }

  /** Whether content of this many bytes is placed on holders instead of travelling with its block. */
  public boolean isLarge(final long contentSize) {
    return contentSize > largeContentThreshold;
  }

  public ValidatorSet validatorSet() {
    return new ValidatorSet(validators);
  }

  public byte[] encode() {
    final ByteWriter out = new ByteWriter(512);
    final boolean defaultThreshold = largeContentThreshold == DEFAULT_LARGE_CONTENT_THRESHOLD;
    out.u8(defaultThreshold ? ENCODING_VERSION : ENCODING_VERSION_WITH_THRESHOLD).string(chainId).i64(timestamp).i32(validators.size());
    for (final Validator v : validators) {
      v.write(out);
    }
    out.key(manager);
    if (!defaultThreshold) {
      out.i64(largeContentThreshold);
    }
    return out.toByteArray();
  }

  public static Genesis decode(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    final int version = in.u8();
    if (version != ENCODING_VERSION && version != ENCODING_VERSION_WITH_THRESHOLD) {
      throw new DecodingException("unknown genesis encoding version " + version);
    }
    final String chainId = in.string(256);
    final long ts = in.i64();
    final int n = in.count(1024, 40);
    final List<Validator> vs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      vs.add(Validator.read(in));
    }
    final PublicKey manager = in.key();
    if (version == ENCODING_VERSION_WITH_THRESHOLD && in.remaining() != 8) {
      throw new DecodingException("genesis encoding version 2 ends with its 8-byte large-content threshold");
    }
    final long threshold = version == ENCODING_VERSION ? DEFAULT_LARGE_CONTENT_THRESHOLD : in.i64();
    in.expectEnd();
    if (version == ENCODING_VERSION_WITH_THRESHOLD && threshold == DEFAULT_LARGE_CONTENT_THRESHOLD) {
      throw new DecodingException("a genesis with the default threshold is encoded as version 1, not version 2");
    }
    try {
      return new Genesis(chainId, ts, vs, manager, threshold);
    } catch (final IllegalArgumentException e) {
      throw new DecodingException("invalid genesis: " + e.getMessage());
    }
  }

  public Hash32 hash() {
    return Hash32.sha256(encode());
  }
}
