package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.index.IndexedParam;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class SearchParamExtractorTest {
  private static final SearchParamExtractor EXTRACTOR = new SearchParamExtractor(FhirContexts.r4());

  private static List<IndexedParam> named(final List<IndexedParam> params, final String name) {
    return params.stream().filter(p -> p.name().equals(name)).toList();
  }

  @Test
  void patientTokensStringsAndDatesComeFromTheR4SearchParameterPaths() {
    final Patient p = new Patient();
    p.addIdentifier().setSystem("urn:mrn").setValue("12345");
    p.addName().setFamily("Müller").addGiven("Zoë");
    p.setGender(Enumerations.AdministrativeGender.FEMALE);
    p.setBirthDateElement(new DateType("1970-03-04"));
    p.setActive(true);
    p.getMeta().addTag("urn:tags", "vip", null);

    final List<IndexedParam> params = EXTRACTOR.extract(p);

    assertThat(named(params, "identifier")).containsExactly(new IndexedParam.Token("identifier", "urn:mrn", "12345"));
    assertThat(named(params, "gender"))
        .containsExactly(new IndexedParam.Token("gender", "http://hl7.org/fhir/administrative-gender", "female"));
    assertThat(named(params, "active")).containsExactly(new IndexedParam.Token("active", null, "true"));
    assertThat(named(params, "family")).containsExactly(new IndexedParam.Str("family", "muller", "Müller"));
    assertThat(named(params, "name")).contains(new IndexedParam.Str("name", "muller", "Müller"), new IndexedParam.Str("name", "zoe", "Zoë"));
    assertThat(named(params, "birthdate")).containsExactly(
        new IndexedParam.Date("birthdate", Instant.parse("1970-03-04T00:00:00Z"), Instant.parse("1970-03-05T00:00:00Z")));
    // base Resource parameters (Resource.meta.tag) apply to every type
    assertThat(named(params, "_tag")).containsExactly(new IndexedParam.Token("_tag", "urn:tags", "vip"));
    assertThat(named(params, "_id")).isEmpty();
  }

  @Test
  void observationReferencesCodesAndChoiceTypeDatesAreExtracted() {
    final Observation o = new Observation();
    o.setSubject(new Reference("Patient/p1"));
    o.setCode(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding("http://loinc.org", "8867-4", "Heart rate")));
    o.setEffective(new DateTimeType("2024-05-17T10:15:00Z"));
    o.addPerformer(new Reference("https://other.example/fhir/Practitioner/9"));

    final List<IndexedParam> params = EXTRACTOR.extract(o);

    assertThat(named(params, "subject")).containsExactly(new IndexedParam.Ref("subject", "Patient", "p1", null));
    // "patient" is Observation.subject.where(resolve() is Patient): resolve() must know the target's type
    assertThat(named(params, "patient")).containsExactly(new IndexedParam.Ref("patient", "Patient", "p1", null));
    assertThat(named(params, "performer"))
        .containsExactly(new IndexedParam.Ref("performer", null, null, "https://other.example/fhir/Practitioner/9"));
    assertThat(named(params, "code")).containsExactly(new IndexedParam.Token("code", "http://loinc.org", "8867-4"));
    assertThat(named(params, "date")).containsExactly(
        new IndexedParam.Date("date", Instant.parse("2024-05-17T10:15:00Z"), Instant.parse("2024-05-17T10:15:01Z")));
  }

  @Test
  void aPeriodCoversFromItsStartToTheEndOfItsEndAndAnOpenEndIsUnbounded() {
    final Observation o = new Observation();
    o.setEffective(new Period().setStartElement(new DateTimeType("2024-01")).setEndElement(new DateTimeType("2024-02-10")));
    final Observation open = new Observation();
    open.setEffective(new Period().setStartElement(new DateTimeType("2024-01-01")));

    assertThat(named(EXTRACTOR.extract(o), "date")).containsExactly(
        new IndexedParam.Date("date", Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-02-11T00:00:00Z")));
    assertThat(named(EXTRACTOR.extract(open), "date")).containsExactly(
        new IndexedParam.Date("date", Instant.parse("2024-01-01T00:00:00Z"), DateRanges.MAX));
  }

  @Test
  void everyR4TypeCanBeExtractedFromAnEmptyResourceWithoutValues() {
    for (final String type : FhirContexts.r4().getResourceTypes()) {
      final org.hl7.fhir.r4.model.Resource r =
          (org.hl7.fhir.r4.model.Resource) FhirContexts.r4().getResourceDefinition(type).newInstance();
      // Patient.deceased is the expression "deceased.exists() and deceased != false": false when absent
      assertThat(EXTRACTOR.extract(r)).as(type).allMatch(p -> p.equals(new IndexedParam.Token("deceased", null, "false")));
    }
  }

  @Test
  void pathsOfOtherTypesAreDroppedAndBasePathsAreRootedAtTheType() {
    assertThat(SearchParamExtractor.forType("AllergyIntolerance.patient", "Observation")).isNull();
    assertThat(SearchParamExtractor.forType("Resource.meta.tag", "Patient")).isEqualTo("Patient.meta.tag");
    assertThat(SearchParamExtractor.forType("(Observation.value as Quantity)", "Observation")).isEqualTo("Observation.value as Quantity");
  }
}
