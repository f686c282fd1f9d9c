package org.fhirledger.server.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IRestfulResponse;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.util.DateUtils;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.fhirledger.server.dao.LedgerWriter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Answers a create or update (POST {@code [base]/Type}, PUT {@code [base]/Type/id}) whose answer is the written
 * resource with the canonical JSON bytes the node has just written, instead of letting HAPI encode the resource a
 * second time (issue 8: the encode was a large part of a create's request-thread CPU). {@link
 * LedgerWriter#stage} attaches those bytes to the resource it stamps ({@link
 * LedgerWriter#CANONICAL_JSON}); they are HAPI's own compact encoding of that very resource, so the answer is the one HAPI's
 * normal path gives, byte for byte and header for header: status (201 or 200), Location (POST only),
 * Content-Location, ETag, Last-Modified, Content-Type, chunked, gzip when asked for ({@code StoredJsonWriteIT}
 * compares both paths).
 *
 * <p>It runs at SERVER_OUTGOING_RESPONSE, after the write is final and applied on this node and after HAPI has
 * chosen the answer's resource from {@code Prefer}: {@code return=minimal} (no body) and {@code
 * return=OperationOutcome} (an OperationOutcome, which carries no canonical bytes) stay HAPI's. It answers only when
 * nothing in the request could change the body: no query parameter (so no {@code _format}, {@code _pretty},
 * {@code _summary}, {@code _elements}, and no conditional update, whose criteria are parameters), Accept absent or
 * one that answers JSON, a JSON Content-Type (HAPI answers an XML body in XML when Accept names no format), only
 * interceptors that leave the answer alone, and canonical bytes that do not hold this server's base URL (HAPI's
 * encoder would write such a reference relative). Anything else goes the normal way.
 */
@Interceptor
public final class StoredJsonWriteInterceptor {
  private final LongAdder answered = new LongAdder();

  /** How many create and update answers this interceptor wrote itself (for tests and figures). */
  public long answered() {
    return answered.sum();
  }

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public boolean answerWrite(final ServletRequestDetails request, final ResponseDetails response) throws IOException {
    if (!(response.getResponseResource() instanceof Resource resource) || !(resource.getUserData(LedgerWriter.CANONICAL_JSON) instanceof byte[] json)) {
      return true;
    }
    final RestOperationTypeEnum operation = request.getRestOperationType();
    final boolean create = operation == RestOperationTypeEnum.CREATE && request.getRequestType() == RequestTypeEnum.POST;
    final boolean update = operation == RestOperationTypeEnum.UPDATE && request.getRequestType() == RequestTypeEnum.PUT;
    if (!(create || update) || !request.getParameters().isEmpty() || !jsonAnswerAsked(request)
        || !StoredJsonReadInterceptor.onlyKnownInterceptors(request)) {
      return true;
    }
    final IdType id = resource.getIdElement();
    final Date lastUpdated = resource.getMeta().getLastUpdated();
    if (!id.hasResourceType() || !id.hasIdPart() || !id.hasVersionIdPart() || lastUpdated == null
        || StoredJsonReadInterceptor.contains(json, request.getFhirServerBase())) {
      return true;
    }
    answered.increment();
    final IRestfulResponse answer = request.getResponse();
    // As RestfulServerUtils.streamResponseAsResource does for a write: Location (POST), Content-Location (the
    // version's full id), ETag, Last-Modified, then the writer, flushed before the close (so the body goes chunked).
    final String location = new IdType(id.getResourceType(), id.getIdPart(), id.getVersionIdPart())
        .withServerBase(request.getFhirServerBase(), id.getResourceType()).getValue();
    if (create) {
      answer.addHeader(Constants.HEADER_LOCATION, location);
    }
    answer.addHeader(Constants.HEADER_CONTENT_LOCATION, location);
    answer.addHeader(Constants.HEADER_ETAG, RestfulServerUtils.createEtag(id.getVersionIdPart()));
    answer.addHeader(Constants.HEADER_LAST_MODIFIED, DateUtils.formatDate(lastUpdated));
    final Writer writer = answer.getResponseWriter(response.getResponseCode(), Constants.CT_FHIR_JSON_NEW, Constants.CHARSET_NAME_UTF8,
        request.isRespondGzip());
    writer.write(new String(json, StandardCharsets.UTF_8));
    writer.flush();
    answer.commitResponse(writer);
    return false;
  }

  /** Accept absent or a JSON one, and the body's Content-Type JSON (its charset aside): HAPI would answer JSON. */
  private static boolean jsonAnswerAsked(final ServletRequestDetails request) {
    final List<String> accept = request.getHeaders(Constants.HEADER_ACCEPT);
    if (accept != null && !accept.isEmpty() && (accept.size() > 1 || !StoredJsonReadInterceptor.JSON_ACCEPTS.contains(accept.get(0).trim()))) {
      return false;
    }
    final String contentType = request.getHeader(Constants.HEADER_CONTENT_TYPE);
    if (contentType == null) {
      return false;
    }
    final int semicolon = contentType.indexOf(';');
    final String mime = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    return StoredJsonReadInterceptor.JSON_CONTENT_TYPES.contains(mime)
        && (semicolon < 0 || contentType.substring(semicolon + 1).trim().toLowerCase(Locale.ROOT).equals("charset=utf-8"));
  }
}
