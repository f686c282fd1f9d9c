package org.fhirledger.server.rest;

import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Date;
import java.util.Enumeration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.zip.GZIPOutputStream;
import org.fhirledger.ledger.store.ResourceVersion;
import org.hl7.fhir.r4.model.IdType;

/**
 * The servlet-filter front of {@link StoredJsonReadInterceptor}: answers a plain read or vread from the stored
 * canonical JSON before the request reaches Spring's other filters and HAPI's dispatch. Profiled on one node
 * (issue 8), the interceptor's hook ran after Spring's observation filter (12 % of a read's CPU), HAPI's request
 * parsing, request id and interceptor calls through reflection (together another 23 %): none of which changes a
 * plain read's answer. This filter writes the answer HAPI's read would give, header for header (X-Powered-By,
 * X-Request-ID as HAPI makes it, Content-Location, ETag, Last-Modified, Content-Type, chunked, gzip when asked
 * for: {@code StoredJsonReadIT} compares it with HAPI's), under the interceptor's conditions, and only while
 * the interceptor is registered on the servlet (taking it off turns both off). Everything else goes down the
 * chain unchanged: the interceptor's hook then sees it as before, and errors are HAPI's.
 *
 * <p>What a read answered here does not get: Spring's {@code http.server.requests} observation (not exposed
 * by this server's actuator) and HAPI's SERVER_PROCESSING_COMPLETED hooks (none registered: the interceptor
 * checks that only read-neutral interceptors are).
 */
public final class StoredJsonReadFilter implements Filter {
  private final StoredJsonReadInterceptor reads;
  private final FhirLedgerServlet servlet;
  private volatile String poweredBy;

  public StoredJsonReadFilter(final StoredJsonReadInterceptor reads, final FhirLedgerServlet servlet) {
    this.reads = reads;
    this.servlet = servlet;
  }

  @Override
  public void doFilter(final ServletRequest req, final ServletResponse res, final FilterChain chain) throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request && res instanceof HttpServletResponse response) || !answered(request, response)) {
      chain.doFilter(req, res);
    }
  }

  private boolean answered(final HttpServletRequest request, final HttpServletResponse response) throws IOException {
    if (!"GET".equals(request.getMethod()) || request.getQueryString() != null || request.getContentLengthLong() > 0
        || request.getHeader("Transfer-Encoding") != null || !neutralHeaders(request)) {
      return false;
    }
    // the path as the servlet sees it, and only when the raw URI is the same text (nothing decoded or normalised)
    final String pathInfo = request.getPathInfo();
    if (pathInfo == null || pathInfo.length() < 2 || !request.getRequestURI().equals(request.getContextPath() + request.getServletPath() + pathInfo)) {
      return false;
    }
    final Matcher path = StoredJsonReadInterceptor.READ_PATH.matcher(pathInfo.substring(1));
    if (!path.matches() || !reads.answers(path.group(1)) || !reads.activeOn(servlet)) {
      return false;
    }
    final String type = path.group(1);
    final String id = path.group(2);
    final ResourceVersion v;
    final byte[] json;
    try {
      final Optional<ResourceVersion> found = reads.dao().liveVersion(type, id, path.group(3) == null ? null : Long.valueOf(path.group(3)));
      if (found.isEmpty()) {
        return false;
      }
      v = found.get();
      json = reads.dao().canonicalJson(v);
    } catch (final RuntimeException e) {
      // unreadable content and the like: HAPI's path makes the error answer
      return false;
    }
    final Date lastUpdated = StoredJsonReadInterceptor.lastUpdated(json, type, id, v.versionId());
    final String base = serverBase(request);
    if (lastUpdated == null || base == null || StoredJsonReadInterceptor.contains(json, base)) {
      return false;
    }
    reads.count();
    // In the order HAPI's ServletRestfulResponse writes them: X-Powered-By, its header map (request id, then the
    // read's Content-Location, ETag, Last-Modified), charset, status, type, Content-Encoding.
    response.addHeader(Constants.HEADER_POWERED_BY, poweredBy());
    response.setHeader(requestIdHeaderName(request), servlet.requestIdFor(request));
    final String versionId = String.valueOf(v.versionId());
    response.setHeader(Constants.HEADER_CONTENT_LOCATION, new IdType(type, id, versionId).withServerBase(base, type).getValue());
    response.setHeader(Constants.HEADER_ETAG, RestfulServerUtils.createEtag(versionId));
    response.setHeader(Constants.HEADER_LAST_MODIFIED, HttpDates.httpDate(lastUpdated.getTime()));
    response.setCharacterEncoding(Constants.CHARSET_NAME_UTF8);
    response.setStatus(200);
    response.setContentType(Constants.CT_FHIR_JSON_NEW);
    final ServletOutputStream out;
    if (respondGzip(request)) {
      response.addHeader(Constants.HEADER_CONTENT_ENCODING, Constants.ENCODING_GZIP);
      out = response.getOutputStream();
      try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
        gzip.write(json);
        gzip.flush();
      }
    } else {
      // the stored bytes are UTF-8 already: no decoding into a String and encoding back
      out = response.getOutputStream();
      out.write(json);
      // as HAPI's encoder does before its close: the body goes chunked, as HAPI's read answer does
      out.flush();
      out.close();
    }
    return true;
  }

  private String poweredBy() {
    String p = poweredBy;
    if (p == null) {
      p = servlet.poweredByHeader();
      poweredBy = p;
    }
    return p;
  }

  /** HAPI's base for this request (its address strategy, no trailing slash; this servlet has no tenants), or null. */
  private String serverBase(final HttpServletRequest request) {
    final String base = servlet.getServerAddressStrategy().determineServerBase(servlet.getServletContext(), request);
    if (base == null || base.isBlank()) {
      return null;
    }
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** HAPI answers the request id under the header name the client used for its own, if it sent one. */
  private static String requestIdHeaderName(final HttpServletRequest request) {
    if (request.getHeader(Constants.HEADER_REQUEST_ID) != null) {
      for (final Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
        final String name = names.nextElement();
        if (Constants.HEADER_REQUEST_ID.equalsIgnoreCase(name)) {
          return name;
        }
      }
    }
    return Constants.HEADER_REQUEST_ID;
  }

  /** As HAPI decides it: one Accept-Encoding header whose comma-separated values include exactly "gzip". */
  private static boolean respondGzip(final HttpServletRequest request) {
    final String acceptEncoding = request.getHeader(Constants.HEADER_ACCEPT_ENCODING);
    if (acceptEncoding == null) {
      return false;
    }
    for (final String coding : acceptEncoding.trim().split("\\s*,\\s*")) {
      if (Constants.ENCODING_GZIP.equals(coding)) {
        return true;
      }
    }
    return false;
  }

  /** {@link StoredJsonReadInterceptor}'s header conditions, on the servlet request. */
  private static boolean neutralHeaders(final HttpServletRequest request) {
    final Enumeration<String> accepts = request.getHeaders(Constants.HEADER_ACCEPT);
    if (accepts != null && accepts.hasMoreElements()) {
      final String accept = accepts.nextElement();
      if (accepts.hasMoreElements() || !StoredJsonReadInterceptor.JSON_ACCEPTS.contains(accept.trim())) {
        return false;
      }
    }
    final String contentType = request.getHeader(Constants.HEADER_CONTENT_TYPE);
    return (contentType == null || StoredJsonReadInterceptor.JSON_CONTENT_TYPES.contains(contentType.trim()))
        && request.getHeader(Constants.HEADER_IF_NONE_MATCH) == null && request.getHeader(Constants.HEADER_IF_MODIFIED_SINCE) == null;
  }
}
