package org.fhirledger.ledger.consensus.statemachine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fhirledger.ledger.consensus.messages.Commit;
import org.fhirledger.ledger.consensus.messages.Prepare;
import org.fhirledger.ledger.consensus.messages.Proposal;
import org.fhirledger.ledger.consensus.messages.RoundChange;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;

/** The messages of one round of one height, at most one of each kind per author, and what this node sent in it. */
final class RoundState {
  Proposal proposal;
  final Map<PublicKey, Prepare> prepares = new LinkedHashMap<>();
  final Map<PublicKey, Commit> commits = new LinkedHashMap<>();
  final Map<PublicKey, RoundChange> roundChanges = new LinkedHashMap<>();
  boolean proposed;
  boolean sentPrepare;
  boolean sentCommit;

  List<Prepare> preparesFor(final Hash32 hash) {
    final List<Prepare> out = new ArrayList<>();
    for (final Prepare p : prepares.values()) {
      if (p.blockHash().equals(hash)) {
        out.add(p);
      }
    }
    return out;
  }
}
