package org.fhirledger.server.index;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One AND-ed condition of a search: a parameter with the values that are OR-ed together (a comma-separated
 * list in the URL). A resource matches when one of its current values matches one of the criterion's values.
 */
public sealed interface Criterion
    permits Criterion.Token, Criterion.Str, Criterion.Date, Criterion.Ref, Criterion.Uri, Criterion.Id, Criterion.LastUpdated,
        NumberCriterion, QuantityCriterion, CompositeCriterion, MissingCriterion, Criterion.Chain, Criterion.Has {

  /** How a string criterion compares. */
  enum StringMode { STARTS_WITH, EXACT, CONTAINS }

  /**
   * A comparison prefix of the R4 search page, for dates, numbers and quantities. For a date, {@code ap} arrives
   * as the widened range to overlap (see {@code DateRanges.approximately}).
   */
  enum Prefix { EQ, NE, GT, LT, GE, LE, SA, EB, AP }

  /**
   * A token value. {@code system|code}: both set; {@code |code}: {@code noSystem}; {@code system|}: code null;
   * {@code code}: system null.
   */
  record TokenValue(String system, String code, boolean noSystem) {
    public TokenValue {
      if (system == null && code == null) {
        throw new IllegalArgumentException("a token value needs a system or a code");
      }
    }
  }

  /**
   * A date range search value {@code [low, high)} with its prefix.
   */
  record DateValue(Prefix prefix, Instant low, Instant high) {
    public DateValue {
      Objects.requireNonNull(prefix, "prefix");
      Objects.requireNonNull(low, "low");
      Objects.requireNonNull(high, "high");
    }
  }

  /** A reference value: a local {@code type/id} (type null: any type) or an absolute {@code url}. */
  record RefValue(String type, String id, String url) {}

  /** Token: matches when a value matches; with {@code not}, when no value does. */
  record Token(String param, List<TokenValue> anyOf, boolean not) implements Criterion {
    public Token {
      anyOf = List.copyOf(anyOf);
    }
  }

  record Str(String param, List<String> anyOf, StringMode mode) implements Criterion {
    public Str {
      anyOf = List.copyOf(anyOf);
      Objects.requireNonNull(mode, "mode");
    }
  }

  record Date(String param, List<DateValue> anyOf) implements Criterion {
    public Date {
      anyOf = List.copyOf(anyOf);
    }
  }

  record Ref(String param, List<RefValue> anyOf) implements Criterion {
    public Ref {
      anyOf = List.copyOf(anyOf);
    }
  }

  /** Uri: equality, or with {@code below} a prefix match. */
  record Uri(String param, List<String> anyOf, boolean below) implements Criterion {
    public Uri {
      anyOf = List.copyOf(anyOf);
    }
  }

  /** {@code _id}. */
  record Id(List<String> anyOf) implements Criterion {
    public Id {
      anyOf = List.copyOf(anyOf);
    }
  }

  /** {@code _lastUpdated}. */
  record LastUpdated(List<DateValue> anyOf) implements Criterion {
    public LastUpdated {
      anyOf = List.copyOf(anyOf);
    }
  }

  /**
   * A chained parameter ({@code subject:Patient.name=x}): the resource's reference {@code param} points at a
   * {@code targetType} resource, live at the search's height, that matches {@code target} (itself possibly a chain).
   */
  record Chain(String param, String targetType, Criterion target) implements Criterion {
    public Chain {
      Objects.requireNonNull(param, "param");
      Objects.requireNonNull(targetType, "targetType");
      Objects.requireNonNull(target, "target");
    }
  }

  /**
   * Reverse chaining ({@code _has:Observation:patient:code=x}): some {@code sourceType} resource, live at the
   * search's height and matching {@code source}, refers to the resource through its reference {@code param}.
   */
  record Has(String sourceType, String param, Criterion source) implements Criterion {
    public Has {
      Objects.requireNonNull(sourceType, "sourceType");
      Objects.requireNonNull(param, "param");
      Objects.requireNonNull(source, "source");
    }
  }
}
