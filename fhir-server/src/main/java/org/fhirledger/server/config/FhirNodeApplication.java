package org.fhirledger.server.config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.server.dao.BundleProcessor;
import org.fhirledger.server.dao.LedgerResourceDao;
import org.fhirledger.server.dao.LedgerWriter;
import org.fhirledger.server.rest.SystemProvider;
import org.fhirledger.server.node.HospitalNode;
import org.fhirledger.server.operations.LedgerMembershipProvider;
import org.fhirledger.server.operations.LedgerStatusProvider;
import org.fhirledger.server.rest.CapabilityStatementCustomizer;
import org.fhirledger.server.rest.ExpiringPagingProvider;
import org.fhirledger.server.rest.PatientEverythingProvider;
import org.fhirledger.server.search.EverythingService;
import java.time.Clock;
import java.time.Duration;
import org.fhirledger.server.rest.FhirLedgerServlet;
import org.fhirledger.server.rest.HistoryBundleInterceptor;
import org.fhirledger.server.rest.RequestSizeInterceptor;
import org.fhirledger.server.rest.ResourceServices;
import org.fhirledger.server.rest.StoredJsonReadFilter;
import org.fhirledger.server.rest.StoredJsonReadInterceptor;
import org.fhirledger.server.rest.StoredJsonWriteInterceptor;
import org.fhirledger.server.rest.SystemHistoryProvider;
import org.fhirledger.server.search.HistoryService;
import org.fhirledger.server.search.TypeSearchService;
import org.fhirledger.server.validation.ResourceValidation;
import org.fhirledger.server.validation.ValidateWritesInterceptor;
import org.springframework.boot.actuate.autoconfigure.observation.web.servlet.WebMvcObservationAutoConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.context.annotation.Bean;

/**
 * The Spring Boot application of one hospital node: wiring only. Several run in one JVM for `demo`, each in
 * its own application context with its own properties, so nothing here is static.
 */
// WebMvcObservationAutoConfiguration: its filter timed every request for the http.server.requests metric (about a
// tenth of a create's request-thread CPU, issue 8), a metric this server does not expose (only health and info are).
@SpringBootApplication(exclude = {DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class, WebMvcObservationAutoConfiguration.class})
@EnableConfigurationProperties(NodeProperties.class)
public class FhirNodeApplication {

  @Bean(destroyMethod = "close")
  public HospitalNode hospitalNode(final NodeProperties properties) throws IOException {
    return HospitalNode.start(properties);
  }

  @Bean
  public LedgerResourceDao ledgerResourceDao(final HospitalNode node, final NodeProperties properties) {
    final LedgerWriter writer = new LedgerWriter(FhirContexts.serverR4(), node.ledger(), properties.maxResourceBytes(),
        properties.writeTimeoutMillis(), properties.referentialIntegrity(), node.placer());
    return new LedgerResourceDao(FhirContexts.serverR4(), node.ledger(), writer, new LedgerResourceDao.WritePolicy(
        properties.updateAsCreate(), properties.conditionalDeleteMultiple(), properties.cascadeDelete()), node.content());
  }

  @Bean
  public TypeSearchService typeSearchService(final HospitalNode node, final LedgerResourceDao dao) {
    return new TypeSearchService(node.index(), node.ledger(), dao, node.searchParams()::registry);
  }

  @Bean
  public HistoryService historyService(final HospitalNode node, final LedgerResourceDao dao) {
    return new HistoryService(node.index(), node.ledger(), dao);
  }

  /** Plain reads and vreads answered from the stored canonical JSON (the normal path answers everything else). */
  @Bean
  public StoredJsonReadInterceptor storedJsonReads(final LedgerResourceDao dao) {
    return new StoredJsonReadInterceptor(dao, FhirContexts.serverR4().getResourceTypes());
  }

  /** Creates and updates answered with the canonical JSON they wrote (the normal path answers everything else). */
  @Bean
  public StoredJsonWriteInterceptor storedJsonWrites() {
    return new StoredJsonWriteInterceptor();
  }

  @Bean
  public ServletRegistrationBean<FhirLedgerServlet> fhirServlet(
      final HospitalNode node, final LedgerResourceDao dao, final TypeSearchService search, final HistoryService history,
      final NodeProperties properties, final StoredJsonReadInterceptor storedJsonReads, final StoredJsonWriteInterceptor storedJsonWrites) {
    final ResourceValidation validation = ResourceValidation.shared();
    final ResourceServices services =
        new ResourceServices(dao, search, history, validation, properties.updateAsCreate(), properties.validateWrites());
    final List<Object> interceptors = new ArrayList<>();
    interceptors.add(new RequestSizeInterceptor(properties.maxResourceBytes()));
    interceptors.add(storedJsonReads);
    interceptors.add(storedJsonWrites);
    interceptors.add(new HistoryBundleInterceptor());
    interceptors.add(new CapabilityStatementCustomizer(properties.updateAsCreate(), properties.conditionalDeleteMultiple(),
        properties.referentialIntegrity(), softwareVersion(), node.searchParams()::registry));
    if (properties.validateWrites()) {
      interceptors.add(new ValidateWritesInterceptor(validation));
    }
    final FhirLedgerServlet servlet = new FhirLedgerServlet(
        FhirContexts.serverR4(), services,
        List.of(new LedgerStatusProvider(node.ledger(), properties.name(), node.searchParams()::reindexJobs,
            node.index()::indexedHeight),
            new LedgerMembershipProvider(node.ledger(), properties.writeTimeoutMillis()), new SystemHistoryProvider(history),
            new SystemProvider(new BundleProcessor(dao)),
            new PatientEverythingProvider(new EverythingService(node.index(), node.ledger(), dao))),
        interceptors,
        new ExpiringPagingProvider(properties.searchDefaultPageSize(), properties.searchMaxPageSize(),
            Duration.ofSeconds(properties.searchPageLinkTtlSeconds()), FhirLedgerServlet.PAGES_KEPT, Clock.systemUTC()));
    final ServletRegistrationBean<FhirLedgerServlet> registration = new ServletRegistrationBean<>(servlet, "/fhir/*");
    registration.setName("fhir");
    registration.setLoadOnStartup(1);
    return registration;
  }

  /**
   * Plain reads answered from the stored JSON ahead of every other filter (Spring's observation filter included)
   * and of HAPI's dispatch; what it does not answer goes on to the servlet unchanged.
   */
  @Bean
  public FilterRegistrationBean<StoredJsonReadFilter> storedJsonReadFilter(final StoredJsonReadInterceptor storedJsonReads,
      final ServletRegistrationBean<FhirLedgerServlet> fhirServlet) {
    final FilterRegistrationBean<StoredJsonReadFilter> registration =
        new FilterRegistrationBean<>(new StoredJsonReadFilter(storedJsonReads, fhirServlet.getServlet()));
    // by URL pattern, not by servlet name: Tomcat runs every URL-mapped filter before any servlet-name-mapped one
    registration.addUrlPatterns("/fhir/*");
    registration.setName("storedJsonReads");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  private static String softwareVersion() {
    final String v = FhirNodeApplication.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }
}
