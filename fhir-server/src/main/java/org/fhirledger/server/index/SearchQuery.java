package org.fhirledger.server.index;

import java.util.List;
import java.util.Objects;

/**
 * A type-level search: AND-ed criteria over the resources of one type that were current right after block
 * {@code asOfHeight}, in the given order.
 *
 * @param sort sort keys, first key first; empty: newest lastUpdated first
 */
public record SearchQuery(String type, List<Criterion> criteria, List<SortKey> sort, long asOfHeight) {
  public SearchQuery {
    Objects.requireNonNull(type, "type");
    criteria = List.copyOf(criteria);
    sort = List.copyOf(sort);
  }

  /** A sort key on a resource-level column. */
  public record SortKey(Column column, boolean descending) {}

  /** The columns a search can sort on. */
  public enum Column { LAST_UPDATED, ID }
}
