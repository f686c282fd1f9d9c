package org.fhirledger.server.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One kind of search of the search workload. Every kind but {@link #PATIENTS} takes its parameter values from
 * Synthea data that the setup phase loaded ({@link SearchQueries}), so each request asks for something that
 * exists and the answers are as large as real ones.
 */
public enum SearchKind {
  /** {@code Patient?_count=20}: the first page of a type, no predicate (needs no loaded data). */
  PATIENTS("Patient?_count=20"),
  /** {@code Observation?code=system|code}: one token predicate. */
  TOKEN("Observation?code=SYSTEM|CODE"),
  /** {@code Observation?subject=Patient/ID}: one reference predicate. */
  REFERENCE("Observation?subject=Patient/ID"),
  /** {@code Observation?date=geFROM&date=ltTO}: a one-month date range. */
  DATE("Observation?date=geYYYY-MM-01&date=ltYYYY-MM-01"),
  /** {@code Observation?subject:Patient.name=FAMILY}: a chain through the subject to the patient's name. */
  CHAINED("Observation?subject:Patient.name=FAMILY"),
  /** {@code Encounter?subject=Patient/ID&_include=Encounter:subject}: a patient's encounters and the patient. */
  INCLUDE("Encounter?subject=Patient/ID&_include=Encounter:subject"),
  /** {@code TYPE?_total=accurate&_count=10} on the type with the most loaded resources: an exact count of all. */
  TOTAL("LARGEST?_total=accurate&_count=10");

  private final String shape;

  SearchKind(final String shape) {
    this.shape = shape;
  }

  /** The request's form, with placeholders for the values drawn from the data. */
  public String shape() {
    return shape;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether its values come from loaded Synthea data. */
  public boolean needsData() {
    return this != PATIENTS;
  }

  /** {@code all}, or names separated by commas such as {@code token,reference}. */
  public static List<SearchKind> parseList(final String text) {
    if (text.trim().equalsIgnoreCase("all")) {
      return List.of(values());
    }
    final List<SearchKind> out = new ArrayList<>();
    for (final String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        out.add(valueOf(part.trim().toUpperCase(Locale.ROOT)));
      } catch (final IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown search kind '" + part.trim() + "' (patients, token, reference, date, chained, include, total, all)", e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--search-kinds names no search kind");
    }
    return List.copyOf(out);
  }
}
