package org.fhirledger.server.index;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The rows one block adds to one table, in PostgreSQL's COPY text format, sent as a single {@code COPY ... FROM
 * STDIN}. A block's index rows are many short tuples: COPY hands them to the server as one stream, without the
 * parameter binding, parsing and VALUES evaluation that a multi-row INSERT costs per row (docs/benchmarks.md, "COPY
 * instead of multi-row INSERT"). A value is written as the driver would have bound it, so the stored rows are the
 * same.
 */
final class CopyRows {
  private final String copySql;
  private final StringBuilder text = new StringBuilder(2048);
  private boolean rowOpen;
  private int rows;

  CopyRows(final String table, final String columns) {
    this.copySql = "COPY " + table + " (" + columns + ") FROM STDIN";
  }

  /** A text column; {@code null} is SQL NULL. */
  CopyRows text(final String value) {
    separate();
    if (value == null) {
      text.append("\\N");
      return this;
    }
    for (int i = 0; i < value.length(); i++) {
      final char ch = value.charAt(i);
      switch (ch) {
        case '\\' -> text.append("\\\\");
        case '\t' -> text.append("\\t");
        case '\n' -> text.append("\\n");
        case '\r' -> text.append("\\r");
        default -> text.append(ch);
      }
    }
    return this;
  }

  CopyRows number(final long value) {
    separate();
    text.append(value);
    return this;
  }

  CopyRows bool(final boolean value) {
    separate();
    text.append(value ? 't' : 'f');
    return this;
  }

  /** A numeric column in the text the driver binds for a BigDecimal; {@code null} is SQL NULL. */
  CopyRows decimal(final BigDecimal value) {
    return value == null ? text(null) : literal(value.toString());
  }

  /**
   * A timestamptz column. PostgreSQL keeps microseconds; the instant is rounded to them half up, as the driver rounds
   * an {@code OffsetDateTime}, so that a range's high end of .999999999 s is stored as the INSERT stored it.
   */
  CopyRows timestamp(final Instant value) {
    if (value == null) {
      return text(null);
    }
    final int belowMicros = value.getNano() % 1000;
    final Instant micros = belowMicros >= 500 ? value.plusNanos(1000L - belowMicros) : value.minusNanos(belowMicros);
    return literal(DateTimeFormatter.ISO_INSTANT.format(micros));
  }

  /** Ends the current row. */
  void endRow() {
    text.append('\n');
    rowOpen = false;
    rows++;
  }

  int rows() {
    return rows;
  }

  /** Sends the rows, if there are any, on {@code c} inside its current transaction. */
  void send(final Connection c) throws SQLException {
    if (rows == 0) {
      return;
    }
    final byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    final CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
    try {
      copy.writeToCopy(bytes, 0, bytes.length);
      copy.endCopy();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  /** A value whose text needs no escaping (digits, signs, exponent, ISO-8601). */
  private CopyRows literal(final String value) {
    separate();
    text.append(value);
    return this;
  }

  private void separate() {
    if (rowOpen) {
      text.append('\t');
    }
    rowOpen = true;
  }
}
