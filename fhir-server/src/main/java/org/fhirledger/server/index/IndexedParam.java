package org.fhirledger.server.index;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/** One search parameter value of a resource version, as one row of a {@code spidx_*} table holds it. */
public sealed interface IndexedParam
    permits IndexedParam.Token, IndexedParam.Str, IndexedParam.Date, IndexedParam.Ref, IndexedParam.Uri,
        IndexedParam.Number, IndexedParam.Quantity, IndexedParam.Composite {

  /** The suffix of the token rows that {@code :text} searches (CodeableConcept.text, Coding.display, Identifier.type.text). */
  String TEXT_SUFFIX = ":text";

  /** The suffix of the token rows that {@code :of-type} searches: system {@code typeSystem|typeCode}, value the identifier's. */
  String OF_TYPE_SUFFIX = ":of-type";

  /** The suffix of the token rows that a reference parameter's {@code :identifier} searches (Reference.identifier). */
  String IDENTIFIER_SUFFIX = ":identifier";

  /** The search parameter's name, e.g. {@code identifier}; derived rows carry one of the suffixes above. */
  String name();

  /**
   * A token: a code with its system, an identifier, a boolean.
   *
   * @param system null when the value has none
   * @param value null for a system without a code
   */
  record Token(String name, String system, String value) implements IndexedParam {
    public Token {
      Objects.requireNonNull(name, "name");
      if (system == null && value == null) {
        throw new IllegalArgumentException("a token needs a system or a value");
      }
    }
  }

  /**
   * A string.
   *
   * @param normalized {@link SearchParamNormalizer#normalize} of {@code exact}, for the default (starts-with) and :contains
   *     searches; an :exact search relies on it being exactly that (it looks rows up by their normal form first)
   * @param exact as written, for :exact
   */
  record Str(String name, String normalized, String exact) implements IndexedParam {
    public Str {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(normalized, "normalized");
      Objects.requireNonNull(exact, "exact");
    }
  }

  /** A date, dateTime, instant or Period as the half-open range {@code [low, high)} it covers. */
  record Date(String name, Instant low, Instant high) implements IndexedParam {
    public Date {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(low, "low");
      Objects.requireNonNull(high, "high");
    }
  }

  /**
   * A reference: local ({@code Type/id}) or absolute/canonical ({@code url}).
   *
   * @param targetType null for an absolute or canonical reference
   * @param targetId null for an absolute or canonical reference
   * @param url null for a local reference
   */
  record Ref(String name, String targetType, String targetId, String url) implements IndexedParam {
    public Ref {
      Objects.requireNonNull(name, "name");
      if ((targetId == null) == (url == null)) {
        throw new IllegalArgumentException("a reference is either local (type/id) or a url");
      }
    }
  }

  /** A uri, url or canonical. */
  record Uri(String name, String uri) implements IndexedParam {
    public Uri {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(uri, "uri");
    }
  }

  /** A number, as the closed range {@code [low, high]} it covers (a decimal or integer: low = high). */
  record Number(String name, BigDecimal low, BigDecimal high) implements IndexedParam {
    public Number {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(low, "low");
      Objects.requireNonNull(high, "high");
    }
  }

  /**
   * A quantity (or a Range of them) with its units, and the same in canonical UCUM units where the server converts
   * them (otherwise the canonical fields repeat code, low and high).
   */
  record Quantity(String name, BigDecimal low, BigDecimal high, String system, String code, String unit,
      String canonicalCode, BigDecimal canonicalLow, BigDecimal canonicalHigh) implements IndexedParam {
    public Quantity {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(low, "low");
      Objects.requireNonNull(high, "high");
      Objects.requireNonNull(canonicalLow, "canonicalLow");
      Objects.requireNonNull(canonicalHigh, "canonicalHigh");
    }
  }

  /**
   * One combination of a composite parameter's two component values, both taken from the same element.
   *
   * @param first the first component's value (its name is the component parameter's)
   * @param second the second component's value
   */
  record Composite(String name, IndexedParam first, IndexedParam second) implements IndexedParam {
    public Composite {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(second, "second");
    }
  }
}
