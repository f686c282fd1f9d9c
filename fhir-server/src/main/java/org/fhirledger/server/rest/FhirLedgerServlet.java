package org.fhirledger.server.rest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IPagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;

/** HAPI's plain RestfulServer with one ledger-backed provider per R4 resource type. */
public final class FhirLedgerServlet extends RestfulServer {
  private static final long serialVersionUID = 1L;
  /** Searches whose page links a node keeps in memory. */
  public static final int PAGES_KEPT = 1000;
  private static final int HISTORY_PAGE_SIZE = 20;

  public FhirLedgerServlet(
      final FhirContext fhir, final ResourceServices services, final List<Object> plainProviders, final List<Object> interceptors) {
    this(fhir, services, plainProviders, interceptors, new FifoMemoryPagingProvider(PAGES_KEPT));
  }

  /** @param paging keeps the searches whose page links were handed out (and says how long they last) */
  public FhirLedgerServlet(final FhirContext fhir, final ResourceServices services, final List<Object> plainProviders,
      final List<Object> interceptors, final IPagingProvider paging) {
    super(fhir);
    setResourceProviders(providersFor(fhir, services));
    setPlainProviders(plainProviders);
    interceptors.forEach(this::registerInterceptor);
    setDefaultResponseEncoding(EncodingEnum.JSON);
    setPagingProvider(paging);
    // HAPI pages histories by offset, with this page size when the client gives no _count.
    setDefaultPageSize(HISTORY_PAGE_SIZE);
    setImplementationDescription("FHIR Ledger: FHIR R4 on a permissioned BFT ledger");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<IResourceProvider> providersFor(final FhirContext fhir, final ResourceServices services) {
    final List<IResourceProvider> providers = new ArrayList<>();
    for (final String name : fhir.getResourceTypes()) {
      final RuntimeResourceDefinition def = fhir.getResourceDefinition(name);
      final Class<? extends Resource> type = (Class<? extends Resource>) def.getImplementingClass();
      providers.add(new LedgerResourceProvider(type, name, services));
    }
    return providers;
  }
}
