package org.fhirledger.ledger.store;

/** The store failed (I/O, corruption, a refused write). Unchecked: callers cannot recover locally. */
public final class StorageException extends RuntimeException {
  public StorageException(final String message) {
    super(message);
  }

  public StorageException(final String message, final Throwable cause) {
    super(message, cause);
  }
}
