package org.fhirledger.ledger.node;

/** The node cannot take the write now (queue full, shutting down): the client may retry (HTTP 503). */
public final class NodeBusyException extends RuntimeException {
  public NodeBusyException(final String message) {
    super(message);
  }
}
