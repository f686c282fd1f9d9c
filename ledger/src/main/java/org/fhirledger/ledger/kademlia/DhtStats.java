package org.fhirledger.ledger.kademlia;

/** Counters of one {@link KademliaProtocol}; written by its event loop only. */
public final class DhtStats {
  public long lookups;
  public long refreshes;
  public long republishes;
  public long repairs;
  public long timeouts;
  public long unsolicited;
  public long droppedNonMember;
  public long badValues;
  public long badStores;
  public long storesAccepted;
  public long storesRefused;
  public long valueRequests;
  public int maxRounds;

  void recordRounds(final int rounds) {
    maxRounds = Math.max(maxRounds, rounds);
  }

  @Override
  public String toString() {
    return "DhtStats[lookups=" + lookups + ", maxRounds=" + maxRounds + ", repairs=" + repairs + ", timeouts="
        + timeouts + ", badValues=" + badValues + ", storesAccepted=" + storesAccepted + ", storesRefused="
        + storesRefused + "]";
  }
}
