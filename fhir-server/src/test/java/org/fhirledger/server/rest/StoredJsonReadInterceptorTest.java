package org.fhirledger.server.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.fhirledger.server.config.FhirContexts;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class StoredJsonReadInterceptorTest {
  private static byte[] staged(final Patient p) {
    return FhirContexts.serverR4().newJsonParser().setPrettyPrint(false).encodeResourceToString(p).getBytes(StandardCharsets.UTF_8);
  }

  private static Patient patient(final long millis) {
    final Patient p = new Patient();
    p.setId(new IdType("Patient", "p-1"));
    p.getMeta().setVersionId("3");
    p.getMeta().setLastUpdatedElement(new InstantType(new Date(millis)));
    p.getMeta().setSource("urn:fhirledger:node:abc");
    p.setActive(true);
    return p;
  }

  @Test
  void lastUpdatedIsReadFromBytesThatStartAsTheWriterStagesThem() {
    final long millis = 1_796_000_123_456L;
    assertThat(StoredJsonReadInterceptor.lastUpdated(staged(patient(millis)), "Patient", "p-1", 3)).isEqualTo(new Date(millis));
  }

  @Test
  void bytesOfAnotherVersionIdOrTypeOrWithAMetaExtensionAreNotAnsweredFromStoredJson() {
    final byte[] json = staged(patient(1_796_000_123_456L));
    assertThat(StoredJsonReadInterceptor.lastUpdated(json, "Patient", "p-1", 4)).isNull();
    assertThat(StoredJsonReadInterceptor.lastUpdated(json, "Patient", "p-2", 3)).isNull();
    assertThat(StoredJsonReadInterceptor.lastUpdated(json, "Person", "p-1", 3)).isNull();
    final Patient extended = patient(1_796_000_123_456L);
    extended.getMeta().addExtension("http://example.org/x", new org.hl7.fhir.r4.model.StringType("y"));
    assertThat(StoredJsonReadInterceptor.lastUpdated(staged(extended), "Patient", "p-1", 3)).isNull();
    final Patient noDate = patient(1L);
    noDate.getMeta().setLastUpdated(null);
    assertThat(StoredJsonReadInterceptor.lastUpdated(staged(noDate), "Patient", "p-1", 3)).isNull();
  }

  @Test
  void theServerBaseIsFoundAnywhereInTheBytes() {
    final byte[] json = "{\"reference\":\"http://127.0.0.1:8080/fhir/Patient/1\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(StoredJsonReadInterceptor.contains(json, "http://127.0.0.1:8080/fhir")).isTrue();
    assertThat(StoredJsonReadInterceptor.contains(json, "http://127.0.0.1:8081/fhir")).isFalse();
    assertThat(StoredJsonReadInterceptor.contains("{}".getBytes(StandardCharsets.UTF_8), "http://127.0.0.1:8080/fhir")).isFalse();
  }
}
