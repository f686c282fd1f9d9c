package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.index.IndexedParam;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;

class CompositeExtractorTest {
  private static final SearchParamExtractor EXTRACTOR = new SearchParamExtractor(FhirContexts.r4());

  @Test
  void componentPathsAreMadeRelativeToTheLongestRootTheyLieUnder() {
    final List<String> roots = List.of("Observation", "Observation.component");
    assertThat(CompositeExtractor.relativeTo("Observation.code", "Observation", roots)).contains("code");
    assertThat(CompositeExtractor.relativeTo("Observation.component.code", "Observation", roots)).isEmpty();
    assertThat(CompositeExtractor.relativeTo("Observation.component.code", "Observation.component", roots)).contains("code");
    assertThat(CompositeExtractor.relativeTo("(Observation.component.value as Quantity)", "Observation.component", roots))
        .contains("(value as Quantity)");
    assertThat(CompositeExtractor.relativeTo("MolecularSequence.referenceSeq.chromosome", "MolecularSequence.variant",
        List.of("MolecularSequence.variant"))).isEmpty();
  }

  @Test
  void eachComponentGivesOneRowPairingItsOwnCodeAndValue() {
    final Observation bp = new Observation();
    bp.setStatus(Observation.ObservationStatus.FINAL);
    bp.setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", "85354-9", null)));
    bp.addComponent().setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", "8480-6", null)))
        .setValue(new Quantity().setValue(120).setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));
    bp.addComponent().setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", "8462-4", null)))
        .setValue(new Quantity().setValue(80).setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));

    final List<IndexedParam.Composite> rows = EXTRACTOR.extract(bp).stream().filter(IndexedParam.Composite.class::isInstance)
        .map(IndexedParam.Composite.class::cast).filter(c -> c.name().equals("component-code-value-quantity")).toList();
    assertThat(rows).hasSize(2);
    assertThat(rows).extracting(c -> ((IndexedParam.Token) c.first()).value() + "=" + ((IndexedParam.Quantity) c.second()).low().intValue())
        .containsExactlyInAnyOrder("8480-6=120", "8462-4=80");
    assertThat(rows).allMatch(c -> c.first().name().equals("component-code") && c.second().name().equals("component-value-quantity"));
    // combo-code-value-quantity is answered from the rows of the root's and the components' pairs (SharedParamRows): the
    // Observation root has no value, so only the components give rows, and none is written under the combo's name
    final List<String> combo = org.fhirledger.server.index.SharedParamRows.storedAs("Observation", "combo-code-value-quantity");
    assertThat(EXTRACTOR.extract(bp).stream().filter(p -> combo.contains(p.name())).count()).isEqualTo(2);
    assertThat(EXTRACTOR.extract(bp)).noneMatch(p -> p.name().equals("combo-code-value-quantity"));
  }
}
