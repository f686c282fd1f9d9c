package org.fhirledger.server.index;

import java.util.List;
import java.util.Objects;

/**
 * A composite parameter ({@code code-value-quantity=http://loinc.org|8480-6$gt100}): matches when one combination
 * row of the resource matches both components of one of the values.
 */
public record CompositeCriterion(String param, List<Pair> anyOf) implements Criterion {
  public CompositeCriterion {
    anyOf = List.copyOf(anyOf);
  }

  /**
   * The two components of one value, each as a one-value criterion of the component's type (token, reference,
   * string, date, number or quantity) whose parameter name is the component's.
   */
  public record Pair(Criterion first, Criterion second) {
    public Pair {
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(second, "second");
    }
  }
}
