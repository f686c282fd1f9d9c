package org.fhirledger.bench.hapijpa;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A HAPI FHIR JPA R4 server on a durable embedded PostgreSQL, listening on 127.0.0.1, FHIR base {@code /fhir}: the
 * foreign server that {@code fhir-ledger bench --baseline URL} compares FHIR Ledger with. Started by {@code run.sh}.
 *
 * <p>Usage: {@code HapiJpaServer PORT DATA_DIR}. The data directory keeps the PostgreSQL cluster between runs.
 */
public final class HapiJpaServer {
  private HapiJpaServer() {
  }

  public static void main(final String[] args) {
    if (args.length != 2 || !args[0].matches("\\d{1,5}")) {
      System.err.println("usage: HapiJpaServer PORT DATA_DIR");
      System.exit(2);
    }
    final int port = Integer.parseInt(args[0]);
    final Path dataDir = Path.of(args[1]).toAbsolutePath();
    final SpringApplication app = new SpringApplication(HapiJpaServerConfig.class);
    app.setWebApplicationType(WebApplicationType.SERVLET);
    // HAPI's JPA beans reference each other through fields (searchParamRegistry <-> inMemoryResourceMatcher);
    // Spring Boot refuses such cycles unless allowed, as the HAPI JPA starter allows them too.
    app.setAllowCircularReferences(true);
    app.setDefaultProperties(Map.of(
        HapiJpaServerConfig.PORT_PROPERTY, String.valueOf(port),
        HapiJpaServerConfig.DATA_DIR_PROPERTY, dataDir.toString()));
    final ConfigurableApplicationContext context = app.run();
    // run.sh waits for this line; the context's shutdown hook (Ctrl-C) stops Tomcat, then Hibernate, then PostgreSQL.
    System.out.println("HAPI FHIR JPA server ready: http://127.0.0.1:" + port + "/fhir (data " + dataDir + ")");
    System.out.flush();
    context.registerShutdownHook();
  }
}
