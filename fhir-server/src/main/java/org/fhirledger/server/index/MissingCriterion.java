package org.fhirledger.server.index;

import java.util.Objects;

/**
 * {@code [param]:missing=true|false}: whether the resource has no value (true) or some value (false) of a parameter
 * in its index table.
 *
 * @param table the {@code spidx_*} table of the parameter's type
 */
public record MissingCriterion(String param, String table, boolean missing) implements Criterion {
  public MissingCriterion {
    Objects.requireNonNull(param, "param");
    if (!table.matches("spidx_[a-z]+")) {
      throw new IllegalArgumentException("not an index table: " + table);
    }
  }
}
