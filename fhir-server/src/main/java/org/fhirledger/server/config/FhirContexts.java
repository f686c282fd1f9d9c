package org.fhirledger.server.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;

/**
 * The one R4 FhirContext of the JVM: creating one costs ~75 ms and its first parse ~0.5 s (limits.md), and
 * it is thread-safe, so every node in a process shares it.
 */
public final class FhirContexts {
  private static final FhirContext R4 = FhirContext.forR4Cached();
  private static final FhirContext SERVER_R4 = strict(FhirContext.forR4());

  private FhirContexts() {}

  /** The lenient context, for clients and tools. */
  public static FhirContext r4() {
    return R4;
  }

  /**
   * The server's context: its parser rejects unknown or malformed elements (400) instead of dropping them, so
   * nothing a client sent is silently lost from a record that can never be rewritten.
   */
  public static FhirContext serverR4() {
    return SERVER_R4;
  }

  private static FhirContext strict(final FhirContext context) {
    context.setParserErrorHandler(new StrictErrorHandler());
    return context;
  }
}
