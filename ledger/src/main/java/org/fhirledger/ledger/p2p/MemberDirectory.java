package org.fhirledger.ledger.p2p;

import java.util.List;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.crypto.PublicKey;

/** Who the members are right now (genesis, then committed membership transactions) and where to reach them. */
public interface MemberDirectory {
  List<Validator> members();

  default boolean isMember(final PublicKey key) {
    return members().stream().anyMatch(v -> v.publicKey().equals(key));
  }
}
