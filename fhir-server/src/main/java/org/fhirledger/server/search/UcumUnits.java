package org.fhirledger.server.search;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The small part of UCUM that quantity search converts: a code made of at most one numerator and one denominator
 * term, each a metric prefix (f p n u m c d da h k) on g, m, L (or l), s, mol or eq, or one of min, h, d, wk,
 * with an optional integer power ({@code m2}). {@code mg/dL} becomes {@code g/L} × 0.01, {@code kg} {@code g} ×
 * 1000, {@code /min} {@code /s} × 1/60. Anything else ({@code mm[Hg]}, {@code %}, {@code 10*3/uL}, annotations) is
 * left as written, so it matches only the same code. Not a UCUM implementation: no full grammar, no special units.
 */
public final class UcumUnits {
  /** The UCUM code system. */
  public static final String SYSTEM = "http://unitsofmeasure.org";

  private static final Map<String, BigDecimal> PREFIXES = new LinkedHashMap<>();
  private static final Map<String, BigDecimal> TIME = Map.of(
      "min", BigDecimal.valueOf(60), "h", BigDecimal.valueOf(3600), "d", BigDecimal.valueOf(86_400), "wk", BigDecimal.valueOf(604_800));
  private static final Map<String, String> BASES = Map.of("g", "g", "m", "m", "L", "L", "l", "L", "s", "s", "mol", "mol", "eq", "eq");
  private static final Pattern TERM = Pattern.compile("([A-Za-z]+)(\\d?)");

  static {
    // "da" before "d": the longer prefix is tried first.
    PREFIXES.put("da", BigDecimal.TEN);
    PREFIXES.put("k", new BigDecimal("1000"));
    PREFIXES.put("h", new BigDecimal("100"));
    PREFIXES.put("d", new BigDecimal("0.1"));
    PREFIXES.put("c", new BigDecimal("0.01"));
    PREFIXES.put("m", new BigDecimal("0.001"));
    PREFIXES.put("u", new BigDecimal("1E-6"));
    PREFIXES.put("n", new BigDecimal("1E-9"));
    PREFIXES.put("p", new BigDecimal("1E-12"));
    PREFIXES.put("f", new BigDecimal("1E-15"));
  }

  private UcumUnits() {}

  /** A code in base units, and the factor that takes a value in the original units to them. */
  public record Canonical(String code, BigDecimal factor) {}

  /** The canonical form of a UCUM code, or empty if this class does not convert it. */
  public static Optional<Canonical> canonical(final String code) {
    if (code == null || code.isEmpty() || code.chars().filter(ch -> ch == '/').count() > 1) {
      return Optional.empty();
    }
    final int slash = code.indexOf('/');
    final String numerator = slash < 0 ? code : code.substring(0, slash);
    final Optional<Canonical> top = numerator.isEmpty() || "1".equals(numerator) ? Optional.of(new Canonical("", BigDecimal.ONE)) : term(numerator);
    if (top.isEmpty()) {
      return Optional.empty();
    }
    if (slash < 0) {
      return top;
    }
    final Optional<Canonical> bottom = term(code.substring(slash + 1));
    if (bottom.isEmpty()) {
      return Optional.empty();
    }
    final BigDecimal factor = top.get().factor().divide(bottom.get().factor(), java.math.MathContext.DECIMAL64);
    return Optional.of(new Canonical(top.get().code() + "/" + bottom.get().code(), factor.stripTrailingZeros()));
  }

  private static Optional<Canonical> term(final String term) {
    final Matcher m = TERM.matcher(term);
    if (!m.matches()) {
      return Optional.empty();
    }
    final int power = m.group(2).isEmpty() ? 1 : Integer.parseInt(m.group(2));
    final Optional<Canonical> atom = atom(m.group(1));
    return atom.map(a -> new Canonical(a.code() + (power == 1 ? "" : Integer.toString(power)), a.factor().pow(power)));
  }

  private static Optional<Canonical> atom(final String atom) {
    if (TIME.containsKey(atom)) {
      return Optional.of(new Canonical("s", TIME.get(atom)));
    }
    if (BASES.containsKey(atom)) {
      return Optional.of(new Canonical(BASES.get(atom), BigDecimal.ONE));
    }
    for (final Map.Entry<String, BigDecimal> p : PREFIXES.entrySet()) {
      if (atom.startsWith(p.getKey()) && BASES.containsKey(atom.substring(p.getKey().length()))) {
        return Optional.of(new Canonical(BASES.get(atom.substring(p.getKey().length())), p.getValue()));
      }
    }
    return Optional.empty();
  }
}
