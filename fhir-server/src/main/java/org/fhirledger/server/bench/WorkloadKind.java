package org.fhirledger.server.bench;

import java.util.Locale;

/** One kind of FHIR interaction the bench can drive. */
public enum WorkloadKind {
  /** POST of a small Patient. */
  CREATE(true),
  /** PUT of a Patient created in the setup phase (no If-Match: the server resolves version races). */
  UPDATE(true),
  /** GET by id of a Patient created in the setup phase. */
  READ(false),
  /** A search: {@code GET Patient?_count=20}, or the {@link SearchKind}s given with {@code --search-kinds}, one window each. */
  SEARCH(false),
  /** POST of a Synthea transaction Bundle with fresh full URLs and identifiers. */
  BUNDLE(true),
  /** POST of a Binary of {@code --binary-size} bytes. */
  BINARY(true);

  private final boolean write;

  WorkloadKind(final boolean write) {
    this.write = write;
  }

  /** Whether the interaction commits a ledger transaction (answered only when its block is final). */
  public boolean isWrite() {
    return write;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a lower- or upper-case name such as {@code create}. */
  public static WorkloadKind parse(final String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (final IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown workload '" + name.trim() + "' (create, update, read, search, bundle, binary)", e);
    }
  }
}
