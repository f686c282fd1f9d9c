package org.fhirledger.ledger.kademlia;

/**
 * The DHT's constants.
 *
 * @param k bucket size and the number of contacts a FIND_NODE answer carries (Kademlia's k = 20)
 * @param alpha queries in flight per lookup (Kademlia's alpha = 3)
 * @param replication r, the copies of each chunk; the consortium uses 2f+1 (the node sets it from the members)
 * @param requestTimeoutMillis how long an answer may take before the peer counts as failed for that request
 * @param refreshIntervalMillis a bucket without activity this long is refreshed by a lookup of a random id in it
 * @param republishIntervalMillis how often the closest holder of each chunk checks that the other r-1 hold it
 */
public record DhtConfig(
    int k,
    int alpha,
    int replication,
    long requestTimeoutMillis,
    long refreshIntervalMillis,
    long republishIntervalMillis) {
  public static final int DEFAULT_K = 20;
  public static final int DEFAULT_ALPHA = 3;
  public static final int DEFAULT_REPLICATION = 3;
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 5_000;
  public static final long DEFAULT_REFRESH_INTERVAL_MILLIS = 3_600_000;
  public static final long DEFAULT_REPUBLISH_INTERVAL_MILLIS = 600_000;
  /**
   * A STORE is accepted by a node among the chunk's r + STORE_SLACK closest in its own view: views differ
   * briefly while a member joins or leaves, but a member cannot make an arbitrary node hold its data.
   */
  public static final int STORE_SLACK = 3;
  /** A placement looks up this many contacts beyond r, to replace holders that refuse or fail. */
  public static final int STORE_SPARES = 3;

  public DhtConfig {
    if (k < 1 || alpha < 1 || replication < 1 || requestTimeoutMillis < 1 || refreshIntervalMillis < 1
        || republishIntervalMillis < 1) {
      throw new IllegalArgumentException("every DHT setting must be positive");
    }
  }

  public static DhtConfig defaults() {
    return new DhtConfig(DEFAULT_K, DEFAULT_ALPHA, DEFAULT_REPLICATION, DEFAULT_REQUEST_TIMEOUT_MILLIS,
        DEFAULT_REFRESH_INTERVAL_MILLIS, DEFAULT_REPUBLISH_INTERVAL_MILLIS);
  }

  /** r = 2f+1 for n members, f = floor((n-1)/3): content survives f faulty holders with a majority honest. */
  public static int replicationFor(final int members) {
    return Math.max(1, 2 * ((members - 1) / 3) + 1);
  }

  /**
   * The consortium's settings for n members: r = 2f+1, and k at least r, so that a node's table holds the whole
   * r-neighbourhood of any key near it (with r above k, lookups and repairs would work on a partial view).
   */
  public static DhtConfig forMembers(final int members) {
    final int r = replicationFor(members);
    return defaults().withReplication(r).withK(Math.max(DEFAULT_K, r));
  }

  public DhtConfig withK(final int value) {
    return new DhtConfig(value, alpha, replication, requestTimeoutMillis, refreshIntervalMillis,
        republishIntervalMillis);
  }

  public DhtConfig withReplication(final int value) {
    return new DhtConfig(k, alpha, value, requestTimeoutMillis, refreshIntervalMillis, republishIntervalMillis);
  }

  public DhtConfig withTimeouts(final long request, final long refresh, final long republish) {
    return new DhtConfig(k, alpha, replication, request, refresh, republish);
  }
}
