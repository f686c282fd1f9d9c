package org.fhirledger.server.dao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.fhirledger.server.config.FhirContexts;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class LedgerWriterTest {
  private static final byte[] FIELD = "\"reference\"".getBytes(StandardCharsets.US_ASCII);

  private static byte[] canonical(final org.hl7.fhir.r4.model.Resource r) {
    return FhirContexts.serverR4().newJsonParser().setPrettyPrint(false).encodeResourceToString(r).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theReferenceFieldIsFoundWhereverTheExtractorWouldFindAReference() {
    final FhirTermExtractor extractor = new FhirTermExtractor(Set.of("Patient", "Organization", "Observation"));
    final Observation observation = new Observation();
    observation.setSubject(new Reference("Patient/p-1"));
    final Patient assigned = new Patient();
    assigned.addIdentifier(new Identifier().setSystem("urn:s").setValue("1").setAssigner(new Reference("Organization/o-1")));
    for (final org.hl7.fhir.r4.model.Resource r : java.util.List.of(observation, assigned)) {
      assertThat(extractor.extract(r.fhirType(), canonical(r)).references()).isNotEmpty();
      assertThat(LedgerWriter.indexOf(canonical(r), FIELD)).isPositive();
    }
  }

  @Test
  void aResourceWithoutTheFieldHasNoReferences() {
    final Patient p = new Patient();
    p.addName().setFamily("referenced");
    p.addIdentifier().setSystem("urn:reference").setValue("referenced");
    final byte[] json = canonical(p);
    assertThat(LedgerWriter.indexOf(json, FIELD)).isEqualTo(-1);
    assertThat(new FhirTermExtractor(Set.of("Patient")).extract("Patient", json).references()).isEmpty();
    assertThat(LedgerWriter.indexOf("\"reference\"".getBytes(StandardCharsets.US_ASCII), FIELD)).isZero();
    // a string value "reference" is found too: the check only ever runs the extractor when it need not, never skips it
    assertThat(LedgerWriter.indexOf("{\"value\":\"reference\"}".getBytes(StandardCharsets.US_ASCII), FIELD)).isEqualTo(9);
    assertThat(LedgerWriter.indexOf("\"referenc".getBytes(StandardCharsets.US_ASCII), FIELD)).isEqualTo(-1);
  }
}
