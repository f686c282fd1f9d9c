package org.fhirledger.server.config;

import ca.uhn.fhir.context.FhirContext;

/**
 * The one R4 FhirContext of the JVM: creating one costs ~75 ms and its first parse ~0.5 s (limits.md), and
 * it is thread-safe, so every node in a process shares it.
 */
public final class FhirContexts {
  private static final FhirContext R4 = FhirContext.forR4Cached();

  private FhirContexts() {}

  public static FhirContext r4() {
    return R4;
  }
}
