package org.fhirledger.server.validation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The {@code fhirledger.node.validate-writes} setting: every create and update body (and a transaction or batch
 * Bundle, entries included) is validated against the base R4 definitions and its declared meta.profile before
 * it reaches the ledger; an error answers 422 with the validator's issues and nothing is committed. A PATCH is
 * validated after it is applied, by the provider, since only its result is a resource.
 *
 * <p>HAPI's RequestValidatingInterceptor validates every request body, $validate's own included (which must
 * answer 200 with the issues); this one hooks after the body is parsed and only for writes.
 */
@Interceptor
public final class ValidateWritesInterceptor {
  private static final Set<RestOperationTypeEnum> WRITES =
      Set.of(RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.TRANSACTION);

  private final ResourceValidation validation;

  public ValidateWritesInterceptor(final ResourceValidation validation) {
    this.validation = validation;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void validateWrite(final RequestDetails request, final RestOperationTypeEnum operation) {
    if (!WRITES.contains(operation)) {
      return;
    }
    final IBaseResource body = request.getResource();
    if (body != null) {
      validation.requireValid(body);
    }
  }
}
