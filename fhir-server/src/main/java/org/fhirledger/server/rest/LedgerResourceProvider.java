package org.fhirledger.server.rest;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.At;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Patch;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.annotation.Validate;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.api.ValidationModeEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.Date;
import java.util.function.Consumer;
import org.fhirledger.server.validation.ResourceValidation;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * The resource provider of one R4 type: thin, as HAPI JPA's are; every call goes to the ledger DAO, the history
 * service or the validator. One instance is registered per resource type that the FhirContext knows.
 */
public final class LedgerResourceProvider<T extends Resource> implements IResourceProvider {
  private final Class<T> type;
  private final String typeName;
  private final ResourceServices services;

  public LedgerResourceProvider(final Class<T> type, final String typeName, final ResourceServices services) {
    this.type = type;
    this.typeName = typeName;
    this.services = services;
  }

  @Override
  public Class<T> getResourceType() {
    return type;
  }

  @Read(version = true)
  public T read(@IdParam final IdType id, final RequestDetails request) {
    if (id.hasVersionIdPart()) {
      return type.cast(services.dao().vread(typeName, id.getIdPart(), parseVersion(id.getVersionIdPart())));
    }
    final Resource current = services.dao().read(typeName, id.getIdPart());
    ReadPreconditions.check(request, current);
    return type.cast(current);
  }

  @Create
  public MethodOutcome create(@ResourceParam final T resource, @ConditionalUrlParam final String ifNoneExist, final RequestDetails request) {
    return withOutcome(services.dao().create(resource, ifNoneExist, RequestHeaders.clientId(request)), "Created");
  }

  @Update
  public MethodOutcome update(
      @IdParam final IdType id, @ResourceParam final T resource, @ConditionalUrlParam final String conditionalUrl, final RequestDetails request) {
    if (conditionalUrl != null) {
      return withOutcome(services.dao().conditionalUpdate(typeName, conditionalUrl, resource, RequestHeaders.ifMatchVersion(request),
          RequestHeaders.clientId(request)), "Updated");
    }
    if (resource.getIdElement().hasIdPart() && !resource.getIdElement().getIdPart().equals(id.getIdPart())) {
      throw new InvalidRequestException("Resource body id '" + resource.getIdElement().getIdPart()
          + "' does not match the URL id '" + id.getIdPart() + "'");
    }
    if (!services.updateAsCreate() && services.dao().head(typeName, id.getIdPart()).isEmpty()) {
      throw new MethodNotAllowedException(typeName + "/" + id.getIdPart() + " does not exist and this server does not"
          + " create resources with client-assigned ids (update-as-create is off); use POST " + typeName);
    }
    final Long ifMatch = id.hasVersionIdPart() ? Long.valueOf(parseVersion(id.getVersionIdPart())) : RequestHeaders.ifMatchVersion(request);
    return withOutcome(services.dao().update(typeName, id.getIdPart(), resource, ifMatch, RequestHeaders.clientId(request)), "Updated");
  }

  @Patch
  public MethodOutcome patch(@IdParam final IdType id, final PatchTypeEnum patchType, @ResourceParam final String body, final RequestDetails request) {
    if (id == null || !id.hasIdPart()) {
      throw new InvalidRequestException("PATCH needs a resource id: " + typeName + "/[id]");
    }
    final Consumer<Resource> check = services.validateWrites() ? services.validation()::requireValid : r -> { };
    final Long ifMatch = id.hasVersionIdPart() ? Long.valueOf(parseVersion(id.getVersionIdPart())) : RequestHeaders.ifMatchVersion(request);
    final MethodOutcome outcome = services.dao().patch(typeName, id.getIdPart(), patchType, body, ifMatch, RequestHeaders.clientId(request), check);
    // HAPI adds ETag to create and update responses but not to PATCH ones.
    if (request instanceof ServletRequestDetails servlet) {
      servlet.getServletResponse().setHeader("ETag", "W/\"" + outcome.getId().getVersionIdPart() + "\"");
    }
    return withOutcome(outcome, "Patched");
  }

  @Delete
  public MethodOutcome delete(
      @IdParam final IdType id, @ConditionalUrlParam(supportsMultiple = true) final String conditionalUrl, final RequestDetails request) {
    final boolean cascade = RequestHeaders.cascadeDelete(request);
    if (conditionalUrl != null) {
      return services.dao().conditionalDelete(typeName, withoutCascade(conditionalUrl), cascade, RequestHeaders.clientId(request));
    }
    return services.dao().delete(typeName, id.getIdPart(), RequestHeaders.ifMatchVersion(request), cascade, RequestHeaders.clientId(request));
  }

  /** _cascade is an instruction to the delete, not a search criterion. */
  private static String withoutCascade(final String conditionalUrl) {
    return conditionalUrl.replaceAll("([?&])_cascade=[^&]*&?", "$1").replaceAll("[?&]$", "");
  }

  @History
  public IBundleProvider instanceHistory(@IdParam final IdType id, @Since final Date since, @At final DateRangeParam at,
      final RequestDetails request) {
    return HistoryPages.remember(request, services.history().instance(typeName, id.getIdPart(), since, at, HistoryPages.paging(request)));
  }

  @History
  public IBundleProvider typeHistory(@Since final Date since, @At final DateRangeParam at, final RequestDetails request) {
    return HistoryPages.remember(request, services.history().type(typeName, since, at, HistoryPages.paging(request)));
  }

  /**
   * {@code $validate} (R4 resource-operation-validate): 200 with the validator's OperationOutcome whatever it
   * finds; mode=update needs the id and a matching body, mode=delete checks that the resource exists.
   */
  @Validate
  public MethodOutcome validate(@ResourceParam final IBaseResource resource, @IdParam(optional = true) final IdType id,
      @Validate.Mode final ValidationModeEnum mode, @Validate.Profile final String profile) {
    if (mode == ValidationModeEnum.DELETE) {
      if (id == null || !id.hasIdPart()) {
        throw new InvalidRequestException("$validate with mode=delete needs the resource id: " + typeName + "/[id]/$validate");
      }
      services.dao().read(typeName, id.getIdPart());
      final java.util.List<String> referrers = services.dao().referrers(typeName, id.getIdPart());
      if (services.dao().writer().referentialIntegrity() && !referrers.isEmpty()) {
        final org.hl7.fhir.r4.model.OperationOutcome refused = new org.hl7.fhir.r4.model.OperationOutcome();
        refused.addIssue().setSeverity(org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity.ERROR)
            .setCode(org.hl7.fhir.r4.model.OperationOutcome.IssueType.CONFLICT)
            .setDiagnostics(typeName + "/" + id.getIdPart() + " is referenced by " + String.join(", ", referrers.subList(0, Math.min(5, referrers.size())))
                + (referrers.size() > 5 ? " and " + (referrers.size() - 5) + " more" : "") + "; a delete would be refused (or needs _cascade=delete)");
        return new MethodOutcome().setOperationOutcome(refused);
      }
      return new MethodOutcome().setOperationOutcome(info(typeName + "/" + id.getIdPart() + " exists and may be deleted"));
    }
    if (resource == null) {
      throw new InvalidRequestException("$validate needs a resource in the body (or in the 'resource' parameter)");
    }
    if (mode == ValidationModeEnum.UPDATE) {
      if (id == null || !id.hasIdPart()) {
        throw new InvalidRequestException("$validate with mode=update needs the resource id: " + typeName + "/[id]/$validate");
      }
      if (resource.getIdElement().hasIdPart() && !resource.getIdElement().getIdPart().equals(id.getIdPart())) {
        throw new InvalidRequestException("Resource body id '" + resource.getIdElement().getIdPart()
            + "' does not match the URL id '" + id.getIdPart() + "'");
      }
    }
    return new MethodOutcome().setOperationOutcome(ResourceValidation.outcome(services.validation().validate(resource, profile)));
  }

  /**
   * {@code GET [type]?...}: HAPI passes every query parameter through (one generic method serves every type);
   * the search service decides which it supports.
   */
  @Search(allowUnknownParams = true)
  public IBundleProvider search(final RequestDetails request) {
    final java.util.Map<String, String[]> parameters = org.fhirledger.server.search.ServerBaseReferences.relativize(
        org.fhirledger.server.config.FhirContexts.r4(), typeName, request.getParameters(), request.getFhirServerBase());
    return services.search().search(typeName, parameters, RequestHeaders.lenientHandling(request));
  }

  /** Gives a write's outcome the OperationOutcome that {@code Prefer: return=OperationOutcome} answers with. */
  private static MethodOutcome withOutcome(final MethodOutcome outcome, final String verb) {
    outcome.setOperationOutcome(info(verb + " " + outcome.getId().toUnqualified().getValue()));
    return outcome;
  }

  private static OperationOutcome info(final String text) {
    final OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION).setCode(OperationOutcome.IssueType.INFORMATIONAL).setDiagnostics(text);
    return oo;
  }

  private static long parseVersion(final String v) {
    try {
      return Long.parseLong(v);
    } catch (final NumberFormatException e) {
      throw new InvalidRequestException("'" + v + "' is not a version id of this server");
    }
  }
}
