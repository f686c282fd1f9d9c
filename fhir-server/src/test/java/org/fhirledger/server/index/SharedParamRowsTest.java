package org.fhirledger.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.search.SearchParamExtractor;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;

class SharedParamRowsTest {

  @Test
  void phoneticReadsNamesRowsOnEveryTypeThatHasBoth() {
    for (final String type : List.of("Patient", "Person", "Practitioner", "RelatedPerson")) {
      assertThat(SharedParamRows.storedAs(type, "phonetic")).as(type).containsExactly("name");
      assertThat(SharedParamRows.isShared(type, "phonetic")).as(type).isTrue();
      assertThat(SharedParamRows.storedAs(type, "name")).as(type).containsExactly("name");
      assertThat(SharedParamRows.isShared(type, "name")).as(type).isFalse();
    }
  }

  @Test
  void observationCombosReadTheRowsOfTheirTwoHalves() {
    assertThat(SharedParamRows.storedAs("Observation", "combo-code")).containsExactlyInAnyOrder("code", "component-code");
    assertThat(SharedParamRows.storedAs("Observation", "combo-code:text")).containsExactlyInAnyOrder("code:text", "component-code:text");
    assertThat(SharedParamRows.storedAs("Observation", "combo-value-quantity")).containsExactlyInAnyOrder("value-quantity", "component-value-quantity");
    assertThat(SharedParamRows.storedAs("Observation", "combo-code-value-quantity"))
        .containsExactlyInAnyOrder("code-value-quantity", "component-code-value-quantity");
    assertThat(SharedParamRows.storedAs("Observation", "combo-code-value-concept"))
        .containsExactlyInAnyOrder("code-value-concept", "component-code-value-concept");
  }

  @Test
  void referencesCustomAndUnrelatedParametersKeepTheirOwnRows() {
    // same path, but _include and _has name reference rows in SQL of their own
    assertThat(SharedParamRows.storedAs("Coverage", "patient")).containsExactly("patient");
    assertThat(SharedParamRows.storedAs("Observation", "subject")).containsExactly("subject");
    // same path and kinds, different components: their rows pair different values
    assertThat(SharedParamRows.storedAs("MolecularSequence", "referenceseqid-variant-coordinate")).containsExactly("referenceseqid-variant-coordinate");
    assertThat(SharedParamRows.storedAs("Patient", "family")).containsExactly("family");
    assertThat(SharedParamRows.storedAs("Patient", "birthplace")).as("a custom parameter").containsExactly("birthplace");
    assertThat(SharedParamRows.storedAs("NoSuchType", "x")).containsExactly("x");
  }

  /** What the extractor used to write for a shared parameter is exactly what its holders' rows give now. */
  @Test
  void theHoldersRowsCarryTheValuesTheSharedParameterHad() {
    final Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", "85354-9", "Blood pressure")));
    o.setValue(new Quantity().setValue(new BigDecimal("5")).setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));
    o.addComponent().setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", "8480-6", "Systolic")))
        .setValue(new Quantity().setValue(new BigDecimal("120")).setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));
    final List<IndexedParam> rows = new SearchParamExtractor(FhirContexts.r4()).extract(o);
    assertThat(rows).extracting(IndexedParam::name).doesNotContain("combo-code", "combo-code:text", "combo-value-quantity",
        "combo-code-value-quantity").contains("code", "component-code", "value-quantity", "component-value-quantity", "code-value-quantity",
        "component-code-value-quantity");
    // both codes, by either half
    assertThat(values(rows, SharedParamRows.storedAs("Observation", "combo-code"))).hasSize(2);
    assertThat(values(rows, SharedParamRows.storedAs("Observation", "combo-code-value-quantity"))).hasSize(2);

    final Patient p = new Patient();
    p.addName().setFamily("Chalmers").addGiven("Peter");
    final List<IndexedParam> patientRows = new SearchParamExtractor(FhirContexts.r4()).extract(p);
    assertThat(patientRows).extracting(IndexedParam::name).contains("name", "family", "given").doesNotContain("phonetic");
  }

  private static Set<String> values(final List<IndexedParam> rows, final List<String> names) {
    return rows.stream().filter(r -> names.contains(r.name())).map(r -> r.toString().substring(r.toString().indexOf(','))).collect(Collectors.toCollection(HashSet::new));
  }
}
