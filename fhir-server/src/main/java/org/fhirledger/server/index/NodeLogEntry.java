package org.fhirledger.server.index;

import java.time.Instant;

/** One row of the node's operational log. */
public record NodeLogEntry(long id, Instant timestamp, String level, String event, String detail) {}
