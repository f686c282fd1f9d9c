package org.fhirledger.ledger.kademlia;

import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.dag.ContentId;

/** What {@link KademliaProtocol} keeps about its requests in flight and its operations. */
final class Requests {
  private Requests() {}

  /** Why a request was sent: decides what its answer, or its failure, leads to. */
  sealed interface Purpose {}

  /** Algorithm 1's ping of a full bucket's head. */
  record BucketPing() implements Purpose {}

  record LookupQuery(long op) implements Purpose {}

  record StoreRequest(long op) implements Purpose {}

  record FetchRequest(long op, ContentId id) implements Purpose {}

  /** A STORE to a holder chosen by the caller (placement of large content). */
  record DirectStore(long op, ContentId id) implements Purpose {}

  /** A STORE of repair or republish: nobody waits for it. */
  record ReplicaStore() implements Purpose {}

  record HaveProbe(List<ContentId> ids) implements Purpose {}

  record Pending(Contact to, long deadline, Purpose purpose) {}

  enum Kind { FIND_NODE, FIND_VALUE, STORE, REFRESH }

  /** A lookup, and for a STORE the placement that follows it. */
  static final class Operation {
    final long op;
    final Kind kind;
    final ContentId id;
    final Lookup lookup;
    List<Contact> candidates = List.of();
    int nextCandidate;
    int outstanding;
    final List<StorageReceipt> receipts = new ArrayList<>();
    final List<Contact> refused = new ArrayList<>();

    Operation(final long op, final Kind kind, final ContentId id, final Lookup lookup) {
      this.op = op;
      this.kind = kind;
      this.id = id;
      this.lookup = lookup;
    }
  }
}
