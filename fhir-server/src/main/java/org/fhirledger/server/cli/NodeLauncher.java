package org.fhirledger.server.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fhirledger.server.config.FhirNodeApplication;
import org.fhirledger.server.node.HospitalNode;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Boots one hospital node's Spring application from its node.yaml, with optional overriding properties. */
public final class NodeLauncher {
  private NodeLauncher() {}

  /** A node running in this JVM. */
  public record RunningNode(String name, ConfigurableApplicationContext context, HospitalNode node, int fhirPort) implements AutoCloseable {
    public String fhirBaseUrl() {
      return "http://127.0.0.1:" + fhirPort + "/fhir";
    }

    public int p2pPort() {
      return node.p2pPort();
    }

    @Override
    public void close() {
      context.close();
    }
  }

  public static RunningNode launch(final Path configFile, final Map<String, String> overrides) {
    final Path config = configFile.toAbsolutePath().normalize();
    // Command-line arguments outrank node.yaml, so the overrides win (e.g. demo's shared PostgreSQL).
    final List<String> args = new ArrayList<>();
    args.add("--spring.config.additional-location=file:" + config);
    args.add("--fhirledger.node.config-dir=" + config.getParent());
    overrides.forEach((k, v) -> args.add("--" + k + "=" + v));
    final ConfigurableApplicationContext context = new SpringApplicationBuilder(FhirNodeApplication.class)
        .registerShutdownHook(false)
        .run(args.toArray(String[]::new));
    final HospitalNode node = context.getBean(HospitalNode.class);
    final int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    return new RunningNode(node.name(), context, node, port);
  }
}
