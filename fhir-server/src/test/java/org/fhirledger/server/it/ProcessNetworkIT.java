package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fhirledger.server.config.FhirContexts;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The network as operators run it: `init-network`, then four `node` processes of the packaged jar. One is
 * killed with SIGKILL, the other three keep committing (round changes skip its turns as proposer), and the
 * restarted node catches up to the same chain.
 */
class ProcessNetworkIT {
  private static final FhirContext FHIR = FhirContexts.r4();
  private static final Path JAR = Path.of("target", "fhir-ledger.jar").toAbsolutePath();
  /** Under target/ rather than a temp folder, so the nodes' logs are there to read when the test fails. */
  private final Path dir = Path.of("target", "process-network-it", String.valueOf(System.currentTimeMillis())).toAbsolutePath();
  private final Process[] nodes = new Process[4];
  private int basePort;

  @AfterEach
  void stopAll() throws InterruptedException {
    for (final Process p : nodes) {
      if (p != null && p.isAlive()) {
        p.destroy();
      }
    }
    for (final Process p : nodes) {
      if (p != null && !p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void aKilledHospitalProcessCatchesUpWithTheOthers() throws Exception {
    assertThat(JAR).as("the packaged jar (mvn package runs before the *IT tests)").exists();
    Files.createDirectories(dir);
    basePort = freeBasePort();
    final Process init = new ProcessBuilder(javaCommand("init-network", "--nodes", "4", "--base-port", String.valueOf(basePort),
        "--out", dir.resolve("net").toString())).redirectErrorStream(true).redirectOutput(dir.resolve("init.log").toFile()).start();
    assertThat(init.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(init.exitValue()).as(Files.readString(dir.resolve("init.log"))).isZero();
    for (int i = 0; i < 4; i++) {
      nodes[i] = startNode(i);
    }
    for (int i = 0; i < 4; i++) {
      awaitUp(i);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> status(0, "connectedPeers") == 3);

    final List<IdType> ids = new ArrayList<>();
    ids.add(createPatient(0, "Before"));
    awaitHeightEverywhere(List.of(0, 1, 2, 3));

    nodes[3].destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    for (int i = 0; i < 8; i++) {
      ids.add(createPatient(i % 3, "WhileDown" + i));
    }

    nodes[3] = startNode(3);
    awaitUp(3);
    awaitHeightEverywhere(List.of(0, 1, 2, 3));
    for (final IdType id : ids) {
      final Resource r = client(3).read().resource(Patient.class).withId(id.getIdPart()).execute();
      assertThat(r.getIdElement().getIdPart()).isEqualTo(id.getIdPart());
    }
    // The four must agree on the same block at the same height. Statuses are read one node after the other, so a
    // block committed between two reads can make them differ for a moment; a fork would make them differ for good.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .untilAsserted(() -> assertThat(List.of(tip(1), tip(2), tip(3))).as("height and last block hash at nodes 1-3 against node 0's")
            .containsOnly(tip(0)));
  }

  private String tip(final int node) {
    return status(node, "height") + "/" + statusString(node, "lastBlockHash");
  }

  private void awaitHeightEverywhere(final List<Integer> which) {
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
      final int h = status(0, "height");
      for (final int i : which) {
        if (status(i, "height") != h) {
          return false;
        }
      }
      return h > 0;
    });
  }

  private IdType createPatient(final int node, final String family) {
    final Patient p = new Patient();
    p.addName().setFamily(family);
    return (IdType) client(node).create().resource(p).execute().getId();
  }

  private Process startNode(final int i) throws IOException {
    return new ProcessBuilder(javaCommand("node", "--config", dir.resolve("net/node-" + i + "/node.yaml").toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node-" + i + ".log").toFile()))
        .start();
  }

  /** Generous: four JVMs and four PostgreSQL servers starting at once on 2 shared cores took over 2 min when loaded. */
  private void awaitUp(final int i) {
    await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> status(i, "validators") == 4);
  }

  private IGenericClient client(final int i) {
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    FHIR.getRestfulClientFactory().setSocketTimeout(60_000);
    return FHIR.newRestfulGenericClient("http://127.0.0.1:" + (basePort + i) + "/fhir");
  }

  private Parameters status(final int i) {
    return client(i).operation().onServer().named("$ledger-status").withNoParameters(Parameters.class).useHttpGet().execute();
  }

  private int status(final int i, final String name) {
    return ((IntegerType) status(i).getParameter(name).getValue()).getValue();
  }

  private String statusString(final int i, final String name) {
    return status(i).getParameter(name).getValue().primitiveValue();
  }

  private static List<String> javaCommand(final String... args) {
    final List<String> cmd = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** A base port whose FHIR (base+i) and p2p (base+1000+i) ports are all free on 127.0.0.1. */
  private static int freeBasePort() {
    for (int base = 21_000; base < 29_000; base += 10) {
      if (allFree(base) && allFree(base + 1000)) {
        return base;
      }
    }
    throw new IllegalStateException("no free port range");
  }

  private static boolean allFree(final int from) {
    for (int p = from; p < from + 4; p++) {
      try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
      } catch (final IOException e) {
        return false;
      }
    }
    return true;
  }
}
