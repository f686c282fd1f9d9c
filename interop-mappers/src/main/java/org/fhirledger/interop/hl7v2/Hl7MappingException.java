package org.fhirledger.interop.hl7v2;

/**
 * An HL7 v2 message could not be mapped: it does not parse, or it is not a message this mapper handles.
 * The message never quotes the input, which may hold PHI.
 */
public final class Hl7MappingException extends IllegalArgumentException {
  public Hl7MappingException(final String message) {
    super(message);
  }

  public Hl7MappingException(final String message, final Throwable cause) {
    super(message, cause);
  }
}
