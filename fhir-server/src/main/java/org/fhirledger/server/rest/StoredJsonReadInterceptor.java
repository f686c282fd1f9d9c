package org.fhirledger.server.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.IRestfulResponse;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.server.dao.LedgerResourceDao;
import org.fhirledger.server.validation.ValidateWritesInterceptor;
import org.hl7.fhir.r4.model.IdType;

/**
 * Answers a plain read or vread ({@code GET [base]/Type/id}, {@code GET [base]/Type/id/_history/vid}) with the
 * version's stored canonical JSON as it is, instead of letting HAPI parse those bytes into a resource and encode
 * it again: that round trip was almost all of a warm read's CPU (issue 8). The answer is the one HAPI's read
 * gives, byte for byte and header for header (status 200, Content-Type, Content-Location, ETag, Last-Modified,
 * X-Powered-By, X-Request-ID, chunked, gzip when asked for), because the stored bytes are HAPI's own compact encoding of the resource
 * and the headers are written through HAPI's response object with HAPI's helpers ({@code StoredJsonReadIT}
 * compares both paths).
 *
 * <p>It fires only when nothing in the request could change that body, and otherwise returns {@code true}, so HAPI
 * goes on the normal way: no query parameter at all ({@code _format}, {@code _pretty}, {@code _summary},
 * {@code _elements}...), an Accept header absent or one of {@link #JSON_ACCEPTS}, no Content-Type but a JSON one (HAPI
 * also consults it), no If-None-Match/If-Modified-Since (conditional reads are {@link ReadPreconditions}'s), not
 * Binary (whose read may answer the raw content), and no interceptor registered that it does not know to leave a
 * read alone (a future consent or audit interceptor turns the fast path off by being there). Anything it cannot
 * answer as a 200 (unknown id, deleted, bad id or version, content that does not start as {@link LedgerWriter}
 * wrote it, a body holding this server's base URL, which HAPI's encoder would relativize) also goes the normal
 * way, where the errors are made. The hook runs after {@link RequestSizeInterceptor}'s, at
 * SERVER_INCOMING_REQUEST_PRE_HANDLER_SELECTED, so the request id, the request parsing and
 * SERVER_PROCESSING_COMPLETED are HAPI's as before.
 */
@Interceptor
public final class StoredJsonReadInterceptor {
  /**
   * Accept values whose answer is {@code application/fhir+json}, not pretty: plain JSON asks and HAPI's generic
   * client's defaults (XML and JSON at equal weight: the server's default, JSON, wins).
   */
  static final Set<String> JSON_ACCEPTS = Set.of("*/*", Constants.CT_FHIR_JSON_NEW, Constants.CT_JSON,
      Constants.HEADER_ACCEPT_VALUE_JSON_NON_LEGACY, Constants.HEADER_ACCEPT_VALUE_XML_OR_JSON_NON_LEGACY);
  /** A GET's Content-Type that HAPI would read as asking for JSON (it consults it when Accept names no format). */
  static final Set<String> JSON_CONTENT_TYPES = Set.of(Constants.CT_FHIR_JSON_NEW, Constants.CT_JSON);
  /**
   * The interceptors of this server that change nothing in the answer to a read, create or update (the fast paths
   * keep what they do: a size check and validation before the write, history and CapabilityStatement shaping).
   */
  private static final Set<Class<?>> ANSWER_NEUTRAL = Set.of(StoredJsonReadInterceptor.class, StoredJsonWriteInterceptor.class,
      RequestSizeInterceptor.class, HistoryBundleInterceptor.class, CapabilityStatementCustomizer.class, ValidateWritesInterceptor.class);
  static final Pattern READ_PATH = Pattern.compile("([A-Z][A-Za-z]{1,63})/([A-Za-z0-9\\-.]{1,64})(?:/_history/([0-9]{1,18}))?");

  private final LedgerResourceDao dao;
  private final Set<String> resourceTypes;
  private final LongAdder answered = new LongAdder();

  /** @param resourceTypes the types the server has a provider for */
  public StoredJsonReadInterceptor(final LedgerResourceDao dao, final Set<String> resourceTypes) {
    this.dao = dao;
    this.resourceTypes = Set.copyOf(resourceTypes);
  }

  /** How many reads this interceptor answered itself (for tests and figures). */
  public long answered() {
    return answered.sum();
  }

  /** Whether reads of this type may be answered from the stored JSON (Binary's read may answer raw content). */
  boolean answers(final String type) {
    return !"Binary".equals(type) && resourceTypes.contains(type);
  }

  /** Whether this interceptor is registered on the servlet, beside only interceptors that leave the answer alone. */
  boolean activeOn(final ca.uhn.fhir.rest.server.RestfulServer servlet) {
    boolean registered = false;
    for (final Object interceptor : servlet.getInterceptorService().getAllRegisteredInterceptors()) {
      if (!ANSWER_NEUTRAL.contains(interceptor.getClass())) {
        return false;
      }
      registered |= interceptor == this;
    }
    return registered;
  }

  LedgerResourceDao dao() {
    return dao;
  }

  /** Counts a read answered by {@link StoredJsonReadFilter}, before its body goes out. */
  void count() {
    answered.increment();
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLER_SELECTED)
  public boolean answerPlainRead(final ServletRequestDetails request) throws IOException {
    if (request.getRequestType() != RequestTypeEnum.GET || !request.getParameters().isEmpty() || !neutralHeaders(request)) {
      return true;
    }
    final Matcher path = READ_PATH.matcher(request.getRequestPath());
    if (!path.matches() || "Binary".equals(path.group(1)) || !resourceTypes.contains(path.group(1)) || !onlyKnownInterceptors(request)) {
      return true;
    }
    final String type = path.group(1);
    final String id = path.group(2);
    final Long version = path.group(3) == null ? null : Long.valueOf(path.group(3));
    final Optional<ResourceVersion> found = dao.liveVersion(type, id, version);
    if (found.isEmpty()) {
      return true;
    }
    final ResourceVersion v = found.get();
    final byte[] json = dao.canonicalJson(v);
    final Date lastUpdated = lastUpdated(json, type, id, v.versionId());
    if (lastUpdated == null || contains(json, request.getFhirServerBase())) {
      return true;
    }
    // counted before the body goes out: a client that has the answer sees it counted
    answered.increment();
    final IRestfulResponse response = request.getResponse();
    // As RestfulServerUtils.streamResponseAsResource does for a read: Content-Location (the version's full id),
    // ETag, Last-Modified, then the writer; HAPI's encoder flushes before the close (so the body goes chunked).
    final String versionId = String.valueOf(v.versionId());
    response.addHeader(Constants.HEADER_CONTENT_LOCATION, new IdType(type, id, versionId).withServerBase(request.getFhirServerBase(), type).getValue());
    response.addHeader(Constants.HEADER_ETAG, RestfulServerUtils.createEtag(versionId));
    response.addHeader(Constants.HEADER_LAST_MODIFIED, HttpDates.httpDate(lastUpdated.getTime()));
    final Writer writer = response.getResponseWriter(200, Constants.CT_FHIR_JSON_NEW, Constants.CHARSET_NAME_UTF8, request.isRespondGzip());
    writer.write(new String(json, StandardCharsets.UTF_8));
    writer.flush();
    response.commitResponse(writer);
    return false;
  }

  private static boolean neutralHeaders(final ServletRequestDetails request) {
    final List<String> accept = request.getHeaders(Constants.HEADER_ACCEPT);
    if (accept != null && !accept.isEmpty() && (accept.size() > 1 || !JSON_ACCEPTS.contains(accept.get(0).trim()))) {
      return false;
    }
    final String contentType = request.getHeader(Constants.HEADER_CONTENT_TYPE);
    return (contentType == null || JSON_CONTENT_TYPES.contains(contentType.trim())) && request.getHeader(Constants.HEADER_IF_NONE_MATCH) == null
        && request.getHeader(Constants.HEADER_IF_MODIFIED_SINCE) == null;
  }

  /** Whether every registered interceptor is one known to leave the answer alone (a new one turns the fast paths off). */
  static boolean onlyKnownInterceptors(final ServletRequestDetails request) {
    for (final Object registered : request.getServer().getInterceptorService().getAllRegisteredInterceptors()) {
      if (!ANSWER_NEUTRAL.contains(registered.getClass())) {
        return false;
      }
    }
    return true;
  }

  /**
   * meta.lastUpdated of bytes that start exactly as {@link org.fhirledger.server.dao.LedgerWriter#stage} writes
   * them ({@code {"resourceType":T,"id":I,"meta":{"versionId":V,"lastUpdated":...}), else null: then the
   * normal path answers, whatever these bytes hold.
   */
  static Date lastUpdated(final byte[] json, final String type, final String id, final long version) {
    final byte[] prefix = ("{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"" + version
        + "\",\"lastUpdated\":\"").getBytes(StandardCharsets.US_ASCII);
    if (json.length <= prefix.length || java.util.Arrays.mismatch(json, 0, prefix.length, prefix, 0, prefix.length) != -1) {
      return null;
    }
    int end = prefix.length;
    while (end < json.length && end - prefix.length < 40 && json[end] != '"') {
      end++;
    }
    if (end >= json.length || json[end] != '"') {
      return null;
    }
    try {
      return new Date(HttpDates.instantMillis(new String(json, prefix.length, end - prefix.length, StandardCharsets.US_ASCII)));
    } catch (final DateTimeException e) {
      return null;
    }
  }

  /** Whether {@code text} occurs in the bytes (ASCII search; a base URL is ASCII). */
  static boolean contains(final byte[] json, final String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    final byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    final byte first = needle[0];
    final int last = json.length - needle.length;
    for (int i = 0; i <= last; i++) {
      if (json[i] == first && java.util.Arrays.mismatch(json, i, i + needle.length, needle, 0, needle.length) == -1) {
        return true;
      }
    }
    return false;
  }
}
