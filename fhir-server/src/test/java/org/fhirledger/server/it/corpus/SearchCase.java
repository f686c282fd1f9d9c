package org.fhirledger.server.it.corpus;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One search of the corpus and the answer the oracle computed for it.
 *
 * @param query the search as a client writes it, relative to the server base ({@code Patient?family=Smi})
 * @param matches the {@code Type/id} of every match
 * @param order the matches in the order the server must return them, or null when the order is free
 * @param includes the resources a page must carry as {@code search.mode = include}, given that page's matches; null
 *     when the search has no {@code _include}/{@code _revinclude}
 * @param summaryCount the search asks for the total only ({@code _summary=count})
 * @param features what the search exercises, for the coverage table ({@code type:date}, {@code prefix:sa},
 *     {@code modifier:exact}, {@code chain:2}, ...)
 */
public record SearchCase(String query, Set<String> matches, List<String> order, Function<Set<String>, Set<String>> includes,
    boolean summaryCount, Set<String> features) {
  public String resourceType() {
    return query.substring(0, query.indexOf('?'));
  }

  /** Whether the query sets its own page size. */
  public boolean setsCount() {
    return query.contains("_count=");
  }

  @Override
  public String toString() {
    return query;
  }
}
