package org.fhirledger.server.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.fhirledger.server.index.Criterion;
import org.fhirledger.server.index.Include;
import org.fhirledger.server.index.SearchQuery;

/**
 * Reads the query parameters of {@code GET [type]?...} into a {@link SearchQuery}: repeated parameters are
 * AND-ed, comma-separated values OR-ed. A parameter this server does not support (unknown, an unsupported
 * type or modifier, a chain) is a 400, or is skipped under {@code Prefer: handling=lenient}; a malformed value
 * is always a 400.
 */
public final class SearchRequestParser {
  /** Parameters that HAPI's RestfulServer applies to the response itself. */
  private static final Set<String> HANDLED_BY_HAPI = Set.of("_count", "_format", "_pretty", "_summary", "_elements");

  private final FhirContext fhir;
  private final Supplier<SearchParamRegistry> registry;
  private final ValueCriteriaParser valueCriteria;
  private final NavigationParser navigation;

  /** A parser of the R4 parameters of HAPI's FhirContext only. */
  public SearchRequestParser(final FhirContext fhir) {
    this(() -> SearchParamRegistry.base(fhir));
  }

  /** A parser of the parameters {@code registry} gives when a search is parsed (it changes as custom ones arrive). */
  public SearchRequestParser(final Supplier<SearchParamRegistry> registry) {
    this.fhir = registry.get().fhirContext();
    this.registry = registry;
    this.valueCriteria = new ValueCriteriaParser(registry);
    this.navigation = new NavigationParser(registry, this::criterion);
  }

  /**
   * A parsed search.
   *
   * @param total what {@code _total} asked for (accurate when absent)
   * @param includes the {@code _include} and {@code _revinclude} parameters
   * @param countOnly {@code _summary=count}: only the total is answered
   * @param ignored parameters skipped under lenient handling
   */
  public record ParsedSearch(SearchQuery query, TotalMode total, List<Include> includes, boolean countOnly, List<String> ignored) {
    public ParsedSearch {
      includes = List.copyOf(includes);
      ignored = List.copyOf(ignored);
    }

    /** Whether the count runs exactly: {@code _total=accurate}, the default, or {@code _summary=count}. */
    public boolean accurateTotal() {
      return total == TotalMode.ACCURATE || countOnly;
    }
  }

  /** {@code _total}: none (no count runs), estimate (see {@code SearchIndex.estimateCount}), accurate. */
  public enum TotalMode { NONE, ESTIMATE, ACCURATE }

  public ParsedSearch parse(final String type, final Map<String, String[]> parameters, final boolean lenient, final long asOfHeight) {
    final List<Criterion> criteria = new ArrayList<>();
    final List<SearchQuery.SortKey> sort = new ArrayList<>();
    final List<String> ignored = new ArrayList<>();
    final List<Include> includes = new ArrayList<>();
    TotalMode totalMode = TotalMode.ACCURATE;
    // HAPI reads _count=0 as "the default page size"; R4 means the total only, as _summary=count.
    final boolean countOnly = isSummaryCount(parameters.get("_summary")) || isZero(parameters.get("_count"));
    for (final Map.Entry<String, String[]> e : parameters.entrySet()) {
      final String key = e.getKey();
      final int colon = key.indexOf(':');
      final String name = colon < 0 ? key : key.substring(0, colon);
      final String modifier = colon < 0 ? null : key.substring(colon + 1);
      if (HANDLED_BY_HAPI.contains(name)) {
        continue;
      }
      if ("_include".equals(name) || "_revinclude".equals(name)) {
        for (final String raw : e.getValue()) {
          includes.addAll(navigation.includes(type, "_revinclude".equals(name), modifier, raw));
        }
        continue;
      }
      for (final String raw : e.getValue()) {
        if (raw == null || raw.isEmpty()) {
          continue;
        }
        final List<String> values = splitOr(raw);
        if ("_total".equals(name)) {
          totalMode = total(raw);
        } else if ("_sort".equals(name)) {
          sort.addAll(sortKeys(type, values));
        } else if ("_id".equals(name) && modifier == null) {
          criteria.add(new Criterion.Id(values.stream().map(SearchRequestParser::unescape).toList()));
        } else if ("_lastUpdated".equals(name) && modifier == null) {
          criteria.add(new Criterion.LastUpdated(values.stream().map(SearchRequestParser::dateValue).toList()));
        } else {
          final Criterion c = NavigationParser.isNavigation(key) ? navigation.criterion(type, key, values) : criterion(type, name, modifier, values);
          if (c != null) {
            criteria.add(c);
          } else if (lenient) {
            ignored.add(key);
          } else {
            throw new InvalidRequestException("Search parameter '" + key + "' is not supported for " + type
                + " (unknown parameter, or its type, modifier or chain is not supported yet); see the server's"
                + " CapabilityStatement, or send 'Prefer: handling=lenient' to have it ignored");
          }
        }
      }
    }
    return new ParsedSearch(new SearchQuery(type, criteria, sort, asOfHeight), totalMode, includes, countOnly, ignored);
  }

  private static boolean isZero(final String[] count) {
    return count != null && count.length > 0 && "0".equals(count[0]);
  }

  private static boolean isSummaryCount(final String[] summary) {
    if (summary == null) {
      return false;
    }
    for (final String s : summary) {
      if ("count".equals(s)) {
        return true;
      }
    }
    return false;
  }

  /** The criterion, or null if the parameter or its modifier is not supported. */
  Criterion criterion(final String type, final String name, final String modifier, final List<String> values) {
    final Criterion more = valueCriteria.criterion(type, name, modifier, values);
    if (more != null) {
      return more;
    }
    final RuntimeSearchParam sp = registry.get().searchParam(type, name);
    if (sp == null || !SearchParamExtractor.INDEXED_TYPES.contains(sp.getParamType())) {
      return null;
    }
    final RestSearchParameterTypeEnum paramType = sp.getParamType();
    final List<String> plain = values.stream().map(SearchRequestParser::unescape).toList();
    if (paramType == RestSearchParameterTypeEnum.STRING) {
      if (modifier == null || "exact".equals(modifier) || "contains".equals(modifier)) {
        return new Criterion.Str(name, plain, modifier == null ? Criterion.StringMode.STARTS_WITH
            : "exact".equals(modifier) ? Criterion.StringMode.EXACT : Criterion.StringMode.CONTAINS);
      }
    } else if (paramType == RestSearchParameterTypeEnum.TOKEN) {
      if (modifier == null || "not".equals(modifier)) {
        return new Criterion.Token(name, values.stream().map(SearchRequestParser::tokenValue).toList(), modifier != null);
      }
    } else if (paramType == RestSearchParameterTypeEnum.DATE) {
      if (modifier == null) {
        return new Criterion.Date(name, values.stream().map(SearchRequestParser::dateValue).toList());
      }
    } else if (paramType == RestSearchParameterTypeEnum.URI) {
      if (modifier == null || "below".equals(modifier)) {
        return new Criterion.Uri(name, plain, modifier != null);
      }
    } else if (paramType == RestSearchParameterTypeEnum.REFERENCE) {
      if (modifier == null || (fhir.getResourceTypes().contains(modifier) && (sp.getTargets().isEmpty() || sp.getTargets().contains(modifier)))) {
        return new Criterion.Ref(name, plain.stream().map(v -> refValue(v, modifier)).toList());
      }
    }
    return null;
  }

  private static TotalMode total(final String raw) {
    return switch (raw) {
      case "accurate" -> TotalMode.ACCURATE;
      case "estimate", "estimated" -> TotalMode.ESTIMATE; // HAPI's client sends "estimated"
      case "none" -> TotalMode.NONE;
      default -> throw new InvalidRequestException("_total=" + raw + " is not supported: use none, estimate or accurate");
    };
  }

  private List<SearchQuery.SortKey> sortKeys(final String type, final List<String> keys) {
    final List<SearchQuery.SortKey> out = new ArrayList<>();
    for (final String k : keys) {
      final boolean desc = k.startsWith("-");
      final String name = desc ? k.substring(1) : k;
      if ("_lastUpdated".equals(name)) {
        out.add(new SearchQuery.SortKey(SearchQuery.Column.LAST_UPDATED, desc));
      } else if ("_id".equals(name)) {
        out.add(new SearchQuery.SortKey(SearchQuery.Column.ID, desc));
      } else {
        out.add(new SearchQuery.SortKey(sortColumn(type, name), desc, name));
      }
    }
    return out;
  }

  private SearchQuery.Column sortColumn(final String type, final String name) {
    final RuntimeSearchParam sp = registry.get().searchParam(type, name);
    if (sp == null) {
      throw new InvalidRequestException("_sort on '" + name + "': " + type + " has no such search parameter");
    }
    return switch (sp.getParamType()) {
      case STRING -> SearchQuery.Column.STRING;
      case TOKEN -> SearchQuery.Column.TOKEN;
      case DATE -> SearchQuery.Column.DATE;
      case URI -> SearchQuery.Column.URI;
      case REFERENCE -> SearchQuery.Column.REFERENCE;
      case NUMBER -> SearchQuery.Column.NUMBER;
      case QUANTITY -> SearchQuery.Column.QUANTITY;
      default -> throw new InvalidRequestException("_sort on '" + name + "' (a " + sp.getParamType().getCode()
          + " parameter) is not supported: sort on _id, _lastUpdated or a string, token, date, uri, reference, number or quantity parameter");
    };
  }

  static Criterion.TokenValue tokenValue(final String v) {
    final int bar = indexOfUnescaped(v, '|');
    if (bar < 0) {
      return new Criterion.TokenValue(null, unescape(v), false);
    }
    final String system = unescape(v.substring(0, bar));
    final String code = unescape(v.substring(bar + 1));
    if (system.isEmpty() && code.isEmpty()) {
      throw new InvalidRequestException("token value '|' needs a system or a code");
    }
    if (system.isEmpty()) {
      return new Criterion.TokenValue(null, code, true);
    }
    return new Criterion.TokenValue(system, code.isEmpty() ? null : code, false);
  }

  static Criterion.DateValue dateValue(final String v) {
    Criterion.Prefix prefix = Criterion.Prefix.EQ;
    String date = v;
    if (v.length() > 2 && Character.isLetter(v.charAt(0))) {
      final String p = v.substring(0, 2).toUpperCase(Locale.ROOT);
      try {
        prefix = Criterion.Prefix.valueOf(p);
      } catch (final IllegalArgumentException e) {
        throw new InvalidRequestException("date prefix '" + v.substring(0, 2) + "' is not supported: use eq, ne, gt, lt, ge, le, sa, eb or ap");
      }
      date = v.substring(2);
    }
    // A '+' of a time zone offset that the client did not percent-encode arrives as a space.
    date = date.replace(' ', '+');
    try {
      final DateRanges.Range r = prefix == Criterion.Prefix.AP
          ? DateRanges.approximately(DateRanges.parse(date), java.time.Instant.now()) : DateRanges.parse(date);
      return new Criterion.DateValue(prefix, r.low(), r.high());
    } catch (final IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
  }

  static Criterion.RefValue refValue(final String v, final String typeModifier) {
    if (v.startsWith("http://") || v.startsWith("https://") || v.startsWith("urn:")) {
      return new Criterion.RefValue(null, null, v);
    }
    String ref = v;
    final int history = ref.indexOf("/_history/");
    if (history >= 0) {
      ref = ref.substring(0, history);
    }
    final int slash = ref.lastIndexOf('/');
    if (slash < 0) {
      return new Criterion.RefValue(typeModifier, ref, null);
    }
    final String type = ref.substring(0, slash);
    if (typeModifier != null && !typeModifier.equals(type)) {
      throw new InvalidRequestException("reference '" + v + "' does not match its modifier :" + typeModifier);
    }
    return new Criterion.RefValue(type, ref.substring(slash + 1), null);
  }

  /** Splits on commas not escaped by a backslash (escapes are kept for the value parsers). */
  static List<String> splitOr(final String raw) {
    final List<String> out = new ArrayList<>();
    final StringBuilder current = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      final char ch = raw.charAt(i);
      if (ch == '\\' && i + 1 < raw.length()) {
        current.append(ch).append(raw.charAt(++i));
      } else if (ch == ',') {
        out.add(current.toString());
        current.setLength(0);
      } else {
        current.append(ch);
      }
    }
    out.add(current.toString());
    return out.stream().filter(s -> !s.isEmpty()).toList();
  }

  private static int indexOfUnescaped(final String s, final char target) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\\') {
        i++;
      } else if (s.charAt(i) == target) {
        return i;
      }
    }
    return -1;
  }

  static String unescape(final String s) {
    return s.replaceAll("\\\\([\\\\,|$])", "$1");
  }
}
