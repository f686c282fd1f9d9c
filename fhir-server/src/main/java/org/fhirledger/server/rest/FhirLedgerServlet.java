package org.fhirledger.server.rest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IPagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.ArrayList;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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

  /** HAPI's X-Request-ID for this request: the client's own when it sent a usable one, else a new one. */
  public String requestIdFor(final HttpServletRequest request) {
    return getOrCreateRequestId(request);
  }

  /** The X-Powered-By value HAPI puts on every answer. */
  public String poweredByHeader() {
    return createPoweredByHeader();
  }

  /**
   * A request id of the same shape as HAPI's (alphanumeric, this length), from {@link ThreadLocalRandom}: HAPI's
   * draws it from commons-lang's SecureRandom, which was 6 % of a read's CPU, and the id only traces a request
   * through the logs (nothing trusts it not to be guessed: a client may choose its own).
   */
  @Override
  protected String newRequestId(final int length) {
    final ThreadLocalRandom random = ThreadLocalRandom.current();
    final char[] id = new char[length];
    for (int i = 0; i < length; i++) {
      id[i] = REQUEST_ID_CHARS.charAt(random.nextInt(REQUEST_ID_CHARS.length()));
    }
    return new String(id);
  }

  private static final String REQUEST_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

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
