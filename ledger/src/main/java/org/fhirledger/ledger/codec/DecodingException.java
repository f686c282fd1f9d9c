package org.fhirledger.ledger.codec;

/** Bytes that are not a valid encoding: truncated, over-long, trailing garbage or an unknown version. */
public final class DecodingException extends RuntimeException {
  public DecodingException(final String message) {
    super(message);
  }
}
