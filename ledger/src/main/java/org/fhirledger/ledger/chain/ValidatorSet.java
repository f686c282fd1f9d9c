package org.fhirledger.ledger.chain;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * The ordered validators in force at a height. n = |V|, f = floor((n-1)/3), quorum = floor((n+f)/2)+1
 * (= 2f+1 when n = 3f+1); the proposer of (h, r) is V[(h + r) mod n] (ipbft.md).
 */
public final class ValidatorSet {
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
}
