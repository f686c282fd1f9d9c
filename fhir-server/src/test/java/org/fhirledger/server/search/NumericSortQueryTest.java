package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.junit.jupiter.api.Test;

/** {@code _sort} on number and quantity parameters, against a real PostgreSQL index fed by the real extractor. */
class NumericSortQueryTest extends IndexedSearchTestBase {
  private static final String UCUM = "http://unitsofmeasure.org";

  private static RiskAssessment risk(final String id, final String probability) {
    final RiskAssessment r = new RiskAssessment();
    r.setId(id);
    r.setStatus(RiskAssessment.RiskAssessmentStatus.FINAL);
    r.setSubject(new Reference("Patient/p"));
    if (probability != null) {
      r.addPrediction().setProbability(new DecimalType(probability));
    }
    return r;
  }

  private static Observation glucose(final String id, final String value, final String unit) {
    final Observation o = new Observation();
    o.setId(id);
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", "2339-0", null)));
    if (value != null) {
      o.setValue(new Quantity().setValue(new BigDecimal(value)).setSystem(UCUM).setCode(unit).setUnit(unit));
    }
    return o;
  }

  @Test
  void numbersSortByTheirLowestValueAscendingAndHighestDescendingWithoutValueLast() {
    final RiskAssessment twoPredictions = risk("two", "0.1");
    twoPredictions.addPrediction().setProbability(new DecimalType("0.9"));
    final RiskAssessment range = risk("range", null);
    range.addPrediction().setProbability(new Range().setLow(new org.hl7.fhir.r4.model.Quantity(0.3)).setHigh(new org.hl7.fhir.r4.model.Quantity(0.6)));
    block(risk("half", "0.5"), risk("none", null), twoPredictions, range, risk("small", "0.25"), risk("tenth", "0.10"));

    // ascending by the lowest value: 0.1 (two), 0.10 (tenth; ties by id), 0.25, 0.3 (range), 0.5
    assertThat(ids("RiskAssessment", "_sort=probability")).containsExactly("tenth", "two", "small", "range", "half", "none");
    // descending by the highest value: 0.9 (two), 0.6 (range), 0.5, 0.25, 0.10
    assertThat(ids("RiskAssessment", "_sort=-probability")).containsExactly("two", "range", "half", "small", "tenth", "none");
    assertThat(ids("RiskAssessment", "probability=ge0.25&_sort=-probability,_id")).containsExactly("two", "range", "half", "small");
  }

  @Test
  void quantitiesSortInCanonicalUnitsSoOneMeasureInTwoUnitsSortsTogether() {
    // 1.2 g/L = 120 mg/dL, so it lies between 99 mg/dL and 150 mg/dL
    block(glucose("mg150", "150", "mg/dL"), glucose("gl1_2", "1.2", "g/L"), glucose("mg99", "99", "mg/dL"), glucose("none", null, null));

    assertThat(ids("Observation", "_sort=value-quantity")).containsExactly("mg99", "gl1_2", "mg150", "none");
    assertThat(ids("Observation", "_sort=-value-quantity")).containsExactly("mg150", "gl1_2", "mg99", "none");
    assertThat(ids("Observation", "value-quantity=gt100|" + UCUM + "|mg/dL&_sort=-value-quantity")).containsExactly("mg150", "gl1_2");
  }

  @Test
  void aSortKeyOnANumberReadsTheValuesCurrentAtTheSearchHeight() {
    block(risk("a", "0.2"), risk("b", "0.4"));
    final long before = height;
    block(risk("a", "0.8"));

    assertThat(idsAt("RiskAssessment", "_sort=probability", before)).containsExactly("a", "b");
    assertThat(ids("RiskAssessment", "_sort=probability")).containsExactly("b", "a");
  }
}
