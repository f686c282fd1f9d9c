package org.fhirledger.ledger.node;

import java.util.Optional;
import java.util.function.Function;
import org.fhirledger.ledger.chain.MembershipChange;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.node.BlockExecutor.Rejection;

/**
 * Decides a membership transaction against the validator set it meets, with nothing else as input, so
 * that every node, the offline audit and the simulator decide it alike: only the genesis manager may sign
 * one, it carries exactly one {@link MembershipChange} and no conditions, an add must name a new key, a
 * removal a current one other than the manager's, and a removal never empties the set. The set it produces is in force from the next
 * height (the block's own certificate was made by the set before it).
 */
public final class MembershipRules {
  private MembershipRules() {
  }

  /** The set after the transaction, or why it was rejected (then {@code next} is the set it met). */
  public record Decision(ValidatorSet next, String rejection) {
    public boolean committed() {
      return rejection == null;
    }
  }

  /** True when the transaction asks for a membership change (alone or, wrongly, mixed with others). */
  public static boolean isMembership(final Transaction tx) {
    for (final ResourceChange c : tx.changes()) {
      if (MembershipChange.isMembership(c.operation())) {
        return true;
      }
    }
    return false;
  }

  public static Decision decide(
      final Transaction tx,
      final ValidatorSet current,
      final PublicKey manager,
      final Function<ContentId, Optional<byte[]>> content) {
    if (!tx.origin().equals(manager)) {
      return new Decision(current, Rejection.UNAUTHORIZED.because("only the trusted manager "
          + manager.toShortHex() + " may change the validators, not " + tx.origin().toShortHex()));
    }
    if (tx.changes().size() != 1 || !tx.conditions().isEmpty()) {
      return new Decision(current, Rejection.MALFORMED.because("a membership transaction carries one change and no conditions"));
    }
    final MembershipChange change;
    try {
      change = MembershipChange.from(tx.changes().get(0), content);
    } catch (final IllegalArgumentException e) {
      return new Decision(current, Rejection.MALFORMED.because(e.getMessage()));
    }
    final PublicKey key = change.member().publicKey();
    if (change.operation() == Operation.ADD_VALIDATOR) {
      if (current.contains(key)) {
        return new Decision(current, Rejection.MEMBER_EXISTS.because(describe(change, current) + " is already a validator"));
      }
      return new Decision(current.with(change.member()), null);
    }
    if (!current.contains(key)) {
      return new Decision(current, Rejection.NOT_A_MEMBER.because(key.toShortHex() + " is not a validator"));
    }
    if (current.size() == 1) {
      return new Decision(current, Rejection.LAST_VALIDATOR.because("removing " + describe(change, current) + " would leave no validator"));
    }
    if (key.equals(manager)) {
      // the transport admits validators only: a manager outside the set could never reach anyone to change it again
      return new Decision(current, Rejection.MANAGER_STAYS.because("the trusted manager " + describe(change, current)
          + " cannot be removed: nobody could change the validators afterwards"));
    }
    return new Decision(current.without(key), null);
  }

  private static String describe(final MembershipChange change, final ValidatorSet current) {
    final PublicKey key = change.member().publicKey();
    return current.byKey(key).map(v -> v.name() + " (" + key.toShortHex() + ")").orElse(change.member().name() + " (" + key.toShortHex() + ")");
  }
}
