package org.fhirledger.server.rest;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IPagingProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Keeps the searches whose page links a node has handed out, in memory, for a fixed time after the first page
 * (each search stays pinned to its block height, so its later pages never shift). A link used after that time,
 * or one this node never issued (another node's, or one pushed out when more than {@code capacity} searches were
 * kept), answers 410 Gone with an OperationOutcome saying so.
 */
public final class ExpiringPagingProvider implements IPagingProvider {
  private record Kept(IBundleProvider results, Instant expires) {}

  private final int defaultPageSize;
  private final int maximumPageSize;
  private final Duration ttl;
  private final int capacity;
  private final Clock clock;
  // Insertion order is expiry order: every search lives the same time.
  private final LinkedHashMap<String, Kept> searches = new LinkedHashMap<>();

  public ExpiringPagingProvider(final int defaultPageSize, final int maximumPageSize, final Duration ttl, final int capacity, final Clock clock) {
    if (defaultPageSize < 1 || maximumPageSize < defaultPageSize || ttl.isNegative() || ttl.isZero() || capacity < 1) {
      throw new IllegalArgumentException("page sizes, time to live and capacity must be positive (default <= maximum)");
    }
    this.defaultPageSize = defaultPageSize;
    this.maximumPageSize = maximumPageSize;
    this.ttl = ttl;
    this.capacity = capacity;
    this.clock = clock;
  }

  @Override
  public int getDefaultPageSize() {
    return defaultPageSize;
  }

  @Override
  public int getMaximumPageSize() {
    return maximumPageSize;
  }

  @Override
  public synchronized String storeResultList(final RequestDetails request, final IBundleProvider results) {
    final Instant now = clock.instant();
    dropExpired(now);
    while (searches.size() >= capacity) {
      final Iterator<String> oldest = searches.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    final String id = UUID.randomUUID().toString();
    searches.put(id, new Kept(results, now.plus(ttl)));
    return id;
  }

  @Override
  public synchronized IBundleProvider retrieveResultList(final RequestDetails request, final String id) {
    final Instant now = clock.instant();
    final Kept kept = searches.get(id);
    if (kept != null && now.isBefore(kept.expires())) {
      return kept.results();
    }
    if (kept != null) {
      searches.remove(id);
      throw new ResourceGoneException("The page links of search " + id + " expired at " + kept.expires() + " (they last "
          + describe(ttl) + " after the first page); run the search again");
    }
    throw new ResourceGoneException("Search " + id + " is not known at this node: page links last " + describe(ttl)
        + " after the first page and work only at the node that answered it; run the search again");
  }

  private void dropExpired(final Instant now) {
    final Iterator<Map.Entry<String, Kept>> it = searches.entrySet().iterator();
    while (it.hasNext() && !now.isBefore(it.next().getValue().expires())) {
      it.remove();
    }
  }

  private static String describe(final Duration d) {
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }
}
