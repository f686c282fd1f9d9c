package org.fhirledger.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/docker-compose.yml cannot be started on this machine (no Docker engine), so its contract with the
 * node is checked here: every variable a hospital sets must reach a real NodeProperties component.
 */
class DockerComposeConfigTest {
  private static final Path COMPOSE = Path.of("..", "docker", "docker-compose.yml");
  private static final Set<String> SPRING_VARIABLES = Set.of("SERVER_PORT", "SERVER_ADDRESS", "JAVA_TOOL_OPTIONS");
  private static final String PREFIX = "fhirledger.node.";

  private static Map<String, Object> services;
  private static Map<String, Map<String, Object>> hospitals;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void readCompose() throws IOException {
    try (Reader in = Files.newBufferedReader(COMPOSE)) {
      final Map<String, Object> compose = new Yaml().load(in);
      services = (Map<String, Object>) compose.get("services");
    }
    hospitals = new LinkedHashMap<>();
    services.forEach((name, service) -> {
      if (name.startsWith("hospital-")) {
        hospitals.put(name, (Map<String, Object>) service);
      }
    });
  }

  @Test
  void composeHasFourHospitals() {
    assertThat(hospitals).containsOnlyKeys("hospital-0", "hospital-1", "hospital-2", "hospital-3");
  }

  @Test
  void everyHospitalVariableNamesANodePropertyOrASpringSetting() {
    final Set<String> known = new HashSet<>(SPRING_VARIABLES);
    for (final RecordComponent component : NodeProperties.class.getRecordComponents()) {
      final String property = PREFIX + kebab(component.getName());
      known.add(environmentName(property, ""));   // canonical: dashes removed
      known.add(environmentName(property, "_"));  // also bound by Spring: dashes as underscores
    }
    hospitals.forEach((name, service) ->
        assertThat(environment(service).keySet()).as(name).allSatisfy(variable -> assertThat(known).contains(variable)));
  }

  @Test
  void springBindsEachHospitalsEnvironmentToItsNodeProperties() {
    hospitals.forEach((name, service) -> {
      final Map<String, String> env = environment(service);
      final Binder binder =
          new Binder(ConfigurationPropertySources.from(
              new SystemEnvironmentPropertySource(
                  StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new LinkedHashMap<>(env))));
      final NodeProperties node = binder.bind("fhirledger.node", NodeProperties.class).get();

      assertThat(node.name()).isEqualTo(name);
      assertThat(node.p2pPort()).isEqualTo(Integer.parseInt(env.get("FHIRLEDGER_NODE_P2P_PORT")));
      assertThat(node.p2pHost()).isEqualTo(env.get("FHIRLEDGER_NODE_P2P_HOST"));
      assertThat(node.jdbcUrl()).isEqualTo(env.get("FHIRLEDGER_NODE_JDBC_URL"));
      assertThat(node.jdbcUsername()).isEqualTo(env.get("FHIRLEDGER_NODE_JDBC_USERNAME"));
      assertThat(node.jdbcPassword()).isEqualTo(env.get("FHIRLEDGER_NODE_JDBC_PASSWORD"));
      assertThat(node.resolve(node.dataDir())).isEqualTo(Path.of(env.get("FHIRLEDGER_NODE_DATA_DIR")));
      assertThat(node.resolve(node.keyFile())).isEqualTo(Path.of(env.get("FHIRLEDGER_NODE_KEY_FILE")));
      assertThat(node.resolve(node.genesisFile())).isEqualTo(Path.of(env.get("FHIRLEDGER_NODE_GENESIS_FILE")));
      assertThat(binder.bind("server.port", Integer.class).get()).isEqualTo(Integer.parseInt(env.get("SERVER_PORT")));
    });
  }

  @Test
  void eachHospitalHasItsOwnPostgres() {
    final Set<String> urls = new HashSet<>();
    hospitals.forEach((name, service) -> {
      final String postgres = "postgres-" + name.substring("hospital-".length());
      assertThat(services).as(name).containsKey(postgres);
      assertThat(dependsOn(service)).as(name).contains(postgres);
      final String url = environment(service).get("FHIRLEDGER_NODE_JDBC_URL");
      assertThat(url).as(name).startsWith("jdbc:postgresql://" + postgres + ":");
      assertThat(urls.add(url)).as("distinct JDBC URL for " + name).isTrue();
    });
  }

  @Test
  void eachHospitalMountsItsOwnNetworkFolder() {
    hospitals.forEach((name, service) -> {
      final String i = name.substring("hospital-".length());
      assertThat(strings(service.get("volumes"))).as(name).contains("./network/node-" + i + ":/config:ro");
    });
  }

  @Test
  void publishedPortsDoNotClashAndMatchTheNodesPorts() {
    final List<String> hostPorts = new ArrayList<>();
    services.forEach((name, service) -> {
      @SuppressWarnings("unchecked")
      final Object ports = ((Map<String, Object>) service).get("ports");
      strings(ports).forEach(mapping -> hostPorts.add(hostPort(mapping)));
    });
    assertThat(hostPorts).doesNotHaveDuplicates();

    hospitals.forEach((name, service) -> {
      final Map<String, String> env = environment(service);
      final String fhir = env.get("SERVER_PORT");
      final String p2p = env.get("FHIRLEDGER_NODE_P2P_PORT");
      assertThat(fhir).as(name).isNotEqualTo(p2p);
      final List<String> containerPorts = strings(service.get("ports")).stream().map(DockerComposeConfigTest::containerPort).toList();
      assertThat(containerPorts).as(name).contains(fhir, p2p);
    });
  }

  private static String kebab(final String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
  }

  private static String environmentName(final String property, final String dashReplacement) {
    return property.replace(".", "_").replace("-", dashReplacement).toUpperCase();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> environment(final Map<String, Object> service) {
    final Object env = service.get("environment");
    final Map<String, String> out = new LinkedHashMap<>();
    if (env instanceof Map<?, ?> map) {
      map.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    } else if (env instanceof List<?> list) {
      for (final Object entry : list) {
        final String[] kv = String.valueOf(entry).split("=", 2);
        out.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    return out;
  }

  private static Set<String> dependsOn(final Map<String, Object> service) {
    final Object deps = service.get("depends_on");
    if (deps instanceof Map<?, ?> map) {
      return map.keySet().stream().map(String::valueOf).collect(Collectors.toSet());
    }
    return new HashSet<>(strings(deps));
  }

  private static List<String> strings(final Object list) {
    return list instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }

  /** "8080:8080", "127.0.0.1:8080:8080" or "8080:8080/tcp" -> the host side. */
  private static String hostPort(final String mapping) {
    final String[] parts = mapping.split("/")[0].split(":");
    return parts.length == 1 ? parts[0] : String.join(":", Arrays.copyOf(parts, parts.length - 1));
  }

  private static String containerPort(final String mapping) {
    final String[] parts = mapping.split("/")[0].split(":");
    return parts[parts.length - 1];
  }
}
