package org.fhirledger.server.index;

/** The search index could not do what was asked: a database failure or a block out of order. */
public class IndexException extends RuntimeException {
  public IndexException(final String message) {
    super(message);
  }

  public IndexException(final String message, final Throwable cause) {
    super(message, cause);
  }
}
