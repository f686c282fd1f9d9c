package org.fhirledger.ledger.kademlia;

import java.util.Comparator;
import java.util.Objects;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * A member as the DHT knows it: its key (how the transport addresses it) and the id derived from that key.
 * The network endpoint is not here: members are reached through the transport, which knows them by key.
 */
public record Contact(NodeId id, PublicKey key) {
  public Contact {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(key, "key");
  }

  public static Contact of(final PublicKey key) {
    return new Contact(NodeId.of(key), key);
  }

  /** Orders contacts by XOR distance to a target, closest first. */
  public static Comparator<Contact> byDistanceTo(final NodeId target) {
    return (a, b) -> target.compareDistance(a.id(), b.id());
  }

  @Override
  public String toString() {
    return id.toString();
  }
}
