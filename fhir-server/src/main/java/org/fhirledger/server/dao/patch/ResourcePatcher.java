package org.fhirledger.server.dao.patch;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;

/**
 * Applies a PATCH body to a resource: JSON Patch ({@code application/json-patch+json}) or FHIRPath Patch (a
 * Parameters resource in {@code application/fhir+json} or {@code application/fhir+xml}). Pure: the current version
 * in, the patched resource out; the DAO writes it as an update of the version it read.
 */
public final class ResourcePatcher {
  private final FhirContext fhir;
  private final JsonPatchApplier jsonPatch;
  private final FhirPathPatchApplier fhirPathPatch;

  public ResourcePatcher(final FhirContext fhir) {
    this.fhir = fhir;
    this.jsonPatch = new JsonPatchApplier(fhir);
    this.fhirPathPatch = new FhirPathPatchApplier(fhir);
  }

  /** 415 for a patch format this server does not apply. */
  public static final class UnsupportedPatchFormatException extends BaseServerResponseException {
    private static final long serialVersionUID = 1L;

    UnsupportedPatchFormatException(final String message) {
      super(415, message);
    }
  }

  public Resource apply(final Resource current, final PatchTypeEnum type, final String body) {
    final Resource patched;
    if (type == PatchTypeEnum.JSON_PATCH) {
      patched = jsonPatch.apply(current, body);
    } else if (type == PatchTypeEnum.FHIR_PATCH_JSON || type == PatchTypeEnum.FHIR_PATCH_XML) {
      patched = fhirPathPatch.apply(current, parameters(type, body));
    } else {
      throw new UnsupportedPatchFormatException("Patch format " + type.getContentType()
          + " is not supported; use application/json-patch+json or a FHIRPath Patch Parameters body");
    }
    final String id = patched.getIdElement().getIdPart();
    if (id != null && !id.equals(current.getIdElement().getIdPart())) {
      throw new UnprocessableEntityException("A patch may not change the resource id (" + current.getIdElement().getIdPart() + " to " + id + ")");
    }
    return patched;
  }

  private Parameters parameters(final PatchTypeEnum type, final String body) {
    final IParser parser = type == PatchTypeEnum.FHIR_PATCH_XML ? fhir.newXmlParser() : fhir.newJsonParser();
    try {
      return parser.parseResource(Parameters.class, body);
    } catch (final DataFormatException e) {
      throw new InvalidRequestException("FHIRPath Patch body is not a Parameters resource: " + e.getMessage());
    }
  }
}
