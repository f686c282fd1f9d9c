package org.fhirledger.server.dao;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The search criteria of conditional operations that the ledger decides at commit time, and the keys they
 * become. A resource carries, for each of its identifiers, the key {@code identifier=value} (any system) and
 * {@code identifier=system|value} (or {@code identifier=|value} when it has no system), so that each token form
 * of the R4 search page is one key lookup. {@code _id} alone is also accepted: the version check of the write
 * decides it. Other parameters are refused with 400 until the search index can decide them (issue 7).
 */
public final class ConditionKeys {
  public static final String IDENTIFIER = "identifier";

  private ConditionKeys() {}

  /** The criteria of a conditional URL, with keys for the ledger; exactly one of keys or id is set. */
  public record Criteria(String resourceType, List<String> keys, String id, String text) {}

  static List<String> ofIdentifier(final String system, final String value) {
    if (value == null || value.isEmpty()) {
      return List.of();
    }
    final String exact = system == null || system.isEmpty() ? "|" + value : system + "|" + value;
    return List.of(IDENTIFIER + "=" + value, IDENTIFIER + "=" + exact);
  }

  /**
   * Parses {@code Type?a=b&c=d} or just {@code a=b&c=d} (an If-None-Exist header) for the given type.
   *
   * @throws InvalidRequestException when the criteria are empty, name another type, or use a parameter or
   *     modifier the ledger cannot decide
   */
  public static Criteria parse(final String resourceType, final String conditionalUrl) {
    String query = conditionalUrl == null ? "" : conditionalUrl.trim();
    final int q = query.indexOf('?');
    if (q >= 0) {
      final String prefix = query.substring(0, q);
      final String type = prefix.contains("/") ? prefix.substring(prefix.lastIndexOf('/') + 1) : prefix;
      if (!type.isEmpty() && !type.equals(resourceType)) {
        throw new InvalidRequestException("Conditional URL '" + conditionalUrl + "' is for " + type + ", not " + resourceType);
      }
      query = query.substring(q + 1);
    }
    if (query.isEmpty()) {
      throw new InvalidRequestException("A conditional operation needs search criteria, e.g. identifier=system|value");
    }
    final List<String> keys = new ArrayList<>();
    String id = null;
    for (final String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      final int eq = pair.indexOf('=');
      final String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      final String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (name.equals(IDENTIFIER)) {
        keys.add(identifierKey(value));
      } else if (name.equals("_id") && id == null && !value.isEmpty() && !value.contains(",")) {
        id = value;
      } else {
        throw new InvalidRequestException("Conditional operations on this server match on 'identifier' (token forms "
            + "system|value, |value, value) or on '_id' alone, decided on the ledger at commit time; '" + name
            + "' is not supported here (see docs/fhir-conformance.md)");
      }
    }
    if (id != null && !keys.isEmpty()) {
      throw new InvalidRequestException("Conditional criteria may use '_id' alone or 'identifier', not both");
    }
    if (id == null && keys.isEmpty()) {
      throw new InvalidRequestException("A conditional operation needs search criteria, e.g. identifier=system|value");
    }
    return new Criteria(resourceType, List.copyOf(keys), id, resourceType + "?" + query);
  }

  /** One token value: system|value, |value or value, with the R4 escapes (\| \, \$ \\); no OR. */
  private static String identifierKey(final String token) {
    final StringBuilder system = new StringBuilder();
    final StringBuilder value = new StringBuilder();
    boolean seenBar = false;
    StringBuilder current = value;
    for (int i = 0; i < token.length(); i++) {
      final char c = token.charAt(i);
      if (c == '\\' && i + 1 < token.length()) {
        current.append(token.charAt(++i));
      } else if (c == ',') {
        throw new InvalidRequestException("Conditional criteria cannot OR identifiers (',' in '" + token + "'): they must name one resource");
      } else if (c == '|' && !seenBar) {
        seenBar = true;
        system.append(value);
        value.setLength(0);
        current = value;
      } else {
        current.append(c);
      }
    }
    if (value.length() == 0) {
      throw new InvalidRequestException("identifier criteria need a value: '" + token + "' (system| alone is not supported)");
    }
    return seenBar ? IDENTIFIER + "=" + system + "|" + value : IDENTIFIER + "=" + value;
  }

  private static String decode(final String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (final IllegalArgumentException e) {
      throw new InvalidRequestException("Badly encoded conditional criteria: " + s);
    }
  }
}
