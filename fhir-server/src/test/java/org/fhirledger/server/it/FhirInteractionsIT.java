package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.fhirledger.server.it.FhirAssertions.valid;
import static org.fhirledger.server.it.RawFhirHttp.assertStatus;
import static org.fhirledger.server.it.RawFhirHttp.header;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.fhirledger.server.cli.LocalNetwork;
import org.fhirledger.server.config.FhirContexts;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The R4 RESTful interactions of issue 6 points 1, 2, 3, 7 and 8 against one 4-hospital network (real T-io
 * sockets, RocksDB and PostgreSQL): HAPI's generic client where an off-the-shelf client would be used, raw HTTP
 * where headers matter. Every response body is validated with HAPI's validator. The last test restarts one
 * hospital with validate-writes on and update-as-create off, node-local REST settings, to show both.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FhirInteractionsIT {
  private static final FhirContext FHIR = FhirContexts.r4();
  private static final String JSON = "application/fhir+json";
  private static final String XML = "application/fhir+xml";
  @TempDir
  static Path dir;
  private static LocalNetwork network;

  @BeforeAll
  static void startNetwork() throws Exception {
    // The validator loads the whole R4 specification (seconds); let it warm up while the hospitals start.
    final java.util.concurrent.CompletableFuture<Void> warm = java.util.concurrent.CompletableFuture.runAsync(
        () -> FhirAssertions.assertValidFhir(json(patient("Warm"))));
    network = Hospitals.start(dir, java.util.Map.of());
    warm.join();
  }

  @AfterAll
  static void stopNetwork() {
    if (network != null) {
      network.close();
    }
  }

  private static IGenericClient client(final int node) {
    return Hospitals.client(network, node);
  }

  private static RawFhirHttp http(final int node) {
    return new RawFhirHttp(network.node(node).fhirBaseUrl());
  }

  private static void awaitEveryNodeAt(final int from) {
    final long height = network.node(from).node().ledger().store().height();
    await().atMost(Duration.ofSeconds(20)).until(() -> network.nodes().stream()
        .allMatch(n -> n.node().index().indexedHeight() >= height));
  }

  private static Patient patient(final String family) {
    final Patient p = new Patient();
    p.addName().setFamily(family).addGiven("Ada");
    p.addIdentifier().setSystem("urn:oid:1.2.36.146.595.217.0.1").setValue("MRN-" + family);
    return p;
  }

  private static String json(final Patient p) {
    return FHIR.newJsonParser().encodeResourceToString(p);
  }

  @Test
  @Order(1)
  void readAndWriteResponsesCarryETagAndLastModifiedAndReadsAreConditional() {
    final RawFhirHttp node0 = http(0);
    final HttpResponse<String> created = node0.send("POST", "/Patient", json(patient("Headers")), "Content-Type", JSON);
    assertStatus(created, 201);
    assertThat(header(created, "ETag")).isEqualTo("W/\"1\"");
    assertThat(header(created, "Last-Modified")).isNotBlank();
    assertThat(header(created, "Location")).contains("/Patient/").endsWith("/_history/1");
    final String id = new IdType(header(created, "Location")).getIdPart();

    final HttpResponse<String> read = node0.get("/Patient/" + id);
    assertStatus(read, 200);
    assertThat(header(read, "ETag")).isEqualTo("W/\"1\"");
    final String lastModified = header(read, "Last-Modified");
    assertThat(lastModified).isNotBlank();

    assertStatus(node0.get("/Patient/" + id, "If-None-Match", "W/\"1\""), 304);
    assertStatus(node0.get("/Patient/" + id, "If-None-Match", "W/\"7\", W/\"1\""), 304);
    assertStatus(node0.get("/Patient/" + id, "If-None-Match", "W/\"2\""), 200);
    assertStatus(node0.get("/Patient/" + id, "If-Modified-Since", lastModified), 304);
    final String hourBefore = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        java.time.ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME).minusHours(1).withZoneSameInstant(ZoneOffset.UTC));
    assertStatus(node0.get("/Patient/" + id, "If-Modified-Since", hourBefore), 200);

    final HttpResponse<String> vread = node0.get("/Patient/" + id + "/_history/1");
    assertStatus(vread, 200);
    assertThat(header(vread, "ETag")).isEqualTo("W/\"1\"");

    final Patient v2 = patient("Headers");
    v2.setId(id);
    v2.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1970-01-02"));
    assertStatus(node0.send("PUT", "/Patient/" + id, json(v2), "Content-Type", JSON, "If-Match", "W/\"9\""), 412);
    final HttpResponse<String> updated = node0.send("PUT", "/Patient/" + id, json(v2), "Content-Type", JSON, "If-Match", "W/\"1\"");
    assertStatus(updated, 200);
    assertThat(header(updated, "ETag")).isEqualTo("W/\"2\"");
    assertThat(header(updated, "Last-Modified")).isNotBlank();
    assertStatus(node0.get("/Patient/" + id, "If-None-Match", "W/\"1\""), 200);
  }

  @Test
  @Order(2)
  void preferDecidesWhatAWriteAnswersWith() {
    final RawFhirHttp node1 = http(1);
    final HttpResponse<String> minimal = node1.send("POST", "/Patient", json(patient("Minimal")), "Content-Type", JSON, "Prefer", "return=minimal");
    assertStatus(minimal, 201);
    assertThat(minimal.body()).isEmpty();
    assertThat(header(minimal, "Location")).isNotBlank();
    assertThat(header(minimal, "ETag")).isEqualTo("W/\"1\"");
    final String id = new IdType(header(minimal, "Location")).getIdPart();

    final Patient update = patient("Minimal");
    update.setId(id);
    update.setActive(true);
    final HttpResponse<String> outcome =
        node1.send("PUT", "/Patient/" + id, json(update), "Content-Type", JSON, "Prefer", "return=OperationOutcome");
    assertStatus(outcome, 200);
    assertThat(FHIR.newJsonParser().parseResource(outcome.body())).isInstanceOf(OperationOutcome.class);

    final HttpResponse<String> representation = node1.send("PATCH", "/Patient/" + id,
        "[{\"op\":\"replace\",\"path\":\"/active\",\"value\":false}]", "Content-Type", "application/json-patch+json", "Prefer", "return=representation");
    assertStatus(representation, 200);
    final Patient patched = (Patient) FHIR.newJsonParser().parseResource(representation.body());
    assertThat(patched.getActive()).isFalse();
    assertThat(patched.getMeta().getVersionId()).isEqualTo("3");
    assertThat(header(representation, "ETag")).isEqualTo("W/\"3\"");
    assertThat(header(representation, "Last-Modified")).isNotBlank();
  }

  @Test
  @Order(3)
  void jsonAndXmlFormatsPrettyPrintingSummaryAndElements() {
    final RawFhirHttp node2 = http(2);
    final String xmlBody = FHIR.newXmlParser().encodeResourceToString(patient("Xml").setActive(true)
        .addContact(new Patient.ContactComponent().addTelecom(new org.hl7.fhir.r4.model.ContactPoint()
            .setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE).setValue("555"))));
    final HttpResponse<String> created = node2.send("POST", "/Patient", xmlBody, "Content-Type", XML, "Accept", XML);
    assertStatus(created, 201);
    assertThat(header(created, "Content-Type")).startsWith(XML);
    assertThat(created.body()).startsWith("<Patient");
    final String id = new IdType(header(created, "Location")).getIdPart();

    assertThat(node2.get("/Patient/" + id + "?_format=xml").body()).startsWith("<Patient");
    assertThat(node2.get("/Patient/" + id + "?_format=json").body()).startsWith("{");
    assertThat(node2.get("/Patient/" + id, "Accept", JSON).body()).startsWith("{");
    assertThat(node2.get("/Patient/" + id + "?_pretty=true").body()).contains("\n  \"resourceType\"");
    assertThat(node2.get("/Patient/" + id + "?_pretty=false").body()).doesNotContain("\n");

    final Patient summary = (Patient) FHIR.newJsonParser().parseResource(node2.get("/Patient/" + id + "?_summary=true").body());
    assertThat(summary.hasName()).isTrue();
    assertThat(summary.hasContact()).as("contact is not a summary element").isFalse();
    assertThat(summary.getMeta().getTag()).extracting(c -> c.getCode()).contains("SUBSETTED");

    final Patient elements = (Patient) FHIR.newJsonParser().parseResource(node2.get("/Patient/" + id + "?_elements=active").body());
    assertThat(elements.getActive()).isTrue();
    assertThat(elements.hasName()).isFalse();
    assertThat(elements.hasIdentifier()).isFalse();
  }

  @Test
  @Order(4)
  void deletedResourceAnswers410AndDeletingAgainIsIdempotent() {
    final IdType id = (IdType) client(3).create().resource(patient("Deleted")).execute().getId();
    final HttpResponse<String> deleted = http(3).send("DELETE", "/Patient/" + id.getIdPart(), null);
    assertThat(deleted.statusCode()).isIn(200, 204);
    assertStatus(http(3).get("/Patient/" + id.getIdPart()), 410);
    final HttpResponse<String> again = http(3).send("DELETE", "/Patient/" + id.getIdPart(), null);
    assertThat(again.statusCode()).isIn(200, 204);
    awaitEveryNodeAt(3);
    assertThatThrownBy(() -> client(0).read().resource(Patient.class).withId(id.getIdPart()).execute()).isInstanceOf(ResourceGoneException.class);
    assertThat(valid(client(0).read().resource(Patient.class).withIdAndVersion(id.getIdPart(), "1").execute()).getNameFirstRep().getFamily())
        .isEqualTo("Deleted");
  }

  @Test
  @Order(5)
  void updateAsCreateMakesAResourceWithTheClientsId() {
    final Patient p = patient("Upsert");
    p.setId("client-chosen-1");
    final MethodOutcome outcome = client(0).update().resource(p).execute();
    assertThat(outcome.getCreated()).isTrue();
    assertThat(outcome.getId().getIdPart()).isEqualTo("client-chosen-1");
    assertThat(outcome.getId().getVersionIdPart()).isEqualTo("1");
  }

  @Test
  @Order(6)
  void instanceHistoryListsEveryVersionNewestFirstWithRequestAndResponse() {
    final IGenericClient c = client(1);
    final IdType id = (IdType) c.create().resource(patient("History")).execute().getId().toUnqualifiedVersionless();
    final Patient p = patient("History");
    p.setId(id);
    p.setActive(true);
    c.update().resource(p).execute();
    c.patch().withBody("[{\"op\":\"add\",\"path\":\"/gender\",\"value\":\"female\"}]").withId(id).execute();
    c.delete().resourceById(id).execute();

    final Bundle history = valid(c.history().onInstance(id).returnBundle(Bundle.class).execute());
    assertThat(history.getType()).isEqualTo(Bundle.BundleType.HISTORY);
    assertThat(history.getTotal()).isEqualTo(4);
    final List<Bundle.BundleEntryComponent> e = history.getEntry();
    assertThat(e).extracting(x -> x.getRequest().getMethod())
        .containsExactly(Bundle.HTTPVerb.DELETE, Bundle.HTTPVerb.PUT, Bundle.HTTPVerb.PUT, Bundle.HTTPVerb.POST);
    assertThat(e).extracting(x -> x.getRequest().getUrl())
        .containsExactly(id.getValue(), id.getValue(), id.getValue(), "Patient");
    assertThat(e).extracting(x -> x.getResponse().getStatus()).containsExactly("204 No Content", "200 OK", "200 OK", "201 Created");
    assertThat(e).extracting(x -> x.getResponse().getEtag()).containsExactly("W/\"4\"", "W/\"3\"", "W/\"2\"", "W/\"1\"");
    assertThat(e.get(0).hasResource()).as("a deletion has no resource").isFalse();
    assertThat(((Patient) e.get(1).getResource()).getGender()).isEqualTo(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
    assertThat(e.get(3).getResource().getMeta().getVersionId()).isEqualTo("1");

    // paged with next links; the pages are pinned, so a write in between does not shift them
    final Bundle page1 = valid(c.history().onInstance(id).returnBundle(Bundle.class).count(3).execute());
    assertThat(page1.getEntry()).hasSize(3);
    assertThat(page1.getLink("next")).isNotNull();
    c.create().resource(patient("Unrelated")).execute();
    final Bundle page2 = valid(c.loadPage().next(page1).execute());
    assertThat(page2.getLink("next")).as("the last page has no next link").isNull();
    assertThat(page2.getEntry()).extracting(x -> x.getResponse().getEtag()).containsExactly("W/\"1\"");
    assertThat(page2.getEntry().get(0).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
  }

  @Test
  @Order(7)
  void typeAndSystemHistoryFilterBySinceAndAtAndPage() {
    final IGenericClient c = client(2);
    final Patient first = (Patient) c.create().resource(patient("Before")).execute().getResource();
    final Date afterFirst = new Date(first.getMeta().getLastUpdated().getTime() + 1);
    final org.hl7.fhir.r4.model.Organization org = new org.hl7.fhir.r4.model.Organization().setName("After");
    final IdType orgId = (IdType) c.create().resource(org).execute().getId();
    final IdType patientId = (IdType) c.create().resource(patient("After")).execute().getId();
    awaitEveryNodeAt(2);

    final Bundle typeSince = valid(c.history().onType(Patient.class).returnBundle(Bundle.class).since(afterFirst).execute());
    assertThat(typeSince.getEntry()).extracting(x -> x.getResource().getIdElement().getIdPart()).containsExactly(patientId.getIdPart());

    final Bundle systemSince = valid(client(0).history().onServer().returnBundle(Bundle.class).since(afterFirst).execute());
    assertThat(systemSince.getEntry()).extracting(x -> x.getResource().getIdElement().toUnqualifiedVersionless().getValue())
        .containsExactly(patientId.toUnqualifiedVersionless().getValue(), orgId.toUnqualifiedVersionless().getValue());

    final Bundle systemPaged = valid(client(0).history().onServer().returnBundle(Bundle.class).count(2).execute());
    assertThat(systemPaged.getEntry()).hasSize(2);
    assertThat(systemPaged.getTotal()).isGreaterThan(10);
    final Bundle systemPage2 = valid(client(0).loadPage().next(systemPaged).execute());
    assertThat(systemPage2.getEntry()).hasSize(2);

    // _at: the version current at the moment the first Patient was written, and not the later ones
    final String at = first.getMeta().getLastUpdatedElement().getValueAsString();
    final HttpResponse<String> atResponse = http(2).get("/Patient/" + first.getIdElement().getIdPart() + "/_history?_at=" + at);
    assertStatus(atResponse, 200);
    final Bundle atBundle = (Bundle) FHIR.newJsonParser().parseResource(atResponse.body());
    assertThat(atBundle.getEntry()).extracting(x -> x.getResponse().getEtag()).containsExactly("W/\"1\"");
    final HttpResponse<String> typeAt = http(2).get("/Organization/_history?_at=2000-01-01");
    assertStatus(typeAt, 200);
    assertThat(((Bundle) FHIR.newJsonParser().parseResource(typeAt.body())).getEntry()).isEmpty();
  }

  @Test
  @Order(8)
  void jsonPatchAndFhirPathPatchWithIfMatch() {
    final IGenericClient c = client(3);
    final IdType id = (IdType) c.create().resource(patient("Patch")).execute().getId().toUnqualifiedVersionless();
    final RawFhirHttp node3 = http(3);
    final String path = "/Patient/" + id.getIdPart();

    assertStatus(node3.send("PATCH", path, "[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"Stale\"}]",
        "Content-Type", "application/json-patch+json", "If-Match", "W/\"5\""), 412);
    assertStatus(node3.send("PATCH", path, "[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"Patched\"}]",
        "Content-Type", "application/json-patch+json", "If-Match", "W/\"1\""), 200);
    assertStatus(node3.send("PATCH", path, "{\"not\":\"a patch\"}", "Content-Type", "application/json-patch+json"), 400);
    assertStatus(node3.send("PATCH", path, "<diff/>", "Content-Type", "application/xml-patch+xml"), 415);
    assertStatus(node3.send("PATCH", path, "[{\"op\":\"test\",\"path\":\"/active\",\"value\":true}]",
        "Content-Type", "application/json-patch+json"), 422);
    assertStatus(node3.send("PATCH", path, "[{\"op\":\"add\",\"path\":\"/gender\",\"value\":\"not-a-gender\"}]",
        "Content-Type", "application/json-patch+json"), 422);

    final Parameters fhirPatch = new Parameters();
    operation(fhirPatch, "replace", "Patient.name.family", null, new StringType("FhirPathed"));
    operation(fhirPatch, "add", "Patient", "birthDate", new org.hl7.fhir.r4.model.DateType("1980-02-03"));
    operation(fhirPatch, "insert", "Patient.name[0].given", null, new StringType("First")).addPart().setName("index").setValue(new IntegerType(0));
    operation(fhirPatch, "delete", "Patient.identifier", null, null);
    final MethodOutcome patched = c.patch().withFhirPatch(fhirPatch).withId(id).execute();
    final Patient p = valid((Patient) patched.getResource());
    assertThat(p.getNameFirstRep().getFamily()).isEqualTo("FhirPathed");
    assertThat(p.getNameFirstRep().getGiven()).extracting(StringType::getValue).containsExactly("First", "Ada");
    assertThat(p.getBirthDateElement().getValueAsString()).isEqualTo("1980-02-03");
    assertThat(p.hasIdentifier()).isFalse();
    assertThat(p.getMeta().getVersionId()).isEqualTo("3");

    final Parameters move = new Parameters();
    operation(move, "move", "Patient.name[0].given", null, null)
        .addPart(new Parameters.ParametersParameterComponent().setName("source").setValue(new IntegerType(1)))
        .addPart(new Parameters.ParametersParameterComponent().setName("destination").setValue(new IntegerType(0)));
    final HttpResponse<String> xmlPatch = node3.send("PATCH", path, FHIR.newXmlParser().encodeResourceToString(move),
        "Content-Type", XML, "Accept", JSON, "If-Match", "W/\"3\"");
    assertStatus(xmlPatch, 200);
    assertThat(((Patient) FHIR.newJsonParser().parseResource(xmlPatch.body())).getNameFirstRep().getGiven())
        .extracting(StringType::getValue).containsExactly("Ada", "First");

    final Parameters badType = new Parameters();
    operation(badType, "replace", "Patient.birthDate", null, new org.hl7.fhir.r4.model.BooleanType(true));
    assertStatus(node3.send("PATCH", path, FHIR.newJsonParser().encodeResourceToString(badType), "Content-Type", JSON), 422);
    final Parameters twoMatches = new Parameters();
    operation(twoMatches, "replace", "Patient.name.given", null, new StringType("x"));
    assertStatus(node3.send("PATCH", path, FHIR.newJsonParser().encodeResourceToString(twoMatches), "Content-Type", JSON), 422);
    assertThatThrownBy(() -> c.patch().withFhirPatch(fhirPatch).withId(id)
            .withAdditionalHeader("If-Match", "W/\"1\"").execute())
        .isInstanceOf(PreconditionFailedException.class);
  }

  private static Parameters.ParametersParameterComponent operation(final Parameters p, final String type, final String path,
      final String name, final org.hl7.fhir.r4.model.Type value) {
    final Parameters.ParametersParameterComponent op = p.addParameter().setName("operation");
    op.addPart().setName("type").setValue(new CodeType(type));
    op.addPart().setName("path").setValue(new StringType(path));
    if (name != null) {
      op.addPart().setName("name").setValue(new StringType(name));
    }
    if (value != null) {
      op.addPart().setName("value").setValue(value);
    }
    return op;
  }

  @Test
  @Order(9)
  void validateOperationAnswersTheValidatorsIssues() {
    final RawFhirHttp node0 = http(0);
    final HttpResponse<String> ok = node0.send("POST", "/Patient/$validate", json(patient("Valid")), "Content-Type", JSON);
    assertStatus(ok, 200);
    assertThat(issues(ok)).noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);

    final HttpResponse<String> invalid = node0.send("POST", "/Observation/$validate",
        "{\"resourceType\":\"Observation\",\"code\":{\"text\":\"no status\"}}", "Content-Type", JSON);
    assertStatus(invalid, 200);
    assertThat(issues(invalid)).anyMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
        && i.getDiagnostics().contains("status"));

    final String profile = "http://fhirledger.org/fhir/StructureDefinition/ledger-patient";
    final HttpResponse<String> againstProfile = node0.send("POST", "/Patient/$validate?profile=" + profile,
        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"NoIdentifier\"}]}", "Content-Type", JSON);
    assertStatus(againstProfile, 200);
    assertThat(issues(againstProfile)).anyMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
        && i.getDiagnostics().contains("identifier"));

    final IdType id = (IdType) client(0).create().resource(patient("ToValidate")).execute().getId();
    final Patient forUpdate = patient("ToValidate");
    forUpdate.setId(id.getIdPart());
    final HttpResponse<String> update = node0.send("POST", "/Patient/" + id.getIdPart() + "/$validate?mode=update", json(forUpdate),
        "Content-Type", JSON);
    assertStatus(update, 200);
    assertThat(issues(update)).noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
    final HttpResponse<String> delete = node0.send("POST", "/Patient/" + id.getIdPart() + "/$validate?mode=delete",
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"mode\",\"valueCode\":\"delete\"}]}", "Content-Type", JSON);
    assertStatus(delete, 200);
    assertStatus(node0.send("POST", "/Patient/does-not-exist/$validate?mode=delete",
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"mode\",\"valueCode\":\"delete\"}]}", "Content-Type", JSON), 404);
  }

  private static List<OperationOutcome.OperationOutcomeIssueComponent> issues(final HttpResponse<String> r) {
    return ((OperationOutcome) FHIR.newJsonParser().parseResource(r.body())).getIssue();
  }

  @Test
  @Order(10)
  void metadataDescribesWhatTheServerDoes() {
    final CapabilityStatement cs = valid(client(1).capabilities().ofType(CapabilityStatement.class).execute());
    assertThat(cs.getFormat()).extracting(CodeType::getValue).contains("application/fhir+json", "application/fhir+xml");
    assertThat(cs.getPatchFormat()).extracting(CodeType::getValue)
        .contains("application/json-patch+json", "application/fhir+json", "application/fhir+xml");
    final CapabilityStatement.CapabilityStatementRestComponent rest = cs.getRestFirstRep();
    assertThat(rest.getInteraction()).extracting(i -> i.getCode()).contains(
        CapabilityStatement.SystemRestfulInteraction.HISTORYSYSTEM, CapabilityStatement.SystemRestfulInteraction.TRANSACTION,
        CapabilityStatement.SystemRestfulInteraction.BATCH);
    final CapabilityStatementRestResourceComponent patient =
        rest.getResource().stream().filter(r -> r.getType().equals("Patient")).findFirst().orElseThrow();
    assertThat(patient.getInteraction()).extracting(i -> i.getCode()).contains(
        CapabilityStatement.TypeRestfulInteraction.READ, CapabilityStatement.TypeRestfulInteraction.VREAD,
        CapabilityStatement.TypeRestfulInteraction.UPDATE, CapabilityStatement.TypeRestfulInteraction.PATCH,
        CapabilityStatement.TypeRestfulInteraction.DELETE, CapabilityStatement.TypeRestfulInteraction.HISTORYINSTANCE,
        CapabilityStatement.TypeRestfulInteraction.HISTORYTYPE, CapabilityStatement.TypeRestfulInteraction.CREATE,
        CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
    assertThat(patient.getVersioning()).isEqualTo(CapabilityStatement.ResourceVersionPolicy.VERSIONEDUPDATE);
    assertThat(patient.getReadHistory()).isTrue();
    assertThat(patient.getUpdateCreate()).isTrue();
    assertThat(patient.getConditionalRead()).isEqualTo(CapabilityStatement.ConditionalReadStatus.FULLSUPPORT);
    assertThat(patient.getConditionalCreate()).isTrue();
    assertThat(patient.getConditionalUpdate()).isTrue();
    assertThat(patient.getConditionalDelete()).isEqualTo(CapabilityStatement.ConditionalDeleteStatus.SINGLE);
    assertThat(patient.getReferencePolicy()).extracting(e -> e.getValue())
        .contains(CapabilityStatement.ReferenceHandlingPolicy.ENFORCED);
    assertThat(patient.getOperation()).extracting(o -> o.getName()).contains("validate");
    assertThat(rest.getResource()).hasSize(FHIR.getResourceTypes().size());
  }

  @Test
  @Order(11)
  void aHospitalThatValidatesWritesAndRefusesClientIdsSaysSo() {
    network.stopNode(3);
    network.startNode(3, Map.of("fhirledger.node.validate-writes", "true", "fhirledger.node.update-as-create", "false"));
    await().atMost(Duration.ofSeconds(30)).until(() -> network.node(3).node().ledger().status().connectedPeers() == 3);
    final RawFhirHttp node3 = http(3);
    final long before = network.node(3).node().ledger().store().height();

    final HttpResponse<String> noStatus = node3.send("POST", "/Observation",
        "{\"resourceType\":\"Observation\",\"code\":{\"text\":\"no status\"}}", "Content-Type", JSON);
    assertStatus(noStatus, 422);
    assertThat(issues(noStatus)).anyMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
    final String profiled = "{\"resourceType\":\"Patient\",\"meta\":{\"profile\":[\"http://fhirledger.org/fhir/StructureDefinition/ledger-patient\"]},"
        + "\"name\":[{\"family\":\"NoIdentifier\"}]}";
    assertStatus(node3.send("POST", "/Patient", profiled, "Content-Type", JSON), 422);
    assertStatus(node3.send("POST", "/Patient",
        "{\"resourceType\":\"Patient\",\"meta\":{\"profile\":[\"http://example.org/unknown-profile\"]}}", "Content-Type", JSON), 422);
    final Patient p = patient("Profiled");
    p.getMeta().addProfile("http://fhirledger.org/fhir/StructureDefinition/ledger-patient");
    final HttpResponse<String> good = node3.send("POST", "/Patient", json(p), "Content-Type", JSON);
    assertStatus(good, 201);
    final String id = new IdType(header(good, "Location")).getIdPart();
    assertStatus(node3.send("PATCH", "/Patient/" + id, "[{\"op\":\"remove\",\"path\":\"/identifier\"}]",
        "Content-Type", "application/json-patch+json"), 422);

    final Patient upsert = patient("NoUpsert");
    upsert.setId("client-chosen-2");
    assertStatus(node3.send("PUT", "/Patient/client-chosen-2", json(upsert), "Content-Type", JSON), 405);
    assertThat(network.node(3).node().ledger().store().height()).as("only the valid write committed").isEqualTo(before + 1);
    final CapabilityStatement cs = client(3).capabilities().ofType(CapabilityStatement.class).execute();
    assertThat(cs.getRestFirstRep().getResource()).allSatisfy(r -> assertThat(r.getUpdateCreate()).isFalse());
  }
}
