package org.fhirledger.server.index;

import java.util.List;

/** A number parameter: matches when one of the resource's values matches one of these. */
public record NumberCriterion(String param, List<NumberValue> anyOf) implements Criterion {
  public NumberCriterion {
    anyOf = List.copyOf(anyOf);
  }
}
