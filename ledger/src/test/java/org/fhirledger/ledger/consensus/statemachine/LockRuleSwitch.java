package org.fhirledger.ledger.consensus.statemachine;

/**
 * Test only: turns the lock rule off in a state machine (a validator locked on a block then prepares any other
 * proposal of a later round, justified or not), so that a test can show its schedule forks without the rule.
 */
public final class LockRuleSwitch {
  private LockRuleSwitch() {}

  public static IpbftStateMachine withoutLockRule(final IpbftStateMachine machine) {
    machine.lockRuleEnforced = false;
    return machine;
  }
}
