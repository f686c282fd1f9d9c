package org.fhirledger.server.it.corpus;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.fhirledger.server.it.corpus.Values.Qty;
import org.fhirledger.server.it.corpus.Values.Span;
import org.fhirledger.server.it.corpus.Values.Tok;
import org.hl7.fhir.r4.model.Coding;

/**
 * The test's own reading of the R4 search rules, one small matcher per parameter type, written from the R4 search
 * page and the server's documented choices (docs/fhir-conformance.md, search section), not from the server's code.
 * Each takes the values the oracle extracted and one search value as a client writes it (prefix included).
 */
public final class Matchers {
  private static final List<String> PREFIXES = List.of("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap");

  /** UCUM codes of the data that the server documents as converted, as (canonical unit, factor to it). */
  private static final Map<String, Canonical> UCUM = Map.ofEntries(
      Map.entry("mg/dL", new Canonical("g/L", new BigDecimal("0.01"))),
      Map.entry("g/dL", new Canonical("g/L", BigDecimal.TEN)),
      Map.entry("g/L", new Canonical("g/L", BigDecimal.ONE)),
      Map.entry("ng/mL", new Canonical("g/L", new BigDecimal("1e-6"))),
      Map.entry("cm", new Canonical("m", new BigDecimal("0.01"))),
      Map.entry("mm", new Canonical("m", new BigDecimal("0.001"))),
      Map.entry("m", new Canonical("m", BigDecimal.ONE)),
      Map.entry("kg", new Canonical("g", new BigDecimal("1000"))),
      Map.entry("g", new Canonical("g", BigDecimal.ONE)),
      Map.entry("mg", new Canonical("g", new BigDecimal("0.001"))),
      Map.entry("pg", new Canonical("g", new BigDecimal("1e-12"))),
      Map.entry("mmol/L", new Canonical("mol/L", new BigDecimal("0.001"))),
      Map.entry("fL", new Canonical("L", new BigDecimal("1e-15"))),
      Map.entry("mL", new Canonical("L", new BigDecimal("0.001"))),
      Map.entry("L", new Canonical("L", BigDecimal.ONE)),
      Map.entry("kg/m2", new Canonical("g/m2", new BigDecimal("1000"))),
      Map.entry("/min", new Canonical("/s", BigDecimal.ONE.divide(new BigDecimal(60), MathContext.DECIMAL64))));
  private static final String UCUM_SYSTEM = "http://unitsofmeasure.org";

  private record Canonical(String unit, BigDecimal factor) {}

  private Matchers() {}

  /** A search value split into its prefix ({@code eq} if none) and the rest. */
  public record Prefixed(String prefix, String value) {
    public static Prefixed of(final String text) {
      if (text.length() > 2 && PREFIXES.contains(text.substring(0, 2))) {
        return new Prefixed(text.substring(0, 2), text.substring(2));
      }
      return new Prefixed("eq", text);
    }
  }

  /** String: {@code modifier} is "", "exact" or "contains". */
  public static boolean string(final List<String> values, final String modifier, final String q) {
    for (final String v : values) {
      final boolean hit = switch (modifier) {
        case "exact" -> v.equals(q);
        case "contains" -> Values.fold(v).contains(Values.fold(q));
        default -> Values.fold(v).startsWith(Values.fold(q));
      };
      if (hit) {
        return true;
      }
    }
    return false;
  }

  /** Token: {@code code}, {@code system|code}, {@code |code}, {@code system|}. */
  public static boolean token(final List<Tok> toks, final String q) {
    return toks.stream().anyMatch(t -> tokenMatches(t, q));
  }

  private static boolean tokenMatches(final Tok t, final String q) {
    final int bar = q.indexOf('|');
    if (bar < 0) {
      return q.equals(t.code());
    }
    final String system = q.substring(0, bar);
    final String code = q.substring(bar + 1);
    if (system.isEmpty()) {
      return t.system() == null && code.equals(t.code());
    }
    return system.equals(t.system()) && (code.isEmpty() || code.equals(t.code()));
  }

  /** {@code :text}: starts-with, case- and accent-insensitive, on a text or display of the token. */
  public static boolean tokenText(final List<Tok> toks, final String q) {
    return toks.stream().anyMatch(t -> string(t.texts(), "", q));
  }

  /** {@code :of-type}: {@code type-system|type-code|value} on identifiers. */
  public static boolean ofType(final List<Tok> toks, final String q) {
    final String[] p = q.split("\\|", -1);
    return toks.stream().anyMatch(t -> p[2].equals(t.code())
        && t.types().stream().anyMatch((Coding c) -> p[0].equals(c.getSystem()) && p[1].equals(c.getCode())));
  }

  /** Date with prefix, over half-open spans; {@code ap} widens by a tenth of the distance to {@code now}. */
  public static boolean date(final List<Span> spans, final String text, final Instant now) {
    final Prefixed p = Prefixed.of(text);
    final Span q = Values.span(p.value());
    return spans.stream().anyMatch(r -> date(r, p.prefix(), q, now));
  }

  static boolean date(final Span r, final String prefix, final Span q, final Instant now) {
    return switch (prefix) {
      case "eq" -> !r.low().isBefore(q.low()) && !r.high().isAfter(q.high());
      case "ne" -> !date(r, "eq", q, now);
      case "gt" -> r.high().isAfter(q.high());
      case "lt" -> r.low().isBefore(q.low());
      case "ge" -> r.high().isAfter(q.low());
      case "le" -> r.low().isBefore(q.high());
      case "sa" -> !r.low().isBefore(q.high());
      case "eb" -> !r.high().isAfter(q.low());
      case "ap" -> {
        final Duration margin = Duration.between(q.low(), now).abs().dividedBy(10);
        yield r.low().isBefore(q.high().plus(margin)) && r.high().isAfter(q.low().minus(margin));
      }
      default -> throw new IllegalArgumentException(prefix);
    };
  }

  /** Number with prefix; the search value's precision is half a unit of its last digit. */
  public static boolean number(final List<BigDecimal> values, final String text) {
    final Prefixed p = Prefixed.of(text);
    final BigDecimal q = new BigDecimal(p.value());
    return values.stream().anyMatch(v -> number(v, p.prefix(), q));
  }

  static boolean number(final BigDecimal v, final String prefix, final BigDecimal q) {
    final BigDecimal half = BigDecimal.ONE.movePointLeft(q.scale()).divide(BigDecimal.valueOf(2));
    final BigDecimal low = q.subtract(half);
    final BigDecimal high = q.add(half);
    return switch (prefix) {
      case "eq" -> v.compareTo(low) >= 0 && v.compareTo(high) < 0;
      case "ne" -> !number(v, "eq", q);
      case "gt" -> v.compareTo(q) > 0;
      case "lt" -> v.compareTo(q) < 0;
      case "ge" -> v.compareTo(q) >= 0;
      case "le" -> v.compareTo(q) <= 0;
      case "sa" -> v.compareTo(high) >= 0;
      case "eb" -> v.compareTo(low) < 0;
      case "ap" -> v.subtract(q).abs().compareTo(q.abs().multiply(new BigDecimal("0.1")).max(half)) <= 0;
      default -> throw new IllegalArgumentException(prefix);
    };
  }

  /** Quantity: {@code [prefix]number|system|code}, {@code [prefix]number||code} or {@code [prefix]number}. */
  public static boolean quantity(final List<Qty> values, final String text) {
    final String[] p = text.split("\\|", -1);
    final Prefixed number = Prefixed.of(p[0]);
    final BigDecimal q = new BigDecimal(number.value());
    if (p.length == 1) {
      return values.stream().anyMatch(v -> number(v.value(), number.prefix(), q));
    }
    final String system = p[1];
    final String code = p[2];
    if (system.isEmpty()) {
      return values.stream().filter(v -> code.equals(v.code()) || code.equals(v.unit()))
          .anyMatch(v -> number(v.value(), number.prefix(), q));
    }
    final Canonical target = UCUM_SYSTEM.equals(system) ? UCUM.get(code) : null;
    if (target == null) {
      return values.stream().filter(v -> system.equals(v.system()) && code.equals(v.code()))
          .anyMatch(v -> number(v.value(), number.prefix(), q));
    }
    for (final Qty v : values) {
      final Canonical c = UCUM_SYSTEM.equals(v.system()) && v.code() != null ? UCUM.get(v.code()) : null;
      if (c == null || !c.unit().equals(target.unit())) {
        continue;
      }
      // compare in the search value's units: same decision as in canonical units, without scaling its precision
      final BigDecimal inSearchUnits = code.equals(v.code()) ? v.value() : v.value().multiply(c.factor()).divide(target.factor(), MathContext.DECIMAL64);
      if (number(inSearchUnits, number.prefix(), q)) {
        return true;
      }
    }
    return false;
  }

  /** Reference: {@code Type/id}, a bare {@code id} (any type), or a bare id under a {@code :Type} modifier. */
  public static boolean reference(final List<String> targets, final String typeModifier, final String q) {
    for (final String t : targets) {
      final int slash = t.indexOf('/');
      if (slash < 0 || t.startsWith("http")) {
        if (t.equals(q)) {
          return true;
        }
        continue;
      }
      final String type = t.substring(0, slash);
      final String id = t.substring(slash + 1);
      final boolean hit = q.contains("/") ? q.equals(t) : id.equals(q) && (typeModifier == null || typeModifier.equals(type));
      if (hit) {
        return true;
      }
    }
    return false;
  }

  /** Uri: "" (equals), "below" (starts with) or "above" (the value is the search uri or one of its ancestor paths). */
  public static boolean uri(final List<String> values, final String modifier, final String q) {
    return values.stream().anyMatch(v -> switch (modifier) {
      case "below" -> v.startsWith(q);
      case "above" -> q.equals(v) || q.startsWith(v + "/");
      default -> Objects.equals(v, q);
    });
  }
}
