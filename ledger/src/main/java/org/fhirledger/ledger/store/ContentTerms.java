package org.fhirledger.ledger.store;

import java.util.List;
import java.util.TreeSet;

/**
 * What the world state indexes of one live resource version, derived from its content by the application
 * (the FHIR layer): {@code keys} that conditions match on (e.g. {@code identifier=system|value}) and the
 * {@code references} it makes to other resources ({@code Type/id}). Sorted and distinct.
 */
public record ContentTerms(List<String> keys, List<String> references) {
  public static final ContentTerms NONE = new ContentTerms(List.of(), List.of());

  public ContentTerms {
    keys = List.copyOf(new TreeSet<>(keys));
    references = List.copyOf(new TreeSet<>(references));
  }

  public boolean isEmpty() {
    return keys.isEmpty() && references.isEmpty();
  }
}
