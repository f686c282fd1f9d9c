package org.fhirledger.ledger.node;

import java.util.List;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.fhirledger.ledger.store.LedgerStore;

/**
 * The transport's members as the applied chain says: the validators in force at the next height, read from
 * the store's validator history (the genesis set until the store is initialised). A member added by a
 * committed transaction is dialled and admitted from the next heartbeat; a removed one is disconnected at the
 * next heartbeat and its hello refused from then on.
 */
public final class ChainMemberDirectory implements MemberDirectory {
  private final LedgerStore store;
  private final Genesis genesis;

  public ChainMemberDirectory(final LedgerStore store, final Genesis genesis) {
    this.store = store;
    this.genesis = genesis;
  }

  @Override
  public List<Validator> members() {
    return store.validatorHistory().isEmpty() ? genesis.validators() : store.validatorsAt(store.height() + 1).validators();
  }
}
