package org.fhirledger.ledger.chain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * The ordered validators in force at a height. n = |V|, f = floor((n-1)/3), quorum = floor((n+f)/2)+1
 * (= 2f+1 when n = 3f+1); the proposer of (h, r) is V[(h + r) mod n] (ipbft.md). Immutable: a membership
 * change makes a new set ({@link #with}, {@link #without}), so the order, and with it the proposer rotation, is
 * decided by the chain alone.
 */
public final class ValidatorSet {
  public static final int ENCODING_VERSION = 1;
  /** At most this many validators: far above any consortium, small enough to bound decoding. */
  public static final int MAX_VALIDATORS = 1024;

  private final List<Validator> validators;
  private final Map<PublicKey, Integer> indexByKey = new HashMap<>();

  public ValidatorSet(final List<Validator> validators) {
    if (validators.isEmpty()) {
      throw new IllegalArgumentException("a validator set is never empty");
    }
    this.validators = List.copyOf(validators);
    for (int i = 0; i < this.validators.size(); i++) {
      if (indexByKey.put(this.validators.get(i).publicKey(), i) != null) {
        throw new IllegalArgumentException("validator listed twice: " + this.validators.get(i).name());
      }
    }
  }

  public List<Validator> validators() {
    return validators;
  }

  public int size() {
    return validators.size();
  }

  public int maxFaulty() {
    return (size() - 1) / 3;
  }

  public int quorum() {
    return (size() + maxFaulty()) / 2 + 1;
  }

  public boolean contains(final PublicKey key) {
    return indexByKey.containsKey(key);
  }

  public int indexOf(final PublicKey key) {
    final Integer i = indexByKey.get(key);
    return i == null ? -1 : i;
  }

  public Optional<Validator> byKey(final PublicKey key) {
    final Integer i = indexByKey.get(key);
    return i == null ? Optional.empty() : Optional.of(validators.get(i));
  }

  public PublicKey proposer(final long height, final int round) {
    return validators.get((int) Math.floorMod(height + round, (long) size())).publicKey();
  }

  /** The set with the member appended (a new member takes the last place in the rotation). */
  public ValidatorSet with(final Validator member) {
    if (contains(member.publicKey())) {
      throw new IllegalArgumentException("already a validator: " + member.name());
    }
    final List<Validator> next = new ArrayList<>(validators);
    next.add(member);
    return new ValidatorSet(next);
  }

  /** The set without the member, the others keeping their order. */
  public ValidatorSet without(final PublicKey key) {
    if (!contains(key)) {
      throw new IllegalArgumentException("not a validator: " + key.toShortHex());
    }
    final List<Validator> next = new ArrayList<>(validators);
    next.remove(indexOf(key));
    return new ValidatorSet(next);
  }

  /** {@code u8 version(1), list<Validator>}: how the store keeps the validator set history. */
  public byte[] encode() {
    final ByteWriter out = new ByteWriter(16 + 96 * validators.size());
    out.u8(ENCODING_VERSION).i32(validators.size());
    for (final Validator v : validators) {
      v.write(out);
    }
    return out.toByteArray();
  }

  public static ValidatorSet decode(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    in.expectVersion(ENCODING_VERSION, "validator set");
    final int n = in.count(MAX_VALIDATORS, 40);
    final List<Validator> vs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      vs.add(Validator.read(in));
    }
    in.expectEnd();
    try {
      return new ValidatorSet(vs);
    } catch (final IllegalArgumentException e) {
      throw new org.fhirledger.ledger.codec.DecodingException("invalid validator set: " + e.getMessage());
    }
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof ValidatorSet s && s.validators.equals(validators);
  }

  @Override
  public int hashCode() {
    return validators.hashCode();
  }

  @Override
  public String toString() {
    final StringBuilder sb = new StringBuilder("ValidatorSet[");
    for (int i = 0; i < validators.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(validators.get(i).name());
    }
    return sb.append(']').toString();
  }
}
