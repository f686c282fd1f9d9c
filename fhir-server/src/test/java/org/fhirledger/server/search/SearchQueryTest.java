package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.fhirledger.server.index.IndexedVersion;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * Every supported query form against a real PostgreSQL index, with resources indexed through the real extractor
 * and blocks applied as the node applies them.
 */
class SearchQueryTest extends IndexedSearchTestBase {

  private static Patient patient(final String id, final String family, final String given, final String birth) {
    final Patient p = new Patient();
    p.setId(id);
    p.addName().setFamily(family).addGiven(given);
    p.setBirthDateElement(new DateType(birth));
    p.addIdentifier().setSystem("urn:mrn").setValue("mrn-" + id);
    p.setGender(Enumerations.AdministrativeGender.FEMALE);
    return p;
  }

  private static Observation observation(final String id, final String subject, final String system, final String code, final String when) {
    final Observation o = new Observation();
    o.setId(id);
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setSubject(new Reference(subject));
    o.setCode(new CodeableConcept().addCoding(new Coding(system, code, null)));
    o.setEffective(new DateTimeType(when));
    return o;
  }

  private void threePatients() {
    block(patient("a", "Müller", "Anna", "1970-03-04"), patient("b", "Mueller", "Bob", "1980-12-31"),
        patient("c", "Smith", "Çelik", "1970-11-20"));
  }

  @Test
  void stringSearchIsStartsWithIgnoringCaseAndAccentsByDefault() {
    threePatients();
    assertThat(ids("Patient", "family=mul")).containsExactly("a");
    assertThat(ids("Patient", "family=MU&_sort=_id")).containsExactly("a", "b");
    assertThat(ids("Patient", "name=celik")).containsExactly("c");
    assertThat(ids("Patient", "family=ller")).isEmpty();
  }

  @Test
  void phoneticIsAnsweredFromTheRowsOfName() {
    threePatients();
    block(patient("d", "Chalmers", "Peter", "1974-12-25"));
    assertThat(ids("Patient", "phonetic=mul&_sort=_id")).containsExactly("a");
    assertThat(ids("Patient", "phonetic=pet")).containsExactly("d");
    assertThat(ids("Patient", "phonetic:exact=Peter")).containsExactly("d");
    assertThat(ids("Patient", "phonetic:contains=ELI")).containsExactly("c");
    assertThat(ids("Patient", "phonetic:missing=false&_sort=-phonetic")).hasSize(4).isEqualTo(ids("Patient", "_sort=-name"))
        .isNotEqualTo(ids("Patient", "_sort=-_id"));
    assertThat(ids("Patient", "phonetic:missing=true")).isEmpty();
  }

  @Test
  void comboParametersAreAnsweredFromTheRowsOfTheObservationAndItsComponents() {
    final Observation bp = observation("bp", "Patient/a", "http://loinc.org", "85354-9", "2020-01-01");
    bp.getCode().getCodingFirstRep().setDisplay("Blood pressure panel");
    bp.addComponent().setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", "8480-6", "Systolic blood pressure")))
        .setValue(new org.hl7.fhir.r4.model.Quantity().setValue(120).setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));
    final Observation weight = observation("w", "Patient/a", "http://loinc.org", "29463-7", "2020-01-02");
    weight.setValue(new org.hl7.fhir.r4.model.Quantity().setValue(80).setSystem("http://unitsofmeasure.org").setCode("kg"));
    final Observation note = observation("n", "Patient/a", "http://loinc.org", "11506-3", "2020-01-03");
    final Observation other = observation("x", "Patient/a", "http://loinc.org", "8500-0", "2020-01-04");
    block(bp, weight, note, other);
    assertThat(ids("Observation", "combo-code=http://loinc.org|8480-6")).containsExactly("bp");
    assertThat(ids("Observation", "combo-code=85354-9,29463-7&_sort=_id")).containsExactly("bp", "w");
    assertThat(ids("Observation", "combo-code:text=systolic")).containsExactly("bp");
    assertThat(ids("Observation", "combo-code:text=blood&_sort=_id")).containsExactly("bp");
    assertThat(ids("Observation", "combo-value-quantity=gt100&_sort=_id")).containsExactly("bp");
    assertThat(ids("Observation", "combo-value-quantity=lt100")).containsExactly("w");
    assertThat(ids("Observation", "combo-code-value-quantity=8480-6$gt100")).containsExactly("bp");
    assertThat(ids("Observation", "combo-code-value-quantity=29463-7$80")).containsExactly("w");
    assertThat(ids("Observation", "combo-code-value-quantity=29463-7$120")).isEmpty();
    assertThat(ids("Observation", "combo-value-quantity:missing=true&_sort=_id")).containsExactly("n", "x");
    // mm[Hg] has no canonical form here, so bp sorts after every converted value
    assertThat(ids("Observation", "combo-value-quantity:missing=false&_sort=-combo-value-quantity")).containsExactly("w", "bp");
    // ascending by the lowest code on the Observation or a component: bp's component 8480-6 comes before x's 8500-0
    assertThat(ids("Observation", "combo-code=85354-9,8500-0&_sort=combo-code")).containsExactly("bp", "x");
    assertThat(ids("Observation", "combo-code:not=8480-6&_sort=_id")).containsExactly("n", "w", "x");
  }

  @Test
  void stringExactAndContainsModifiers() {
    threePatients();
    assertThat(ids("Patient", "family:exact=Müller")).containsExactly("a");
    assertThat(ids("Patient", "family:exact=müller")).isEmpty();
    assertThat(ids("Patient", "family:contains=LLER&_sort=_id")).containsExactly("a", "b");
  }

  @Test
  void commaIsOrAndRepeatedParametersAreAnd() {
    threePatients();
    assertThat(ids("Patient", "family=smith,mueller&_sort=_id")).containsExactly("b", "c");
    assertThat(ids("Patient", "name=mu&name=bob")).containsExactly("b");
    assertThat(ids("Patient", "family=smith&birthdate=1980")).isEmpty();
  }

  @Test
  void tokenSearchBySystemAndCodeCodeOnlySystemOnlyAndNoSystem() {
    threePatients();
    block(observation("o1", "Patient/a", "http://loinc.org", "8867-4", "2024-05-17T10:15:00Z"),
        observation("o2", "Patient/b", "http://snomed.info/sct", "8867-4", "2024-05-18T10:15:00Z"),
        observation("o3", "Patient/b", null, "8867-4", "2024-05-19T10:15:00Z"));
    assertThat(ids("Patient", "identifier=urn:mrn|mrn-b")).containsExactly("b");
    assertThat(ids("Patient", "identifier=mrn-c")).containsExactly("c");
    assertThat(ids("Patient", "identifier=urn:other|mrn-c")).isEmpty();
    assertThat(ids("Observation", "code=http://loinc.org|8867-4")).containsExactly("o1");
    assertThat(ids("Observation", "code=8867-4&_sort=_id")).containsExactly("o1", "o2", "o3");
    assertThat(ids("Observation", "code=|8867-4")).containsExactly("o3");
    assertThat(ids("Observation", "code=http://snomed.info/sct|")).containsExactly("o2");
    assertThat(ids("Observation", "code:not=http://loinc.org|8867-4&_sort=_id")).containsExactly("o2", "o3");
    assertThat(ids("Patient", "gender=female&_sort=_id")).containsExactly("a", "b", "c");
    assertThat(ids("Patient", "gender=http://hl7.org/fhir/administrative-gender|male")).isEmpty();
  }

  @Test
  void referenceSearchByTypeAndIdByBareIdAndByTypeModifier() {
    threePatients();
    block(observation("o1", "Patient/a", "http://loinc.org", "1", "2024-05-17"),
        observation("o2", "Group/a", "http://loinc.org", "1", "2024-05-17"),
        observation("o3", "https://other.example/fhir/Patient/a", "http://loinc.org", "1", "2024-05-17"));
    assertThat(ids("Observation", "subject=Patient/a")).containsExactly("o1");
    assertThat(ids("Observation", "subject=a&_sort=_id")).containsExactly("o1", "o2");
    assertThat(ids("Observation", "subject:Group=a")).containsExactly("o2");
    assertThat(ids("Observation", "patient=a")).containsExactly("o1");
    assertThat(ids("Observation", "subject=https://other.example/fhir/Patient/a")).containsExactly("o3");
    assertThat(ids("Observation", "subject=Patient/a/_history/3")).containsExactly("o1");
  }

  @Test
  void datePrefixesCompareRangesAtTheValuesPrecision() {
    threePatients();
    assertThat(ids("Patient", "birthdate=1970&_sort=_id")).containsExactly("a", "c");
    assertThat(ids("Patient", "birthdate=1970-03")).containsExactly("a");
    assertThat(ids("Patient", "birthdate=eq1970-03-04")).containsExactly("a");
    assertThat(ids("Patient", "birthdate=ne1970&_sort=_id")).containsExactly("b");
    assertThat(ids("Patient", "birthdate=gt1970-03-04&_sort=_id")).containsExactly("b", "c");
    assertThat(ids("Patient", "birthdate=ge1970-03-04&_sort=_id")).containsExactly("a", "b", "c");
    assertThat(ids("Patient", "birthdate=lt1970-11-20")).containsExactly("a");
    assertThat(ids("Patient", "birthdate=le1970-11-20&_sort=_id")).containsExactly("a", "c");
    assertThat(ids("Patient", "birthdate=sa1970-06&_sort=_id")).containsExactly("b", "c");
    assertThat(ids("Patient", "birthdate=eb1970-06")).containsExactly("a");
    assertThat(ids("Patient", "birthdate=ge1970-01-01&birthdate=lt1971-01-01&_sort=_id")).containsExactly("a", "c");
    // a dateTime value is a range too: the day of the search contains the whole second of the observation
    block(observation("o1", "Patient/a", "http://loinc.org", "1", "2024-05-17T23:30:00+02:00"));
    assertThat(ids("Observation", "date=2024-05-17")).containsExactly("o1");
    assertThat(ids("Observation", "date=2024-05-17T21:30:00Z")).containsExactly("o1");
    assertThat(ids("Observation", "date=gt2024-05-17T21:30:00Z")).isEmpty();
  }

  @Test
  void idLastUpdatedSortAndUri() {
    block(patient("a", "A", "A", "2000"));
    block(patient("b", "B", "B", "2000"));
    block(patient("c", "C", "C", "2000"));
    final Questionnaire q = new Questionnaire();
    q.setId("q1");
    q.setUrl("http://example.org/Questionnaire/intake");
    q.setStatus(Enumerations.PublicationStatus.ACTIVE);
    block(q);
    assertThat(ids("Patient", "_id=a,c&_sort=_id")).containsExactly("a", "c");
    // block h is stamped T0 + h minutes
    assertThat(ids("Patient", "_lastUpdated=ge2026-01-01T00:02:00Z&_sort=_lastUpdated")).containsExactly("b", "c");
    assertThat(ids("Patient", "_lastUpdated=lt2026-01-01T00:02:00Z")).containsExactly("a");
    assertThat(ids("Patient", "_lastUpdated=2026-01-01T00:02")).containsExactly("b");
    // an unencoded '+' of an offset decodes to a space
    assertThat(ids("Patient", "_lastUpdated=ge2026-01-01T01:02:00+01:00&_sort=_id")).containsExactly("b", "c");
    assertThat(ids("Patient", "_sort=-_lastUpdated")).containsExactly("c", "b", "a");
    assertThat(ids("Patient", "")).containsExactly("c", "b", "a");
    assertThat(ids("Questionnaire", "url=http://example.org/Questionnaire/intake")).containsExactly("q1");
    assertThat(ids("Questionnaire", "url=http://example.org/Questionnaire")).isEmpty();
    assertThat(ids("Questionnaire", "url:below=http://example.org/")).containsExactly("q1");
  }

  @Test
  void aSearchAsOfAnOlderHeightSeesTheVersionsCurrentThen() {
    block(patient("a", "Old", "A", "2000"));
    final long before = index.indexedHeight();
    block(patient("a", "New", "A", "2000"));
    block(patient("b", "Old", "B", "2000"));
    deleteBlock("Patient", "b");

    assertThat(ids("Patient", "family=old")).isEmpty();
    assertThat(ids("Patient", "family=new")).containsExactly("a");
    assertThat(idsAt("Patient", "family=old", before)).containsExactly("a");
    assertThat(idsAt("Patient", "family=new", before)).isEmpty();
    assertThat(idsAt("Patient", "family=old", before + 2)).containsExactly("b");
    assertThat(ids("Patient", "")).containsExactly("a");
  }

  @Test
  void twoVersionsInOneBlockLeaveOnlyTheNewestSearchable() {
    block(patient("a", "First", "A", "2000"), patient("a", "Second", "A", "2000"));
    assertThat(ids("Patient", "family=first")).isEmpty();
    assertThat(ids("Patient", "family=second")).containsExactly("a");
  }

  @Test
  void unsupportedParametersAreA400UnlessHandlingIsLenient() {
    threePatients();
    assertThatThrownBy(() -> ids("Patient", "nonsense=1")).isInstanceOf(InvalidRequestException.class).hasMessageContaining("nonsense");
    assertThatThrownBy(() -> ids("Patient", "gender:in=http://hl7.org/fhir/ValueSet/administrative-gender")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> ids("Observation", "subject.name=x")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> ids("Patient", "birthdate=xx1970")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> ids("Patient", "birthdate=1970-13")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> ids("Patient", "_sort=nonsense")).isInstanceOf(InvalidRequestException.class);
    final SearchRequestParser.ParsedSearch lenient = PARSER.parse("Patient", query("nonsense=1&family=smith"), true, index.indexedHeight());
    assertThat(lenient.ignored()).containsExactly("nonsense");
    assertThat(index.search(lenient.query(), 0, 10)).extracting(IndexedVersion::resourceId).containsExactly("c");
  }

  @Test
  void totalNoneSkipsTheCount() {
    assertThat(PARSER.parse("Patient", query("_total=none"), false, 0).accurateTotal()).isFalse();
    assertThat(PARSER.parse("Patient", query("_total=accurate"), false, 0).accurateTotal()).isTrue();
    assertThatThrownBy(() -> PARSER.parse("Patient", query("_total=maybe"), false, 0)).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void escapedCommasAndBarsAreLiteral() {
    final Patient p = patient("a", "Smith, Jr", "A", "2000");
    p.addIdentifier().setSystem("urn:x").setValue("a|b");
    block(p);
    assertThat(ids("Patient", "family:exact=Smith\\, Jr")).containsExactly("a");
    assertThat(ids("Patient", "identifier=urn:x|a\\|b")).containsExactly("a");
  }
}
