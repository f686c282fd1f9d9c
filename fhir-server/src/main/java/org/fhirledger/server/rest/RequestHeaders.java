package org.fhirledger.server.rest;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the HTTP headers that the ledger records or checks. */
final class RequestHeaders {
  private static final Pattern ETAG_VERSION = Pattern.compile("^\\s*(?:W/)?\"?([0-9]+)\"?\\s*$");

  private RequestHeaders() {}

  /** The If-Match version (W/"3" or "3"), or null when the header is absent. */
  static Long ifMatchVersion(final RequestDetails request) {
    final String value = request.getHeader("If-Match");
    if (value == null || value.isBlank()) {
      return null;
    }
    final Matcher m = ETAG_VERSION.matcher(value);
    if (!m.matches()) {
      throw new InvalidRequestException("If-Match must be a version ETag such as W/\"3\", got: " + value);
    }
    return Long.valueOf(m.group(1));
  }

  /** Whether the client asked for a cascading delete: {@code _cascade=delete} or {@code X-Cascade: delete} (as HAPI JPA). */
  static boolean cascadeDelete(final RequestDetails request) {
    final String[] param = request.getParameters().get("_cascade");
    if (param != null && param.length > 0) {
      if (!"delete".equals(param[0])) {
        throw new InvalidRequestException("_cascade supports only 'delete', got '" + param[0] + "'");
      }
      return true;
    }
    return "delete".equalsIgnoreCase(request.getHeader("X-Cascade"));
  }

  /** Who asked, as far as this server knows it; recorded on the chain with the write. */
  static String clientId(final RequestDetails request) {
    final String user = request.getHeader("X-Client-Id");
    return user == null ? "anonymous" : user.length() > 200 ? user.substring(0, 200) : user;
  }

  /** Whether the client sent {@code Prefer: handling=lenient} (unsupported search parameters are then ignored). */
  static boolean lenientHandling(final RequestDetails request) {
    final java.util.List<String> prefer = request.getHeaders("Prefer");
    if (prefer == null) {
      return false;
    }
    return prefer.stream().flatMap(h -> java.util.Arrays.stream(h.split("[,;]")))
        .anyMatch(p -> p.replace(" ", "").equalsIgnoreCase("handling=lenient"));
  }
}
