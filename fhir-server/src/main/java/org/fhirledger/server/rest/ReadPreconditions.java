package org.fhirledger.server.rest;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.NotModifiedException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Resource;

/**
 * Conditional read (R4 http.html#cread): {@code If-None-Match} and {@code If-Modified-Since} answer 304.
 * HAPI checks both too, but compares If-None-Match as one value (a list such as {@code W/"1", W/"2"} or
 * {@code *} never matches) and If-Modified-Since to the millisecond, so echoing back a Last-Modified (whole
 * seconds) would never give 304; here HTTP's rules apply (RFC 9110 §13.1.2, §13.1.3), and If-None-Match,
 * when present, decides alone.
 */
final class ReadPreconditions {
  private static final Pattern ETAG = Pattern.compile("\\s*(?:W/)?\"([^\"]*)\"\\s*");

  private ReadPreconditions() {}

  static void check(final RequestDetails request, final Resource current) {
    final String ifNoneMatch = request.getHeader("If-None-Match");
    if (ifNoneMatch != null && !ifNoneMatch.isBlank()) {
      if (matchesAny(ifNoneMatch, current.getMeta().getVersionId())) {
        throw new NotModifiedException("Not Modified");
      }
      return;
    }
    final String ifModifiedSince = request.getHeader("If-Modified-Since");
    if (ifModifiedSince != null && !ifModifiedSince.isBlank() && current.getMeta().getLastUpdated() != null) {
      final Instant since;
      try {
        since = ZonedDateTime.parse(ifModifiedSince.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      } catch (final DateTimeParseException e) {
        return; // an invalid date is ignored (RFC 9110 §13.1.3)
      }
      final Instant modified = current.getMeta().getLastUpdated().toInstant().truncatedTo(ChronoUnit.SECONDS);
      if (!modified.isAfter(since)) {
        throw new NotModifiedException("Not Modified");
      }
    }
  }

  private static boolean matchesAny(final String header, final String version) {
    if ("*".equals(header.trim())) {
      return true;
    }
    for (final String tag : header.split(",")) {
      final Matcher m = ETAG.matcher(tag);
      final String value = m.matches() ? m.group(1) : tag.trim();
      if (value.equals(version)) {
        return true;
      }
    }
    return false;
  }
}
