package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.fhirledger.server.cli.LocalNetwork;
import org.fhirledger.server.config.FhirContexts;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input gets an OperationOutcome with the right status and commits nothing: the chain height is the
 * same before and after. One hospital (a validator set of one) is enough to show it.
 */
class BadInputIT {
  @TempDir
  static Path dir;
  private static LocalNetwork network;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    network = LocalNetwork.start(dir, 1, 0, java.util.Map.of("fhirledger.node.max-resource-bytes", "65536"));
  }

  @AfterAll
  static void stop() {
    if (network != null) {
      network.close();
    }
  }

  static Stream<Arguments> badRequests() {
    final String json = "application/fhir+json";
    final String xml = "application/fhir+xml";
    return Stream.of(
        Arguments.of("malformed JSON", "POST", "/Patient", json, "{\"resourceType\":\"Patient\", \"name\": [", 400),
        Arguments.of("malformed XML", "POST", "/Patient", xml, "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"x\"/></Patient>", 400),
        Arguments.of("JSON that is not a resource", "POST", "/Patient", json, "[1, 2, 3]", 400),
        Arguments.of("unknown resource type", "POST", "/Spaceship", json, "{\"resourceType\":\"Spaceship\"}", 404),
        Arguments.of("body type differs from the URL", "POST", "/Patient", json, "{\"resourceType\":\"Observation\",\"status\":\"final\"}", 400),
        Arguments.of("body id differs from the URL id", "PUT", "/Patient/abc", json, "{\"resourceType\":\"Patient\",\"id\":\"xyz\"}", 400),
        Arguments.of("invalid element", "POST", "/Patient", json, "{\"resourceType\":\"Patient\",\"gender\":{\"x\":1}}", 400),
        Arguments.of("over the size limit", "POST", "/Patient", json,
            "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">"
                + "x".repeat(70_000) + "</div>\"}}", 413));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void badInputGetsAnOperationOutcomeAndCommitsNothing(
      final String what, final String method, final String path, final String contentType, final String body, final int status) throws Exception {
    final long before = height();
    final HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create(network.node(0).fhirBaseUrl() + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", contentType)
            .header("Accept", "application/fhir+json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(what).isEqualTo(status);
    final OperationOutcome outcome = (OperationOutcome) FhirContexts.r4().newJsonParser().parseResource(response.body());
    assertThat(outcome.getIssueFirstRep().getSeverity()).isIn(OperationOutcome.IssueSeverity.ERROR, OperationOutcome.IssueSeverity.FATAL);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).isNotBlank().doesNotContain("at org.", "Exception:");
    assertThat(height()).as("chain height after " + what).isEqualTo(before);
  }

  @Test
  void aGoodRequestDoesGrowTheChain() throws Exception {
    final long before = height();
    final HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create(network.node(0).fhirBaseUrl() + "/Patient"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"active\":true}"))
            .header("Content-Type", "application/fhir+json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/Patient/").contains("/_history/1"));
    assertThat(response.headers().firstValue("ETag")).contains("W/\"1\"");
    assertThat(height()).isEqualTo(before + 1);
  }

  @Test
  void readOfAnUnknownIdIs404WithAnOperationOutcome() throws Exception {
    final HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create(network.node(0).fhirBaseUrl() + "/Patient/does-not-exist")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("OperationOutcome");
  }

  private static long height() {
    return network.node(0).node().ledger().store().height();
  }

}
