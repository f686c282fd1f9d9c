package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

/**
 * Number, quantity and composite parameters and the modifiers :missing, :text, :of-type, :identifier and :above,
 * against a real PostgreSQL index fed by the real extractor.
 */
class ParameterTypesQueryTest extends IndexedSearchTestBase {
  private static final String UCUM = "http://unitsofmeasure.org";
  private static final String LOINC = "http://loinc.org";

  private static RiskAssessment risk(final String id, final String probability) {
    final RiskAssessment r = new RiskAssessment();
    r.setId(id);
    r.setStatus(RiskAssessment.RiskAssessmentStatus.FINAL);
    r.setSubject(new Reference("Patient/p"));
    r.addPrediction().setProbability(new org.hl7.fhir.r4.model.DecimalType(probability));
    return r;
  }

  private static Observation quantity(final String id, final String code, final String value, final String system, final String unitCode,
      final String unit) {
    final Observation o = new Observation();
    o.setId(id);
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setSubject(new Reference("Patient/p"));
    o.setCode(new CodeableConcept().addCoding(new Coding(LOINC, code, null)));
    o.setValue(new Quantity().setValue(new BigDecimal(value)).setSystem(system).setCode(unitCode).setUnit(unit));
    return o;
  }

  @Test
  void numberPrefixesUseThePrecisionOfTheSearchValue() {
    final RiskAssessment range = new RiskAssessment();
    range.setId("range");
    range.setStatus(RiskAssessment.RiskAssessmentStatus.FINAL);
    range.setSubject(new Reference("Patient/p"));
    range.addPrediction().setProbability(new Range().setLow(new Quantity(0.6)).setHigh(new Quantity(0.7)));
    fixture.block(risk("low", "0.25"), risk("mid", "0.5"), risk("mid2", "0.504"), risk("high", "0.8"), range);

    // 0.5 means [0.45, 0.55); 0.50 means [0.495, 0.505)
    assertThat(fixture.ids("RiskAssessment", "probability=0.5")).containsExactly("mid", "mid2");
    assertThat(fixture.ids("RiskAssessment", "probability=0.50")).containsExactly("mid", "mid2");
    assertThat(fixture.ids("RiskAssessment", "probability=0.500")).containsExactly("mid");
    assertThat(fixture.ids("RiskAssessment", "probability=eq0.8")).containsExactly("high");
    assertThat(fixture.ids("RiskAssessment", "probability=ne0.5")).containsExactly("high", "low", "range");
    assertThat(fixture.ids("RiskAssessment", "probability=gt0.5")).containsExactly("high", "mid2", "range");
    assertThat(fixture.ids("RiskAssessment", "probability=ge0.5")).containsExactly("high", "mid", "mid2", "range");
    assertThat(fixture.ids("RiskAssessment", "probability=lt0.5")).containsExactly("low");
    assertThat(fixture.ids("RiskAssessment", "probability=le0.25")).containsExactly("low");
    // sa/eb: entirely above/below the value's precision range
    assertThat(fixture.ids("RiskAssessment", "probability=sa0.5")).containsExactly("high", "range");
    assertThat(fixture.ids("RiskAssessment", "probability=eb0.5")).containsExactly("low");
    // ap: within 10% (0.75 ± 0.075 overlaps the Range [0.6, 0.7] and holds 0.8)
    assertThat(fixture.ids("RiskAssessment", "probability=ap0.75")).containsExactly("high", "range");
    assertThat(fixture.ids("RiskAssessment", "probability=0.25,0.8")).containsExactly("high", "low");
    assertThat(fixture.ids("RiskAssessment", "probability=ge0.25&probability=lt0.5")).containsExactly("low");
  }

  @Test
  void quantitiesMatchBySystemAndCodeInCanonicalUcumUnitsOrByCodeOrUnitText() {
    fixture.block(quantity("mmol", "2339-0", "5.4", UCUM, "mmol/L", "mmol/L"),
        quantity("mgdl", "2339-0", "150", UCUM, "mg/dL", "mg/dL"),
        quantity("gl", "2339-0", "1.5", UCUM, "g/L", "g/L"),
        quantity("pulse", "8867-4", "72", UCUM, "/min", "beats/minute"),
        quantity("local", "29463-7", "70", "http://example.org/units", "kilo", "kg"));

    assertThat(fixture.ids("Observation", "value-quantity=5.4|" + UCUM + "|mmol/L")).containsExactly("mmol");
    assertThat(fixture.ids("Observation", "value-quantity=5400|" + UCUM + "|umol/L")).containsExactly("mmol");
    // 150 mg/dL is 1.5 g/L
    assertThat(fixture.ids("Observation", "value-quantity=1.5|" + UCUM + "|g/L")).containsExactly("gl", "mgdl");
    assertThat(fixture.ids("Observation", "value-quantity=gt140|" + UCUM + "|mg/dL")).containsExactly("gl", "mgdl");
    assertThat(fixture.ids("Observation", "value-quantity=1.2|" + UCUM + "|/s")).containsExactly("pulse");
    assertThat(fixture.ids("Observation", "value-quantity=72||/min")).containsExactly("pulse");
    assertThat(fixture.ids("Observation", "value-quantity=70||kg")).containsExactly("local");
    assertThat(fixture.ids("Observation", "value-quantity=70|http://example.org/units|kilo")).containsExactly("local");
    assertThat(fixture.ids("Observation", "value-quantity=70|" + UCUM + "|kilo")).isEmpty();
    assertThat(fixture.ids("Observation", "value-quantity=gt100")).containsExactly("mgdl");
    assertThat(fixture.ids("Observation", "value-quantity=ap5")).containsExactly("mmol");
    assertThat(fixture.ids("Observation", "value-quantity=le5.4|" + UCUM + "|mmol/L")).containsExactly("mmol");
    assertThat(fixture.ids("Observation", "value-quantity=lt5.4|" + UCUM + "|mmol/L")).isEmpty();
  }

  @Test
  void compositesPairValuesFromTheSameElementOnly() {
    final Observation bp = new Observation();
    bp.setId("bp");
    bp.setStatus(Observation.ObservationStatus.FINAL);
    bp.setCode(new CodeableConcept().addCoding(new Coding(LOINC, "85354-9", "Blood pressure panel")));
    bp.addComponent().setCode(new CodeableConcept().addCoding(new Coding(LOINC, "8480-6", "Systolic")))
        .setValue(new Quantity().setValue(120).setSystem(UCUM).setCode("mm[Hg]"));
    bp.addComponent().setCode(new CodeableConcept().addCoding(new Coding(LOINC, "8462-4", "Diastolic")))
        .setValue(new Quantity().setValue(80).setSystem(UCUM).setCode("mm[Hg]"));
    final Observation smoker = new Observation();
    smoker.setId("smoker");
    smoker.setStatus(Observation.ObservationStatus.FINAL);
    smoker.setCode(new CodeableConcept().addCoding(new Coding(LOINC, "72166-2", null)));
    smoker.setValue(new CodeableConcept().addCoding(new Coding("http://snomed.info/sct", "8517006", "Ex-smoker")));
    final Observation note = new Observation();
    note.setId("note");
    note.setStatus(Observation.ObservationStatus.FINAL);
    note.setCode(new CodeableConcept().addCoding(new Coding(LOINC, "8251-1", null)));
    note.setValue(new StringType("Feeling Better"));
    final Observation onset = new Observation();
    onset.setId("onset");
    onset.setStatus(Observation.ObservationStatus.FINAL);
    onset.setCode(new CodeableConcept().addCoding(new Coding(LOINC, "11368-8", null)));
    onset.setValue(new DateTimeType("2024-05-17T10:00:00Z"));
    fixture.block(bp, smoker, note, onset, quantity("glucose", "2339-0", "5.4", UCUM, "mmol/L", "mmol/L"));

    assertThat(fixture.ids("Observation", "component-code-value-quantity=" + LOINC + "|8480-6$gt100")).containsExactly("bp");
    // the diastolic component is 80: its code must not pair with the systolic value
    assertThat(fixture.ids("Observation", "component-code-value-quantity=" + LOINC + "|8462-4$gt100")).isEmpty();
    assertThat(fixture.ids("Observation", "component-code-value-quantity=8462-4$80|" + UCUM + "|mm[Hg]")).containsExactly("bp");
    assertThat(fixture.ids("Observation", "combo-code-value-quantity=8480-6$120")).containsExactly("bp");
    assertThat(fixture.ids("Observation", "code-value-quantity=" + LOINC + "|2339-0$5400|" + UCUM + "|umol/L")).containsExactly("glucose");
    assertThat(fixture.ids("Observation", "code-value-quantity=" + LOINC + "|2339-0$gt6")).isEmpty();
    assertThat(fixture.ids("Observation", "code-value-concept=" + LOINC + "|72166-2$http://snomed.info/sct|8517006")).containsExactly("smoker");
    assertThat(fixture.ids("Observation", "code-value-concept=72166-2$8517006,8251-1$x")).containsExactly("smoker");
    assertThat(fixture.ids("Observation", "code-value-string=8251-1$feeling")).containsExactly("note");
    assertThat(fixture.ids("Observation", "code-value-date=11368-8$ge2024-05")).containsExactly("onset");
    assertThat(fixture.ids("Observation", "code-value-date=11368-8$lt2024-05")).isEmpty();
  }

  @Test
  void compositeQuantityWithoutSystemComparesTheValueAsWrittenNotItsCanonicalForm() {
    fixture.block(quantity("glucose", "2339-0", "5.4", UCUM, "mmol/L", "mmol/L"), quantity("weight", "29463-7", "74.2", UCUM, "kg", "kg"));

    // 5.4 mmol/L is 0.0054 mol/L and 74.2 kg is 74200 g in the canonical columns: a unit-less value must not meet those
    assertThat(fixture.ids("Observation", "code-value-quantity=" + LOINC + "|2339-0$gt5")).containsExactly("glucose");
    assertThat(fixture.ids("Observation", "code-value-quantity=" + LOINC + "|2339-0$lt0.01")).isEmpty();
    assertThat(fixture.ids("Observation", "code-value-quantity=" + LOINC + "|29463-7$lt75")).containsExactly("weight");
    assertThat(fixture.ids("Observation", "code-value-quantity=" + LOINC + "|29463-7$gt1000")).isEmpty();
    assertThat(fixture.ids("Observation", "code-value-quantity=29463-7$74.2||kg")).containsExactly("weight");
    assertThat(fixture.ids("Observation", "code-value-quantity=29463-7$74200||kg")).isEmpty();
    // with a system the canonical columns still convert
    assertThat(fixture.ids("Observation", "code-value-quantity=29463-7$gt74000|" + UCUM + "|g")).containsExactly("weight");
  }

  @Test
  void missingIsTrueForResourcesWithoutAnyValueOfTheParameter() {
    final Patient full = new Patient();
    full.setId("full");
    full.addName().setFamily("Full");
    full.setBirthDateElement(new DateType("1970-01-01"));
    full.setGender(Enumerations.AdministrativeGender.FEMALE);
    full.addGeneralPractitioner(new Reference("Practitioner/x"));
    final Patient bare = new Patient();
    bare.setId("bare");
    bare.setActive(true);
    fixture.block(full, bare, risk("r1", "0.5"), quantity("o1", "1", "1", UCUM, "g", "g"));
    final RiskAssessment noProbability = risk("r2", "0.5");
    noProbability.getPredictionFirstRep().setProbability(null);
    fixture.block(noProbability);

    assertThat(fixture.ids("Patient", "birthdate:missing=true")).containsExactly("bare");
    assertThat(fixture.ids("Patient", "birthdate:missing=false")).containsExactly("full");
    assertThat(fixture.ids("Patient", "family:missing=true")).containsExactly("bare");
    assertThat(fixture.ids("Patient", "gender:missing=true")).containsExactly("bare");
    assertThat(fixture.ids("Patient", "general-practitioner:missing=false")).containsExactly("full");
    assertThat(fixture.ids("Patient", "_profile:missing=true")).containsExactly("bare", "full");
    assertThat(fixture.ids("RiskAssessment", "probability:missing=true")).containsExactly("r2");
    assertThat(fixture.ids("Observation", "value-quantity:missing=false")).containsExactly("o1");
    assertThat(fixture.ids("Observation", "code-value-quantity:missing=false")).containsExactly("o1");
    assertThatThrownBy(() -> fixture.ids("Patient", "birthdate:missing=maybe")).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void tokenTextOfTypeAndReferenceIdentifier() {
    final Patient p = new Patient();
    p.setId("p");
    p.addIdentifier(new Identifier().setSystem("urn:mrn").setValue("12345")
        .setType(new CodeableConcept().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number"))));
    p.addIdentifier(new Identifier().setSystem("urn:ssn").setValue("999")
        .setType(new CodeableConcept().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "SS", null))));
    final Observation o = quantity("o", "2339-0", "5", UCUM, "mmol/L", "mmol/L");
    o.getCode().setText("Glucose [Moles/volume] in Blood").getCodingFirstRep().setDisplay("Glucosé");
    o.setSubject(new Reference().setIdentifier(new Identifier().setSystem("urn:mrn").setValue("12345")));
    fixture.block(p, o);

    assertThat(fixture.ids("Observation", "code:text=glucose")).containsExactly("o");
    assertThat(fixture.ids("Observation", "code:text=GLUCOSE [MOLES")).containsExactly("o");
    assertThat(fixture.ids("Observation", "code:text=blood")).isEmpty();
    assertThat(fixture.ids("Patient", "identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|12345")).containsExactly("p");
    assertThat(fixture.ids("Patient", "identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|SS|12345")).isEmpty();
    assertThat(fixture.ids("Patient", "identifier:text=medical")).containsExactly("p");
    assertThat(fixture.ids("Observation", "subject:identifier=urn:mrn|12345")).containsExactly("o");
    assertThat(fixture.ids("Observation", "subject:identifier=12345")).containsExactly("o");
    assertThat(fixture.ids("Observation", "subject:identifier=urn:other|12345")).isEmpty();
    // a reference by identifier alone is no value of subject itself
    assertThat(fixture.ids("Observation", "subject:missing=true")).containsExactly("o");
    assertThatThrownBy(() -> fixture.ids("Patient", "identifier:of-type=MR|12345")).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void uriAboveAndBelowSourceTagSecurityAndProfile() {
    final ValueSet vs = new ValueSet();
    vs.setId("vs");
    vs.setStatus(Enumerations.PublicationStatus.ACTIVE);
    vs.setUrl("http://acme.org/fhir/ValueSet/123");
    final Patient tagged = new Patient();
    tagged.setId("tagged");
    tagged.getMeta().setSource("urn:fhirledger:node:alpha#req-1");
    tagged.getMeta().addTag("http://example.org/tags", "vip", null);
    tagged.getMeta().addSecurity("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R", null);
    tagged.getMeta().addProfile("http://fhirledger.org/fhir/StructureDefinition/ledger-patient");
    final Patient plain = new Patient();
    plain.setId("plain");
    fixture.block(vs, tagged, plain);

    assertThat(fixture.ids("ValueSet", "url:above=http://acme.org/fhir/ValueSet/123/_history/5")).containsExactly("vs");
    assertThat(fixture.ids("ValueSet", "url:above=http://acme.org/fhir/ValueSet/12")).isEmpty();
    assertThat(fixture.ids("ValueSet", "url:below=http://acme.org/fhir")).containsExactly("vs");
    assertThat(fixture.ids("Patient", "_source=urn:fhirledger:node:alpha#req-1")).containsExactly("tagged");
    assertThat(fixture.ids("Patient", "_source:below=urn:fhirledger:node:alpha")).containsExactly("tagged");
    assertThat(fixture.ids("Patient", "_source:missing=true")).containsExactly("plain");
    assertThat(fixture.ids("Patient", "_tag=http://example.org/tags|vip")).containsExactly("tagged");
    assertThat(fixture.ids("Patient", "_tag:not=vip")).containsExactly("plain");
    assertThat(fixture.ids("Patient", "_security=R")).containsExactly("tagged");
    assertThat(fixture.ids("Patient", "_profile=http://fhirledger.org/fhir/StructureDefinition/ledger-patient")).containsExactly("tagged");
  }

  @Test
  void approximatelyOnDatesWidensTheRangeByATenthOfTheTimeToNow() {
    final Patient old = new Patient();
    old.setId("old");
    old.setBirthDateElement(new DateType("1926-06-01"));
    final Patient young = new Patient();
    young.setId("young");
    young.setBirthDateElement(new DateType("2016-01-10"));
    fixture.block(old, young);
    // ap1930: 1930 is ~96 years before now, so the year widens by ~9.6 years either side
    assertThat(fixture.ids("Patient", "birthdate=ap1930")).containsExactly("old");
    assertThat(fixture.ids("Patient", "birthdate=ap1940")).isEmpty();
    assertThat(fixture.ids("Patient", "birthdate=ap2016-01-01")).containsExactly("young");
    // _lastUpdated takes every prefix: block 1 is stamped 2026-01-01T00:01Z
    assertThat(fixture.ids("Patient", "_lastUpdated=ap2026-01-01T00:01")).containsExactly("old", "young");
    assertThat(fixture.ids("Patient", "_lastUpdated=sa2025-12-31")).containsExactly("old", "young");
    assertThat(fixture.ids("Patient", "_lastUpdated=eb2026-01-01T00:01")).isEmpty();
    assertThat(fixture.ids("Patient", "_lastUpdated=ne2026-01-01T00:01")).isEmpty();
  }

  @Test
  void malformedValuesAreA400() {
    for (final String bad : new String[] {"probability=abc", "probability=xx0.5", "probability=gt", "probability:exact=0.5"}) {
      assertThatThrownBy(() -> fixture.ids("RiskAssessment", bad)).as(bad).isInstanceOf(InvalidRequestException.class);
    }
    for (final String bad : new String[] {"value-quantity=5|" + UCUM, "value-quantity=5|a|b|c", "code-value-quantity=8480-6",
        "code-value-quantity=8480-6$5$6", "code-value-date=1$notadate", "birthdate=ap19x0", "_lastUpdated=zz2020"}) {
      final String type = bad.startsWith("birthdate") ? "Patient" : "Observation";
      assertThatThrownBy(() -> fixture.ids(type, bad)).as(bad).isInstanceOf(InvalidRequestException.class);
    }
  }
}
