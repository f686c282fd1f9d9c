package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.util.DateUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.fhirledger.server.cli.LocalNetwork;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.rest.StoredJsonWriteInterceptor;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

/**
 * Creates and updates answered with the canonical JSON they wrote ({@link StoredJsonWriteInterceptor}) against the
 * same writes answered by HAPI's normal path (the interceptor taken off the running servlet). Two writes never
 * have the same id and time, so the normal answer's id, version time and Last-Modified are put in the fast
 * answer's place, after checking that each answer's Last-Modified is its own lastUpdated; then status, every header
 * but Date and the body bytes must be equal. One hospital (real RocksDB, PostgreSQL, HTTP).
 */
class StoredJsonWriteIT {
  private static final List<String> ACCEPTS = List.of("", "*/*", "application/fhir+json", "application/json",
      Constants.HEADER_ACCEPT_VALUE_JSON_NON_LEGACY, Constants.HEADER_ACCEPT_VALUE_XML_OR_JSON_NON_LEGACY);
  private static final List<String> CONTENT_TYPES = List.of("application/fhir+json", "application/json", "application/fhir+json; charset=UTF-8");
  private static final Pattern LAST_UPDATED = Pattern.compile("\"lastUpdated\":\"([^\"]+)\"");
  @TempDir
  static Path dir;
  private static LocalNetwork network;
  private static String base;
  private static RawHttp raw;
  private static StoredJsonWriteInterceptor fastPath;
  private static RestfulServer servlet;

  @BeforeAll
  static void start() throws IOException {
    network = LocalNetwork.start(dir, 1, 0, Map.of());
    base = network.node(0).fhirBaseUrl();
    raw = new RawHttp(base);
    fastPath = network.node(0).context().getBean(StoredJsonWriteInterceptor.class);
    servlet = (RestfulServer) network.node(0).context().getBean("fhirServlet", ServletRegistrationBean.class).getServlet();
  }

  @AfterAll
  static void stop() {
    if (network != null) {
      network.close();
    }
  }

  @Test
  void createsFromCanonicalJsonEqualHapisAnswerByteForByte() throws IOException {
    final String patient = location(send("POST", "/Patient", json(smallPatient()), "Content-Type", "application/fhir+json"));
    final List<Resource> bodies = List.of(smallPatient(), richObservation(),
        new Observation().setStatus(Observation.ObservationStatus.FINAL).setCode(new CodeableConcept().setText("linked"))
            .setSubject(new Reference(patient)));
    for (final Resource body : bodies) {
      for (final String accept : ACCEPTS) {
        for (final boolean gzip : List.of(false, true)) {
          assertSameAnswer("POST", r -> "/" + body.fhirType(), json(body), "application/fhir+json", accept, gzip);
        }
      }
      for (final String contentType : CONTENT_TYPES) {
        assertSameAnswer("POST", r -> "/" + body.fhirType(), json(body), contentType, "", false);
      }
    }
  }

  @Test
  void updatesAndUpdatesThatCreateFromCanonicalJsonEqualHapisAnswer() throws IOException {
    for (final String accept : List.of("", "application/fhir+json", Constants.HEADER_ACCEPT_VALUE_XML_OR_JSON_NON_LEGACY)) {
      for (final boolean gzip : List.of(false, true)) {
        // each answer updates its own resource, created just before: version 2, status 200, no Location
        final String fastId = location(send("POST", "/Patient", json(smallPatient()), "Content-Type", "application/fhir+json"));
        final String normalId = location(send("POST", "/Patient", json(smallPatient()), "Content-Type", "application/fhir+json"));
        final Patient changed = smallPatient().setActive(false);
        assertSameAnswer("PUT", fast -> "/" + (fast ? fastId : normalId),
            json(changed.setId(new IdType(fastId).getIdPart())), "application/fhir+json", accept, gzip,
            (fast, body) -> fast ? body : body.replace(new IdType(fastId).getIdPart(), new IdType(normalId).getIdPart()));
        // update-as-create with a client-assigned id: 201, still no Location (HAPI sends it for POST only)
        final String newFast = "p-" + UUID.randomUUID();
        final String newNormal = "p-" + UUID.randomUUID();
        assertSameAnswer("PUT", fast -> "/Patient/" + (fast ? newFast : newNormal), json(smallPatient().setId(newFast)),
            "application/fhir+json", accept, gzip, (fast, body) -> fast ? body : body.replace(newFast, newNormal));
      }
    }
  }

  @Test
  void preferAndRequestsThatCouldChangeTheAnswerGoTheNormalWay() {
    final String linkedTarget = location(send("POST", "/Patient", json(smallPatient()), "Content-Type", "application/fhir+json"));
    final long before = fastPath.answered();
    final HttpResponse<byte[]> minimal = send("POST", "/Patient", json(smallPatient()), "Content-Type", "application/fhir+json",
        "Prefer", "return=minimal");
    assertThat(minimal.statusCode()).isEqualTo(201);
    assertThat(minimal.body()).isEmpty();
    assertThat(minimal.headers().firstValue("Location")).isPresent();
    assertThat(minimal.headers().firstValue("ETag")).contains("W/\"1\"");
    final HttpResponse<byte[]> outcome = send("POST", "/Patient", json(smallPatient()), "Content-Type", "application/fhir+json",
        "Prefer", "return=OperationOutcome");
    assertThat(outcome.statusCode()).isEqualTo(201);
    final OperationOutcome oo = FhirContexts.r4().newJsonParser().parseResource(OperationOutcome.class, text(outcome));
    assertThat(oo.getIssueFirstRep().getDiagnostics()).startsWith("Created Patient/");
    // another format, pretty, a summary or an XML body: HAPI decides the answer
    assertThat(text(send("POST", "/Patient", json(smallPatient()), "Content-Type", "application/fhir+json", "Accept", "application/fhir+xml")))
        .startsWith("<Patient");
    assertThat(text(send("POST", "/Patient?_pretty=true", json(smallPatient()), "Content-Type", "application/fhir+json"))).contains("\n");
    assertThat(text(send("POST", "/Patient?_format=xml", json(smallPatient()), "Content-Type", "application/fhir+json"))).startsWith("<Patient");
    assertThat(text(send("POST", "/Patient", FhirContexts.r4().newXmlParser().encodeResourceToString(smallPatient()),
        "Content-Type", "application/fhir+xml"))).startsWith("<Patient");
    // a conditional update (criteria in the query) and a reference on this server's base, which HAPI answers relative
    assertThat(send("PUT", "/Patient?identifier=http://example.org/mrn%7C" + UUID.randomUUID(), json(smallPatient()),
        "Content-Type", "application/fhir+json").statusCode()).isEqualTo(201);
    final HttpResponse<byte[]> linked = send("POST", "/Observation", json(new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setCode(new CodeableConcept().setText("linked")).setSubject(new Reference(base + "/" + linkedTarget))), "Content-Type", "application/fhir+json");
    assertThat(linked.statusCode()).isEqualTo(201);
    assertThat(text(linked)).contains("\"reference\":\"" + linkedTarget + "\"");
    assertThat(fastPath.answered()).as("none of these answered from the canonical JSON").isEqualTo(before);
    // an error is HAPI's as before
    assertThat(send("POST", "/Patient", "{\"resourceType\":\"Patient\",", "Content-Type", "application/fhir+json")
        .statusCode()).isEqualTo(400);
    assertThat(fastPath.answered()).isEqualTo(before);
  }

  @Test
  void hapisGenericClientCreatesAndUpdatesThroughTheFastPath() {
    FhirContexts.r4().getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    final IGenericClient client = FhirContexts.r4().newRestfulGenericClient(base);
    final long before = fastPath.answered();
    final MethodOutcome created = client.create().resource(richObservation()).execute();
    assertThat(created.getCreated()).isTrue();
    final Observation answered = FhirAssertions.valid((Observation) created.getResource());
    assertThat(answered.getIdElement().getVersionIdPart()).isEqualTo("1");
    assertThat(answered.getValueQuantity().getValue()).isEqualByComparingTo("37.25");
    assertThat(answered.getContained()).hasSize(1);
    answered.setStatus(Observation.ObservationStatus.AMENDED);
    final MethodOutcome updated = client.update().resource(answered).execute();
    assertThat(((Observation) updated.getResource()).getStatus()).isEqualTo(Observation.ObservationStatus.AMENDED);
    assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");
    assertThat(fastPath.answered()).isEqualTo(before + 2);
    final Observation read = client.read().resource(Observation.class).withId(created.getId().toVersionless()).execute();
    assertThat(json(read)).isEqualTo(json((Observation) updated.getResource()));
  }

  private interface BodyForPath {
    String apply(boolean fast, String body);
  }

  private static void assertSameAnswer(final String method, final java.util.function.Function<Boolean, String> path, final String body,
      final String contentType, final String accept, final boolean gzip) throws IOException {
    assertSameAnswer(method, path, body, contentType, accept, gzip, (fast, b) -> b);
  }

  /**
   * The same write (to {@code path.apply(fast)}, with {@code bodyFor.apply(fast, body)}) with the fast path on and
   * off; the normal answer's id and times are put in the fast answer's place, then everything but Date must be equal.
   */
  private static void assertSameAnswer(final String method, final java.util.function.Function<Boolean, String> path, final String body,
      final String contentType, final String accept, final boolean gzip, final BodyForPath bodyFor) throws IOException {
    final List<String> headers = new ArrayList<>(List.of("X-Request-ID", "fast-path-comparison", "Content-Type", contentType));
    if (!accept.isEmpty()) {
      headers.addAll(List.of("Accept", accept));
    }
    if (gzip) {
      headers.addAll(List.of("Accept-Encoding", "gzip"));
    }
    final String what = method + " " + path.apply(true) + " content-type=" + contentType + " accept=" + accept + " gzip=" + gzip;
    final long before = fastPath.answered();
    final HttpResponse<byte[]> fast = send(method, path.apply(true), bodyFor.apply(true, body), headers.toArray(String[]::new));
    assertThat(fastPath.answered()).as("answered from canonical JSON: %s", what).isEqualTo(before + 1);
    final HttpResponse<byte[]> normal;
    servlet.unregisterInterceptor(fastPath);
    try {
      normal = send(method, path.apply(false), bodyFor.apply(false, body), headers.toArray(String[]::new));
    } finally {
      servlet.registerInterceptor(fastPath);
    }
    assertThat(fastPath.answered()).isEqualTo(before + 1);
    assertThat(fast.statusCode()).as(what).isIn(200, 201).isEqualTo(normal.statusCode());
    final String fastBody = new String(plain(fast, gzip), StandardCharsets.UTF_8);
    final String normalBody = new String(plain(normal, gzip), StandardCharsets.UTF_8);
    final Resource fastResource = (Resource) FhirContexts.r4().newJsonParser().parseResource(fastBody);
    final Resource normalResource = (Resource) FhirContexts.r4().newJsonParser().parseResource(normalBody);
    // each answer's Last-Modified is its own meta.lastUpdated, as HTTP dates have it
    assertThat(fast.headers().firstValue("Last-Modified")).as(what).contains(DateUtils.formatDate(lastUpdated(fastBody)));
    assertThat(normal.headers().firstValue("Last-Modified")).as(what).contains(DateUtils.formatDate(lastUpdated(normalBody)));
    final String fastId = fastResource.getIdElement().getIdPart();
    final String normalId = normalResource.getIdElement().getIdPart();
    final String fastTime = matched(fastBody);
    final String normalTime = matched(normalBody);
    final String fastModified = fast.headers().firstValue("Last-Modified").orElseThrow();
    final String normalModified = normal.headers().firstValue("Last-Modified").orElseThrow();
    final UnaryOperator<String> asFast = s -> s.replace(normalId, fastId).replace(normalTime, fastTime).replace(normalModified, fastModified);
    assertThat(headersButDate(fast)).as(what).isEqualTo(translate(headersButDate(normal), asFast));
    assertThat(fastBody).as(what).isEqualTo(asFast.apply(normalBody));
    if (gzip) {
      assertThat(fast.headers().firstValue("Content-Encoding")).as(what).contains("gzip");
    }
    FhirAssertions.assertValidFhir(fastBody);
  }

  private static Map<String, List<String>> translate(final Map<String, List<String>> headers, final UnaryOperator<String> f) {
    final Map<String, List<String>> out = new TreeMap<>();
    headers.forEach((k, v) -> out.put(k, v.stream().map(f).toList()));
    return out;
  }

  private static String matched(final String body) {
    final Matcher m = LAST_UPDATED.matcher(body);
    assertThat(m.find()).as(body).isTrue();
    return m.group(1);
  }

  private static Date lastUpdated(final String body) {
    return Date.from(OffsetDateTime.parse(matched(body)).toInstant());
  }

  private static byte[] plain(final HttpResponse<byte[]> r, final boolean gzip) throws IOException {
    return gzip ? new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes() : r.body();
  }

  private static Map<String, List<String>> headersButDate(final HttpResponse<byte[]> r) {
    final Map<String, List<String>> headers = new TreeMap<>(r.headers().map());
    headers.remove("date");
    // Tomcat closes a keep-alive connection after its 100th request, whichever path answered it
    headers.remove("connection");
    return headers;
  }

  private static Patient smallPatient() {
    final Patient p = new Patient();
    p.addName(new HumanName().setFamily("Small").addGiven("Ann"));
    p.addIdentifier().setSystem("http://example.org/mrn").setValue(UUID.randomUUID().toString());
    p.setActive(true);
    return p;
  }

  private static Observation richObservation() {
    return EncodingEdgeCases.richObservation();
  }

  private static String location(final HttpResponse<byte[]> r) {
    assertThat(r.statusCode()).as(text(r)).isEqualTo(201);
    return new IdType(r.headers().firstValue("Location").orElseThrow()).toUnqualifiedVersionless().getValue();
  }

  private static String json(final Resource r) {
    return FhirContexts.r4().newJsonParser().encodeResourceToString(r);
  }

  private static String text(final HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static HttpResponse<byte[]> send(final String method, final String path, final String body, final String... headers) {
    return raw.send(method, path, body, headers);
  }
}
