package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.fhirledger.server.cli.LocalNetwork;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.rest.StoredJsonReadInterceptor;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

/**
 * Reads answered from the stored canonical JSON ({@link StoredJsonReadInterceptor}) against the same reads answered
 * by HAPI's normal path (the interceptor taken off the running servlet): same status, same body bytes (gzip bytes
 * too), same headers but Date (and Connection, Tomcat's), for Synthea resources, a resource with contained, extension and non-ASCII text, and
 * a DocumentReference whose content is over the large-content threshold (placed in the DHT). One hospital (real
 * RocksDB, PostgreSQL, HTTP): the read path is the same on every node.
 */
class StoredJsonReadIT {
  /** The Accept values the fast path answers (absent: null), and what HAPI's generic client sends by default. */
  private static final List<String> ACCEPTS = List.of("", "*/*", "application/fhir+json", "application/json",
      Constants.HEADER_ACCEPT_VALUE_JSON_NON_LEGACY, Constants.HEADER_ACCEPT_VALUE_XML_OR_JSON_NON_LEGACY);
  @TempDir
  static Path dir;
  private static LocalNetwork network;
  private static String base;
  private static RawHttp raw;
  private static StoredJsonReadInterceptor fastPath;
  private static RestfulServer servlet;

  @BeforeAll
  static void start() throws IOException {
    network = LocalNetwork.start(dir, 1, 0, Map.of("fhirledger.node.max-resource-bytes", Long.toString(8L * 1024 * 1024)));
    base = network.node(0).fhirBaseUrl();
    raw = new RawHttp(base);
    fastPath = network.node(0).context().getBean(StoredJsonReadInterceptor.class);
    servlet = (RestfulServer) network.node(0).context().getBean("fhirServlet", ServletRegistrationBean.class).getServlet();
  }

  @AfterAll
  static void stop() {
    if (network != null) {
      network.close();
    }
  }

  @Test
  void readsAndVreadsFromStoredJsonEqualHapisAnswerByteForByte() throws IOException {
    final List<String> paths = new ArrayList<>();
    for (final String batch : List.of("practitioner-batch.json", "hospital-batch.json", "patient-bundle.json")) {
      final HttpResponse<byte[]> r = send("POST", "", syntheaBundle(batch), "Content-Type", "application/fhir+json");
      assertThat(r.statusCode()).isEqualTo(200);
      final Bundle response = FhirContexts.r4().newJsonParser().parseResource(Bundle.class, new String(r.body(), StandardCharsets.UTF_8));
      response.getEntry().forEach(e -> paths.add(new IdType(e.getResponse().getLocation()).toUnqualifiedVersionless().getValue()));
    }
    final String observation = create(richObservation());
    final String document = create(largeDocument());
    final String patient = create(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Small")));
    final HttpResponse<byte[]> updated = send("PUT", "/" + patient, json(new Patient().setActive(true).setId(patient)),
        "Content-Type", "application/fhir+json");
    assertThat(updated.statusCode()).isEqualTo(200);

    // every Synthea resource, with no Accept (the bench's request) and as HAPI's client asks (gzip included)
    for (final String path : paths) {
      // (not validated: they claim US Core profiles, which this server's validator does not hold)
      assertSameAnswer(path, "", false, false);
      assertSameAnswer(path, Constants.HEADER_ACCEPT_VALUE_XML_OR_JSON_NON_LEGACY, true, false);
    }
    // the hand-made ones with every Accept the fast path answers, gzip and not, read and vread
    for (final String path : List.of(observation, document, patient, patient + "/_history/1", patient + "/_history/2", observation + "/_history/1")) {
      for (final String accept : ACCEPTS) {
        assertSameAnswer(path, accept, false, true);
        assertSameAnswer(path, accept, true, true);
      }
      // the bench's GET: Accept and Content-Type both application/fhir+json; and a bare application/json Content-Type
      assertSameAnswer(path, "application/fhir+json", false, true, "Content-Type", "application/fhir+json");
      assertSameAnswer(path, "", false, true, "Content-Type", "application/json");
      // gzip among other codings, and a request id under a lower-case header name (HAPI answers with the client's name)
      assertSameAnswer(path, "", false, true, "Accept-Encoding", "deflate, gzip ,br");
      assertSameAnswer(path, "", false, true, "x-request-id", "lower-case-name");
    }
    // no X-Request-ID from the client: both paths make one, 16 letters and digits
    final HttpResponse<byte[]> own = send("GET", "/" + patient, null);
    assertThat(own.headers().firstValue("X-Request-ID")).hasValueSatisfying(id -> assertThat(id).matches("[A-Za-z0-9]{16}"));
    assertThat(own.headers().firstValue("Transfer-Encoding")).contains("chunked");
  }

  @Test
  void hapisGenericClientReadsThroughTheFastPath() {
    final String path = create(richObservation());
    FhirContexts.r4().getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    final IGenericClient client = FhirContexts.r4().newRestfulGenericClient(base);
    final long before = fastPath.answered();
    final Observation read = FhirAssertions.valid(client.read().resource(Observation.class).withId(new IdType(path)).execute());
    final Observation vread = FhirAssertions.valid(client.vread(Observation.class, new IdType(path).getIdPart(), "1"));
    assertThat(fastPath.answered()).isEqualTo(before + 2);
    assertThat(read.getIdElement().getVersionIdPart()).isEqualTo("1");
    assertThat(read.getValueQuantity().getValue()).isEqualByComparingTo("37.25");
    assertThat(read.getCode().getText()).isEqualTo(richObservation().getCode().getText());
    assertThat(read.getContained()).hasSize(1);
    assertThat(vread.equalsDeep(read)).isTrue();
  }

  @Test
  void requestsThatCouldChangeTheBodyAndErrorsGoTheNormalWay() {
    final String path = create(richObservation());
    final String linked = create(new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setCode(new CodeableConcept().setText("linked")).setSubject(new Reference(base + "/" + path)));
    final String deleted = create(new Patient().setActive(false));
    assertThat(send("DELETE", "/" + deleted, null).statusCode()).isEqualTo(200);
    final long before = fastPath.answered();
    // variants the fast path leaves alone: HAPI decides them as before
    assertStatus(path + "?_pretty=false", 200);
    assertStatus(path + "?_summary=true", 200);
    assertStatus(path + "?_elements=status", 200);
    assertThat(send("GET", "/" + path, null, "Accept", "application/fhir+xml").statusCode()).isEqualTo(200);
    assertThat(send("GET", "/" + path, null, "Content-Type", "application/fhir+xml").statusCode()).isEqualTo(200);
    assertThat(send("GET", "/" + path, null, "If-None-Match", "W/\"1\"").statusCode()).isEqualTo(304);
    assertStatus("Observation/does-not-exist", 404);
    assertStatus(deleted, 410);
    assertStatus(path + "/_history/9", 404);
    assertStatus(path + "/_history/x", 400);
    assertStatus("Binary/nothing", 404);
    // a reference on this server's base: HAPI's encoder answers it relative, so the stored bytes are not the answer
    final HttpResponse<byte[]> relative = send("GET", "/" + linked, null);
    assertThat(new String(relative.body(), StandardCharsets.UTF_8)).contains("\"reference\":\"" + path + "\"");
    assertThat(fastPath.answered()).as("none of these answered from the stored JSON").isEqualTo(before);
    // and _pretty=false, which the fast path leaves to HAPI, gives the bytes the fast path gives
    assertThat(send("GET", "/" + path, null).body()).isEqualTo(send("GET", "/" + path + "?_pretty=false", null).body());
    assertThat(fastPath.answered()).isEqualTo(before + 1);
    // a percent-encoded id, a path Tomcat normalises, a HEAD and a GET with a body: the filter leaves them to HAPI
    // (whose hook may still answer them from the stored JSON), and the answer is the one without the fast path
    final String idPart = new IdType(path).getIdPart();
    assertSameStatusWithoutFastPath("GET", "Observation/%" + Integer.toHexString(idPart.charAt(0)) + idPart.substring(1), null);
    assertSameStatusWithoutFastPath("GET", "Patient/../" + path, null);
    assertSameStatusWithoutFastPath("HEAD", path, null);
    assertSameStatusWithoutFastPath("GET", path, "{}");
  }

  /** The same request with the fast path on and off: the same status and body. */
  private static void assertSameStatusWithoutFastPath(final String method, final String path, final String body, final String... headers) {
    final HttpResponse<byte[]> fast = send(method, "/" + path, body, headers);
    final HttpResponse<byte[]> normal;
    servlet.unregisterInterceptor(fastPath);
    try {
      normal = send(method, "/" + path, body, headers);
    } finally {
      servlet.registerInterceptor(fastPath);
    }
    assertThat(fast.statusCode()).as("%s %s", method, path).isEqualTo(normal.statusCode());
    assertThat(fast.body()).as("%s %s", method, path).isEqualTo(normal.body());
  }

  private static void assertStatus(final String path, final int status) {
    assertThat(send("GET", "/" + path, null).statusCode()).as(path).isEqualTo(status);
  }

  /** The same GET with the fast path on and off: status, body bytes and headers but Date must be equal. */
  private static void assertSameAnswer(final String path, final String accept, final boolean gzip, final boolean validate,
      final String... moreHeaders) throws IOException {
    final List<String> headers = new ArrayList<>();
    if (List.of(moreHeaders).stream().noneMatch("X-Request-ID"::equalsIgnoreCase)) {
      headers.addAll(List.of("X-Request-ID", "fast-path-comparison"));
    }
    headers.addAll(List.of(moreHeaders));
    if (!accept.isEmpty()) {
      headers.addAll(List.of("Accept", accept));
    }
    if (gzip) {
      headers.addAll(List.of("Accept-Encoding", "gzip"));
    }
    final long before = fastPath.answered();
    final HttpResponse<byte[]> fast = send("GET", "/" + path, null, headers.toArray(String[]::new));
    assertThat(fastPath.answered()).as("answered from stored JSON: %s accept=%s gzip=%s", path, accept, gzip).isEqualTo(before + 1);
    final HttpResponse<byte[]> normal;
    servlet.unregisterInterceptor(fastPath);
    try {
      normal = send("GET", "/" + path, null, headers.toArray(String[]::new));
    } finally {
      servlet.registerInterceptor(fastPath);
    }
    assertThat(fastPath.answered()).isEqualTo(before + 1);
    final String what = path + " accept=" + accept + " gzip=" + gzip + " " + List.of(moreHeaders);
    assertThat(fast.statusCode()).as(what).isEqualTo(200).isEqualTo(normal.statusCode());
    assertThat(headersButDate(fast)).as(what).isEqualTo(headersButDate(normal));
    assertThat(fast.body()).as(what).isEqualTo(normal.body());
    final boolean gzipped = fast.headers().firstValue("Content-Encoding").filter("gzip"::equals).isPresent();
    final byte[] body = gzipped ? new GZIPInputStream(new ByteArrayInputStream(fast.body())).readAllBytes() : fast.body();
    if (gzip) {
      assertThat(fast.headers().firstValue("Content-Encoding")).contains("gzip");
    }
    if (validate) {
      FhirAssertions.assertValidFhir(new String(body, StandardCharsets.UTF_8));
    }
  }

  private static Map<String, List<String>> headersButDate(final HttpResponse<byte[]> r) {
    final Map<String, List<String>> headers = new TreeMap<>(r.headers().map());
    headers.remove("date");
    // (a server that closes a keep-alive connection after N requests says so on the Nth, whichever path answered it)
    headers.remove("connection");
    return headers;
  }

  private static String create(final org.hl7.fhir.r4.model.Resource resource) {
    final HttpResponse<byte[]> r = send("POST", "/" + resource.fhirType(), json(resource), "Content-Type", "application/fhir+json");
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    return new IdType(r.headers().firstValue("Location").orElseThrow()).toUnqualifiedVersionless().getValue();
  }

  private static Observation richObservation() {
    return EncodingEdgeCases.richObservation();
  }

  /** A DocumentReference over the chain's 1 MiB large-content threshold, so its leaves are placed in the DHT. */
  private static DocumentReference largeDocument() {
    final byte[] data = new byte[1_200_000];
    new Random(8).nextBytes(data);
    final DocumentReference d = new DocumentReference();
    d.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
    d.addContent().setAttachment(new Attachment().setContentType("application/pdf").setData(data).setTitle("scan"));
    return d;
  }

  private static String json(final org.hl7.fhir.r4.model.Resource r) {
    return FhirContexts.r4().newJsonParser().encodeResourceToString(r);
  }

  private static String syntheaBundle(final String name) throws IOException {
    try (InputStream in = StoredJsonReadIT.class.getResourceAsStream("/synthea/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static HttpResponse<byte[]> send(final String method, final String path, final String body, final String... headers) {
    return raw.send(method, path, body, headers);
  }
}
