package org.fhirledger.bench.hapijpa;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.persistence.EntityManagerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.context.support.PropertySourcesPlaceholderConfigurer;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * The Spring wiring of the server: HAPI's own JPA R4 configuration ({@link JpaR4Config}, {@link HapiJpaConfig}, the
 * batch2 job framework its merge and reindex services need) plus the beans HAPI leaves to the application: the
 * database, the entity manager factory and transaction manager, the storage and partition settings, and the servlet.
 *
 * <p>No Spring Boot auto-configuration: it would build a second DataSource and EntityManagerFactory beside HAPI's.
 * Nothing here turns on subscriptions, validation, Hibernate Search (Lucene/Elasticsearch) or partitioning.
 */
@Configuration
// ThreadPoolFactoryConfig: the pools of HAPI's transaction processor. SubscriptionChannelConfig: only the in-memory
// message broker the batch2 job coordinator needs; no subscription matcher or delivery is wired.
@Import({JpaR4Config.class, HapiJpaConfig.class, JpaBatch2Config.class, Batch2JobsConfig.class, ThreadPoolFactoryConfig.class,
    SubscriptionChannelConfig.class})
public class HapiJpaServerConfig {
  static final String PORT_PROPERTY = "hapijpa.port";
  static final String DATA_DIR_PROPERTY = "hapijpa.data-dir";
  private static final String DATABASE = "hapi";
  /** Spring Boot's (Hikari's) default, which the HAPI JPA starter keeps. */
  private static final int POOL_SIZE = 10;

  /** Resolves the ${...} placeholders below from the properties main() sets (auto-configuration would do it). */
  @Bean
  public static PropertySourcesPlaceholderConfigurer propertyPlaceholders() {
    return new PropertySourcesPlaceholderConfigurer();
  }

  /**
   * PostgreSQL 14 (zonky's binaries, as the product's nodes use) with fsync and synchronous_commit on: a commit is on
   * disk when HAPI answers, as with a production HAPI and as our nodes' PostgreSQL runs in {@code bench}.
   */
  @Bean(destroyMethod = "close")
  public EmbeddedPostgres embeddedPostgres(@Value("${" + DATA_DIR_PROPERTY + "}") final String dataDir) throws IOException {
    final Path dir = Path.of(dataDir, "postgres");
    Files.createDirectories(dir);
    stopOrphanedPostmaster(dir);
    return EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "100")
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .start();
  }

  /**
   * A server killed with SIGKILL leaves its PostgreSQL running on the data directory, which would refuse a new one.
   * Its committed data is on disk (fsync on), so stopping it is safe; PostgreSQL recovers from its WAL on start.
   */
  private static void stopOrphanedPostmaster(final Path dir) throws IOException {
    final Path pidFile = dir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    final String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
    if (first.matches("\\d+")) {
      final Optional<ProcessHandle> orphan = ProcessHandle.of(Long.parseLong(first)).filter(ProcessHandle::isAlive)
          .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
      if (orphan.isPresent()) {
        System.err.println("hapi-jpa: stopping the PostgreSQL (pid " + first + ") a killed run left on " + dir);
        orphan.get().destroy();
        orphan.get().onExit().orTimeout(60, TimeUnit.SECONDS).join();
      }
    }
    Files.deleteIfExists(pidFile);
  }

  @Bean(destroyMethod = "close")
  public HikariDataSource dataSource(final EmbeddedPostgres postgres) throws SQLException {
    createDatabaseIfMissing(postgres.getPostgresDatabase());
    final HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE);
    config.setUsername("postgres");
    config.setPassword("");
    config.setMaximumPoolSize(POOL_SIZE);
    config.setPoolName("hapi-jpa");
    return new HikariDataSource(config);
  }

  private static void createDatabaseIfMissing(final DataSource admin) throws SQLException {
    try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        if (rs.next()) {
          return;
        }
      }
      s.execute("CREATE DATABASE " + DATABASE);
    }
  }

  /** HAPI's defaults (client-assigned ids: alphanumeric ones allowed, as by default). */
  @Bean
  public JpaStorageSettings storageSettings() {
    return new JpaStorageSettings();
  }

  @Bean
  public PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  @Bean
  @Primary
  public LocalContainerEntityManagerFactoryBean entityManagerFactory(
      final ConfigurableListableBeanFactory beanFactory, final FhirContext fhirContext,
      final JpaStorageSettings storageSettings, final DataSource dataSource) {
    final LocalContainerEntityManagerFactoryBean factory =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
    factory.setPersistenceUnitName("HAPI_PU");
    factory.setDataSource(dataSource);
    final Properties jpa = new Properties();
    jpa.put("hibernate.dialect", HapiFhirPostgresDialect.class.getName());
    // A fresh data directory gets its schema from the entity mappings, as the HAPI JPA starter does by default.
    jpa.put("hibernate.hbm2ddl.auto", "update");
    // HAPI's default: no full-text index (Lucene or Elasticsearch); search runs on the SQL index tables.
    jpa.put("hibernate.search.enabled", "false");
    jpa.put("hibernate.format_sql", "false");
    jpa.put("hibernate.show_sql", "false");
    factory.setJpaProperties(jpa);
    return factory;
  }

  @Bean
  @Primary
  public JpaTransactionManager transactionManager(final EntityManagerFactory entityManagerFactory) {
    return new JpaTransactionManager(entityManagerFactory);
  }

  /** Tomcat on 127.0.0.1 only; keep-alive without a request limit, as the product's nodes run Tomcat in bench. */
  @Bean
  public TomcatServletWebServerFactory servletWebServerFactory(@Value("${" + PORT_PROPERTY + "}") final int port)
      throws IOException {
    final TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(port);
    factory.setAddress(InetAddress.getByName("127.0.0.1"));
    factory.addConnectorCustomizers(connector -> connector.setProperty("maxKeepAliveRequests", "-1"));
    return factory;
  }

  /** The FHIR endpoint: every generated R4 resource provider, the system provider (transactions), paging in SQL. */
  @Bean
  public ServletRegistrationBean<RestfulServer> fhirServlet(
      final FhirContext fhirContext, final ResourceProviderFactory resourceProviders,
      final JpaSystemProvider<?, ?> systemProvider, final IFhirSystemDao<?, ?> systemDao,
      final JpaStorageSettings storageSettings, final ISearchParamRegistry searchParamRegistry,
      final IValidationSupport validationSupport, final DatabaseBackedPagingProvider pagingProvider) {
    final RestfulServer server = new RestfulServer(fhirContext);
    server.registerProviders(resourceProviders.createProviders());
    server.registerProvider(systemProvider);
    server.setPagingProvider(pagingProvider);
    server.setServerConformanceProvider(new JpaCapabilityStatementProvider(
        server, systemDao, storageSettings, searchParamRegistry, validationSupport));
    final ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
    registration.setLoadOnStartup(1);
    return registration;
  }
}
