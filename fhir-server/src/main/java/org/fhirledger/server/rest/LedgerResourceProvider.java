package org.fhirledger.server.rest;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.fhirledger.server.dao.LedgerResourceDao;
import org.fhirledger.server.search.TypeSearchService;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The resource provider of one R4 type: thin, as HAPI JPA's are; every call goes to the ledger DAO.
 * One instance is registered per resource type that the FhirContext knows.
 */
public final class LedgerResourceProvider<T extends Resource> implements IResourceProvider {
  private final Class<T> type;
  private final String typeName;
  private final LedgerResourceDao dao;
  private final TypeSearchService search;

  public LedgerResourceProvider(final Class<T> type, final String typeName, final LedgerResourceDao dao, final TypeSearchService search) {
    this.type = type;
    this.typeName = typeName;
    this.dao = dao;
    this.search = search;
  }

  @Override
  public Class<T> getResourceType() {
    return type;
  }

  @Read(version = true)
  public T read(@IdParam final IdType id) {
    final Resource r = id.hasVersionIdPart()
        ? dao.vread(typeName, id.getIdPart(), parseVersion(id.getVersionIdPart()))
        : dao.read(typeName, id.getIdPart());
    return type.cast(r);
  }

  @Create
  public MethodOutcome create(@ResourceParam final T resource, @ConditionalUrlParam final String ifNoneExist, final RequestDetails request) {
    return dao.create(resource, ifNoneExist, RequestHeaders.clientId(request));
  }

  @Update
  public MethodOutcome update(
      @IdParam final IdType id, @ResourceParam final T resource, @ConditionalUrlParam final String conditionalUrl, final RequestDetails request) {
    if (conditionalUrl != null) {
      return dao.conditionalUpdate(typeName, conditionalUrl, resource, RequestHeaders.ifMatchVersion(request), RequestHeaders.clientId(request));
    }
    if (resource.getIdElement().hasIdPart() && !resource.getIdElement().getIdPart().equals(id.getIdPart())) {
      throw new InvalidRequestException("Resource body id '" + resource.getIdElement().getIdPart()
          + "' does not match the URL id '" + id.getIdPart() + "'");
    }
    final Long ifMatch = id.hasVersionIdPart() ? Long.valueOf(parseVersion(id.getVersionIdPart())) : RequestHeaders.ifMatchVersion(request);
    return dao.update(typeName, id.getIdPart(), resource, ifMatch, RequestHeaders.clientId(request));
  }

  @Delete
  public MethodOutcome delete(
      @IdParam final IdType id, @ConditionalUrlParam(supportsMultiple = true) final String conditionalUrl, final RequestDetails request) {
    final boolean cascade = RequestHeaders.cascadeDelete(request);
    if (conditionalUrl != null) {
      return dao.conditionalDelete(typeName, withoutCascade(conditionalUrl), cascade, RequestHeaders.clientId(request));
    }
    return dao.delete(typeName, id.getIdPart(), RequestHeaders.ifMatchVersion(request), cascade, RequestHeaders.clientId(request));
  }

  /** _cascade is an instruction to the delete, not a search criterion. */
  private static String withoutCascade(final String conditionalUrl) {
    return conditionalUrl.replaceAll("([?&])_cascade=[^&]*&?", "$1").replaceAll("[?&]$", "");
  }

  @Search
  public IBundleProvider searchAll() {
    return search.allOfType(typeName);
  }

  private static long parseVersion(final String v) {
    try {
      return Long.parseLong(v);
    } catch (final NumberFormatException e) {
      throw new InvalidRequestException("'" + v + "' is not a version id of this server");
    }
  }
}
