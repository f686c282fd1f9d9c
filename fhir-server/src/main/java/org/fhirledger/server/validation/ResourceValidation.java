package org.fhirledger.server.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.server.config.FhirContexts;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * HAPI's instance validator on the base R4 definitions plus the conformance resources of the {@code ig} module
 * (every StructureDefinition, ValueSet and CodeSystem under {@code fhir-ledger-ig/} on the classpath). One per
 * JVM: it holds the whole R4 specification in memory and takes seconds to warm up, and it is thread-safe.
 * A declared profile the server does not know is an error, so a write can never claim a profile unchecked.
 */
public final class ResourceValidation {
  static final String IG_RESOURCES = "classpath*:fhir-ledger-ig/*.json";
  private static final Object LOCK = new Object();
  private static volatile ResourceValidation shared;

  private final FhirContext fhir;
  private final FhirValidator validator;

  private ResourceValidation(final FhirContext fhir) {
    this.fhir = fhir;
    final ValidationSupportChain chain = new ValidationSupportChain(
        new DefaultProfileValidationSupport(fhir),
        igResources(fhir),
        new SnapshotGeneratingValidationSupport(fhir),
        new CommonCodeSystemsTerminologyService(fhir),
        new InMemoryTerminologyServerValidationSupport(fhir));
    final FhirInstanceValidator module = new FhirInstanceValidator(chain);
    module.setErrorForUnknownProfiles(true);
    this.validator = fhir.newValidator().registerValidatorModule(module);
  }

  /** The JVM's validator, built on first use. */
  public static ResourceValidation shared() {
    ResourceValidation v = shared;
    if (v == null) {
      synchronized (LOCK) {
        v = shared;
        if (v == null) {
          v = new ResourceValidation(FhirContexts.r4());
          shared = v;
        }
      }
    }
    return v;
  }

  /** Validates against the base definition, the declared meta.profile and, if given, {@code profile}. */
  public ValidationResult validate(final IBaseResource resource, final String profile) {
    return validator.validateWithResult(resource, new ValidationOptions().addProfileIfNotBlank(profile));
  }

  /** Validates a resource given as text (JSON or XML); used for response bodies in tests. */
  public ValidationResult validate(final String body) {
    return validator.validateWithResult(body);
  }

  /** Throws 422 with the validator's issues if the resource has an error against its declared profiles. */
  public void requireValid(final IBaseResource resource) {
    final ValidationResult result = validate(resource, null);
    if (hasErrors(result)) {
      throw new UnprocessableEntityException(fhir, result.toOperationOutcome());
    }
  }

  public static boolean hasErrors(final ValidationResult result) {
    return result.getMessages().stream().anyMatch(m -> m.getSeverity() != null && m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal());
  }

  /** The validator's issues as an R4 OperationOutcome (an "all OK" information issue when there are none). */
  public static OperationOutcome outcome(final ValidationResult result) {
    final OperationOutcome oo = (OperationOutcome) result.toOperationOutcome();
    if (!oo.hasIssue()) {
      oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION).setCode(OperationOutcome.IssueType.INFORMATIONAL)
          .setDiagnostics("No issues detected during validation");
    }
    return oo;
  }

  private static PrePopulatedValidationSupport igResources(final FhirContext fhir) {
    final PrePopulatedValidationSupport support = new PrePopulatedValidationSupport(fhir);
    for (final IBaseResource r : loadIg(fhir)) {
      final String type = fhir.getResourceType(r);
      if ("StructureDefinition".equals(type) || "ValueSet".equals(type) || "CodeSystem".equals(type)) {
        support.addResource(r);
      }
    }
    return support;
  }

  static List<IBaseResource> loadIg(final FhirContext fhir) {
    final List<IBaseResource> out = new ArrayList<>();
    try {
      for (final Resource file : new PathMatchingResourcePatternResolver(ResourceValidation.class.getClassLoader()).getResources(IG_RESOURCES)) {
        try (InputStream in = file.getInputStream()) {
          out.add(fhir.newJsonParser().parseResource(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
      }
    } catch (final IOException e) {
      throw new UncheckedIOException("could not read the ig conformance resources", e);
    }
    return out;
  }
}
