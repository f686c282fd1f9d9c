package org.fhirledger.server.index;

import java.util.Objects;

/**
 * One {@code _include} or {@code _revinclude} of a search. {@code _include=Observation:subject:Patient} follows the
 * {@code subject} references of Observations to Patients; {@code _revinclude=Observation:subject} finds the
 * Observations whose {@code subject} refers to a resource already in the page.
 *
 * @param reverse true for {@code _revinclude}
 * @param sourceType the type holding the reference; null for {@code _include=*} (any type)
 * @param param the reference parameter; null for {@code *} (every reference parameter)
 * @param targetType the only target type to follow, or null for any
 * @param iterate {@code :iterate}: applied to included resources too, not only to the matches
 */
public record Include(boolean reverse, String sourceType, String param, String targetType, boolean iterate) {
  public Include {
    if ((sourceType == null) != (param == null)) {
      throw new IllegalArgumentException("an include names both a source type and a parameter, or neither (*)");
    }
    if (reverse) {
      Objects.requireNonNull(param, "a _revinclude names its parameter");
    }
  }

  /** Whether this is {@code *}: every reference of the source. */
  public boolean wildcard() {
    return param == null;
  }
}
