package org.fhirledger.server.index;

import java.util.List;

/** A quantity parameter: matches when one of the resource's quantities matches one of these values. */
public record QuantityCriterion(String param, List<QuantityValue> anyOf) implements Criterion {
  public QuantityCriterion {
    anyOf = List.copyOf(anyOf);
  }
}
