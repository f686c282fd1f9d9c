package org.fhirledger.server.search;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.fhirledger.server.index.CompositeCriterion;
import org.fhirledger.server.index.Criterion;
import org.fhirledger.server.index.MissingCriterion;
import org.fhirledger.server.index.NumberCriterion;
import org.fhirledger.server.index.NumberValue;
import org.fhirledger.server.index.QuantityCriterion;
import org.fhirledger.server.index.QuantityValue;

/**
 * The parameter types and modifiers beyond {@link SearchRequestParser}'s first cut: number, quantity and composite
 * values; {@code :missing} on every type; token {@code :text} and {@code :of-type}; reference {@code :identifier};
 * uri {@code :above}; {@code _source}. Answers null for what it does not handle, so the parser goes on with its own
 * forms; a malformed value is a 400.
 */
final class ValueCriteriaParser {
  private static final Map<RestSearchParameterTypeEnum, String> TABLES = Map.of(
      RestSearchParameterTypeEnum.TOKEN, "spidx_token", RestSearchParameterTypeEnum.STRING, "spidx_string",
      RestSearchParameterTypeEnum.DATE, "spidx_date", RestSearchParameterTypeEnum.REFERENCE, "spidx_reference",
      RestSearchParameterTypeEnum.URI, "spidx_uri", RestSearchParameterTypeEnum.NUMBER, "spidx_number",
      RestSearchParameterTypeEnum.QUANTITY, "spidx_quantity", RestSearchParameterTypeEnum.COMPOSITE, "spidx_composite");

  private final Supplier<SearchParamRegistry> registry;

  ValueCriteriaParser(final Supplier<SearchParamRegistry> registry) {
    this.registry = registry;
  }

  /** The criterion of {@code name[:modifier]=values}, or null if this class does not handle that form. */
  Criterion criterion(final String type, final String name, final String modifier, final List<String> values) {
    final SearchParamRegistry params = registry.get();
    final RuntimeSearchParam sp = params.searchParam(type, name);
    final RestSearchParameterTypeEnum paramType = sp != null ? sp.getParamType()
        : SearchParamExtractor.SOURCE.equals(name) ? RestSearchParameterTypeEnum.URI : null;
    if (paramType == null || !TABLES.containsKey(paramType) || "_id".equals(name) || "_lastUpdated".equals(name)) {
      return null;
    }
    if ("missing".equals(modifier)) {
      return missing(name, paramType, values);
    }
    switch (paramType) {
      case NUMBER:
        return modifier == null ? new NumberCriterion(name, values.stream().map(ValueCriteriaParser::numberValue).toList()) : null;
      case QUANTITY:
        return modifier == null ? new QuantityCriterion(name, values.stream().map(ValueCriteriaParser::quantityValue).toList()) : null;
      case COMPOSITE:
        return modifier == null ? composite(params, type, sp, values) : null;
      case TOKEN:
        return token(name, modifier, values);
      case REFERENCE:
        return "identifier".equals(modifier)
            ? new Criterion.Token(name + SearchParamExtractor.IDENTIFIER_SUFFIX, values.stream().map(SearchRequestParser::tokenValue).toList(), false)
            : null;
      case URI:
        if ("above".equals(modifier)) {
          return new Criterion.Uri(name, values.stream().flatMap(v -> ancestors(unescape(v)).stream()).distinct().toList(), false);
        }
        // _source is not in HAPI's list of parameters, so the parser's own uri handling never sees it
        return sp == null && (modifier == null || "below".equals(modifier))
            ? new Criterion.Uri(name, values.stream().map(ValueCriteriaParser::unescape).toList(), modifier != null) : null;
      default:
        return null;
    }
  }

  private static Criterion missing(final String name, final RestSearchParameterTypeEnum type, final List<String> values) {
    if (values.size() != 1 || !("true".equals(values.get(0)) || "false".equals(values.get(0)))) {
      throw new InvalidRequestException(name + ":missing takes true or false, not '" + String.join(",", values) + "'");
    }
    return new MissingCriterion(name, TABLES.get(type), Boolean.parseBoolean(values.get(0)));
  }

  private static Criterion token(final String name, final String modifier, final List<String> values) {
    if ("text".equals(modifier)) {
      return new Criterion.Str(name + SearchParamExtractor.TEXT_SUFFIX, values.stream().map(ValueCriteriaParser::unescape).toList(),
          Criterion.StringMode.STARTS_WITH);
    }
    if ("of-type".equals(modifier)) {
      return new Criterion.Token(name + SearchParamExtractor.OF_TYPE_SUFFIX, values.stream().map(ValueCriteriaParser::ofType).toList(), false);
    }
    return null;
  }

  /** {@code typeSystem|typeCode|value} of {@code identifier:of-type}. */
  private static Criterion.TokenValue ofType(final String v) {
    final List<String> parts = splitUnescaped(v, '|');
    if (parts.size() != 3 || parts.stream().anyMatch(String::isEmpty)) {
      throw new InvalidRequestException(":of-type takes [type system]|[type code]|[identifier value], not '" + v + "'");
    }
    return new Criterion.TokenValue(TokenExtras.ofTypeSystem(parts.get(0), parts.get(1)), parts.get(2), false);
  }

  private static Criterion composite(final SearchParamRegistry params, final String type, final RuntimeSearchParam sp, final List<String> values) {
    final Optional<List<RuntimeSearchParam>> components = CompositeExtractor.components(params, type, sp);
    if (components.isEmpty()) {
      return null;
    }
    final List<CompositeCriterion.Pair> pairs = new ArrayList<>();
    for (final String v : values) {
      final List<String> parts = splitUnescaped(v, '$');
      if (parts.size() != 2) {
        throw new InvalidRequestException(sp.getName() + " takes two values joined by '$' (" + components.get().get(0).getName() + "$"
            + components.get().get(1).getName() + "), not '" + v + "'");
      }
      pairs.add(new CompositeCriterion.Pair(component(components.get().get(0), parts.get(0)), component(components.get().get(1), parts.get(1))));
    }
    return new CompositeCriterion(sp.getName(), pairs);
  }

  /** A composite component as a one-value criterion of its type (values keep their escapes until parsed here). */
  private static Criterion component(final RuntimeSearchParam part, final String value) {
    final String name = part.getName();
    switch (part.getParamType()) {
      case TOKEN:
        return new Criterion.Token(name, List.of(SearchRequestParser.tokenValue(value)), false);
      case REFERENCE:
        return new Criterion.Ref(name, List.of(SearchRequestParser.refValue(unescape(value), null)));
      case STRING:
        return new Criterion.Str(name, List.of(unescape(value)), Criterion.StringMode.STARTS_WITH);
      case URI:
        return new Criterion.Uri(name, List.of(unescape(value)), false);
      case DATE:
        return new Criterion.Date(name, List.of(SearchRequestParser.dateValue(value)));
      case NUMBER:
        return new NumberCriterion(name, List.of(numberValue(value)));
      case QUANTITY:
        return new QuantityCriterion(name, List.of(quantityValue(value)));
      default:
        throw new InvalidRequestException("composite component " + name + " of type " + part.getParamType() + " is not supported");
    }
  }

  /**
   * {@code [prefix]number}: the value and its precision range, half a unit of its last digit either side
   * ({@code 100} is [99.5, 100.5), {@code 1e2} is [50, 150)).
   */
  static NumberValue numberValue(final String raw) {
    Criterion.Prefix prefix = Criterion.Prefix.EQ;
    String number = raw;
    if (raw.length() > 2 && Character.isLetter(raw.charAt(0))) {
      try {
        prefix = Criterion.Prefix.valueOf(raw.substring(0, 2).toUpperCase(Locale.ROOT));
      } catch (final IllegalArgumentException e) {
        throw new InvalidRequestException("prefix '" + raw.substring(0, 2) + "' is not one of eq, ne, gt, lt, ge, le, sa, eb, ap");
      }
      number = raw.substring(2);
    }
    final BigDecimal value;
    try {
      value = new BigDecimal(number);
    } catch (final NumberFormatException e) {
      throw new InvalidRequestException("'" + raw + "' is not a number");
    }
    final BigDecimal half = BigDecimal.ONE.scaleByPowerOfTen(-value.scale()).divide(BigDecimal.valueOf(2));
    return new NumberValue(prefix, value, value.subtract(half), value.add(half));
  }

  /**
   * {@code [prefix]number|system|code}, {@code [prefix]number||code} or {@code [prefix]number}. A UCUM code this
   * server converts is searched in canonical units ({@code 150|http://unitsofmeasure.org|mg/dL} finds 1.5 g/L).
   */
  static QuantityValue quantityValue(final String raw) {
    final List<String> parts = splitUnescaped(raw, '|');
    final NumberValue number = numberValue(parts.get(0));
    if (parts.size() == 1) {
      return new QuantityValue(number, null, null, false);
    }
    if (parts.size() != 3 || parts.get(2).isEmpty()) {
      throw new InvalidRequestException("quantity '" + raw + "' is not [prefix]number, [prefix]number|system|code or [prefix]number||code");
    }
    final String system = parts.get(1);
    final String code = parts.get(2);
    if (system.isEmpty()) {
      return new QuantityValue(number, null, code, false);
    }
    if (UcumUnits.SYSTEM.equals(system)) {
      final Optional<UcumUnits.Canonical> canonical = UcumUnits.canonical(code);
      if (canonical.isPresent()) {
        return new QuantityValue(number.times(canonical.get().factor()), system, canonical.get().code(), true);
      }
    }
    return new QuantityValue(number, system, code, true);
  }

  /**
   * The uris a uri {@code :above} value matches: the value and each ancestor path of it
   * ({@code http://a.org/fhir/ValueSet/1} gives it, {@code http://a.org/fhir/ValueSet}, {@code http://a.org/fhir},
   * {@code http://a.org}).
   */
  static List<String> ancestors(final String uri) {
    final List<String> out = new ArrayList<>();
    out.add(uri);
    final int authority = uri.indexOf("://");
    final int pathStart = authority < 0 ? -1 : uri.indexOf('/', authority + 3);
    if (pathStart < 0) {
      return out;
    }
    String current = uri;
    int slash;
    while ((slash = current.lastIndexOf('/')) >= pathStart) {
      current = current.substring(0, slash);
      out.add(current);
    }
    return out.stream().distinct().toList();
  }

  /** Splits on a separator not escaped by a backslash; escapes are removed from the parts. */
  static List<String> splitUnescaped(final String s, final char separator) {
    final List<String> out = new ArrayList<>();
    final StringBuilder current = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      final char ch = s.charAt(i);
      if (ch == '\\' && i + 1 < s.length()) {
        current.append(ch).append(s.charAt(++i));
      } else if (ch == separator) {
        out.add(current.toString());
        current.setLength(0);
      } else {
        current.append(ch);
      }
    }
    out.add(current.toString());
    return separator == '$' ? out : out.stream().map(ValueCriteriaParser::unescape).toList();
  }

  private static String unescape(final String s) {
    return s.replaceAll("\\\\([\\\\,|$])", "$1");
  }
}
