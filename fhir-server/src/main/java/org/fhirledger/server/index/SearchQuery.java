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

  /**
   * A sort key: a resource-level column, or a search parameter whose index rows give the value (its lowest value
   * ascending, its highest descending; a resource without a value sorts last either way).
   *
   * @param param the search parameter for the parameter columns; null for {@code LAST_UPDATED} and {@code ID}
   */
  public record SortKey(Column column, boolean descending, String param) {
    public SortKey {
      Objects.requireNonNull(column, "column");
      if (column.table() != null) {
        Objects.requireNonNull(param, "a parameter sort key names its parameter");
      }
    }

    public SortKey(final Column column, final boolean descending) {
      this(column, descending, null);
    }
  }

  /** What a search can sort on: resource columns, or the index table of a parameter's type. */
  public enum Column {
    LAST_UPDATED(null, null, null),
    ID(null, null, null),
    STRING("spidx_string", "value_normalized", "value_normalized"),
    TOKEN("spidx_token", "sp_value", "sp_value"),
    DATE("spidx_date", "value_low", "value_high"),
    URI("spidx_uri", "uri", "uri"),
    /** A number's range {@code [low, high]}: ascending by its lowest value, descending by its highest. */
    NUMBER("spidx_number", "value_low", "value_high"),
    /**
     * A quantity in canonical UCUM units where the server converts them (1.5 g/L and 150 mg/dL sort together); a
     * quantity in other units sorts by its value as written.
     */
    QUANTITY("spidx_quantity", "canonical_low", "canonical_high"),
    REFERENCE("spidx_reference", "coalesce(target_type || '/' || target_id, target_url)", "coalesce(target_type || '/' || target_id, target_url)");

    private final String table;
    private final String ascending;
    private final String descending;

    Column(final String table, final String ascending, final String descending) {
      this.table = table;
      this.ascending = ascending;
      this.descending = descending;
    }

    /** The index table of a parameter column, null for a resource column. */
    public String table() {
      return table;
    }

    /** The value expression that sorts: its min ascending, its max descending (a date's low and high ends). */
    String valueExpression(final boolean desc) {
      return desc ? descending : ascending;
    }
  }
}
