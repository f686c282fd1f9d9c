package org.fhirledger.server.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalDeleteStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalReadStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CodeType;
import org.fhirledger.server.config.FhirContexts;
import java.util.function.Supplier;
import org.fhirledger.server.search.SearchParamRegistry;

/**
 * Completes the CapabilityStatement that HAPI generates from the providers' annotations (interactions, search
 * parameters, operations, formats) with what annotations cannot say: versioning, conditional-read support,
 * update-as-create, the patch formats, and the conditional and transaction/batch behaviour of the ledger's
 * write path (decided at commit time; see docs/fhir-conformance.md).
 */
@Interceptor
public final class CapabilityStatementCustomizer {
  static final List<String> PATCH_FORMATS = List.of("application/json-patch+json", "application/fhir+json", "application/fhir+xml");

  private final boolean updateAsCreate;
  private final boolean conditionalDeleteMultiple;
  private final boolean referentialIntegrity;
  private final String softwareVersion;
  private final Supplier<SearchParamRegistry> registry;

  public CapabilityStatementCustomizer(
      final boolean updateAsCreate, final boolean conditionalDeleteMultiple, final boolean referentialIntegrity, final String softwareVersion) {
    this(updateAsCreate, conditionalDeleteMultiple, referentialIntegrity, softwareVersion, () -> SearchParamRegistry.base(FhirContexts.r4()));
  }

  /** With the node's search parameters as {@code registry} gives them when {@code /metadata} is generated. */
  public CapabilityStatementCustomizer(final boolean updateAsCreate, final boolean conditionalDeleteMultiple, final boolean referentialIntegrity,
      final String softwareVersion, final Supplier<SearchParamRegistry> registry) {
    this.updateAsCreate = updateAsCreate;
    this.conditionalDeleteMultiple = conditionalDeleteMultiple;
    this.referentialIntegrity = referentialIntegrity;
    this.softwareVersion = softwareVersion;
    this.registry = registry;
  }

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void customize(final IBaseConformance generated) {
    final CapabilityStatement cs = (CapabilityStatement) generated;
    cs.getSoftware().setName("FHIR Ledger").setVersion(softwareVersion);
    for (final String format : PATCH_FORMATS) {
      if (cs.getPatchFormat().stream().noneMatch(c -> format.equals(c.getValue()))) {
        cs.getPatchFormat().add(new CodeType(format));
      }
    }
    final SearchParamRegistry params = registry.get();
    for (final CapabilityStatementRestComponent rest : cs.getRest()) {
      for (final SystemRestfulInteraction i : List.of(SystemRestfulInteraction.TRANSACTION, SystemRestfulInteraction.BATCH,
          SystemRestfulInteraction.HISTORYSYSTEM)) {
        if (rest.getInteraction().stream().noneMatch(x -> x.getCode() == i)) {
          rest.addInteraction().setCode(i);
        }
      }
      for (final CapabilityStatementRestResourceComponent resource : rest.getResource()) {
        resource.setVersioning(ResourceVersionPolicy.VERSIONEDUPDATE);
        resource.setReadHistory(true);
        resource.setUpdateCreate(updateAsCreate);
        resource.setConditionalRead(ConditionalReadStatus.FULLSUPPORT);
        resource.setConditionalCreate(true);
        resource.setConditionalUpdate(true);
        resource.setConditionalDelete(conditionalDeleteMultiple ? ConditionalDeleteStatus.MULTIPLE : ConditionalDeleteStatus.SINGLE);
        if (referentialIntegrity && !resource.hasReferencePolicy()) {
          // relative references to resources on this ledger are checked when the write commits
          resource.addReferencePolicy(org.hl7.fhir.r4.model.CapabilityStatement.ReferenceHandlingPolicy.LITERAL);
          resource.addReferencePolicy(org.hl7.fhir.r4.model.CapabilityStatement.ReferenceHandlingPolicy.LOCAL);
          resource.addReferencePolicy(org.hl7.fhir.r4.model.CapabilityStatement.ReferenceHandlingPolicy.ENFORCED);
        }
        if (resource.hasType() && FhirContexts.r4().getResourceTypes().contains(resource.getType()) && !resource.hasSearchParam()) {
          SearchCapabilities.describe(resource, params);
        }
      }
    }
  }
}
