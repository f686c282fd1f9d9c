package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.fhirledger.server.cli.LocalNetwork;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every search example of the R4 search page (https://hl7.org/fhir/R4/search.html) and every search parameter of the
 * R4 pages of Patient, Observation, Encounter and Condition ("Search Parameters" tables), run through HAPI's generic
 * client on a 4-hospital network loaded with {@link SpecExampleData}: each row gives the matches expected on that
 * data set, or the 400 the server answers (with the reason), or why the example does not apply here (reported as
 * skipped with that reason).
 */
class SpecSearchExamplesIT {
  private static final String SEARCH = "search.html";
  private static final String UNSUPPORTED = "400: ";
  @TempDir
  static Path dir;
  private static LocalNetwork network;

  /**
   * One example. {@code matches} in {@code Type/id} form; {@code ordered}: they must come in that order;
   * {@code rejected}: the server must answer 400 (unsupported, with {@code note} saying why); {@code skipped}: it does not
   * apply to this server or data ({@code note} says why).
   */
  record Example(String source, String query, List<String> matches, boolean ordered, boolean rejected, boolean skipped, String note) {
    @Override
    public String toString() {
      return source + ": " + query + (note.isEmpty() ? "" : " (" + note + ")");
    }
  }

  static Example finds(final String source, final String query, final String... matches) {
    return new Example(source, query, List.of(matches), false, false, false, "");
  }

  static Example findsNoting(final String source, final String query, final String note, final String... matches) {
    return new Example(source, query, List.of(matches), false, false, false, note);
  }

  static Example inOrder(final String source, final String query, final String... matches) {
    return new Example(source, query, List.of(matches), true, false, false, "");
  }

  static Example rejected(final String source, final String query, final String reason) {
    return new Example(source, query, List.of(), false, true, false, UNSUPPORTED + reason);
  }

  static Example notApplicable(final String source, final String query, final String reason) {
    return new Example(source, query, List.of(), false, false, true, reason);
  }

  static Stream<Example> examples() {
    return Stream.of(searchPage(), patientPage(), observationPage(), encounterPage(), conditionPage()).flatMap(List::stream);
  }

  /** The examples of https://hl7.org/fhir/R4/search.html, in page order. */
  static List<Example> searchPage() {
    final String otherType = "not one of the four resource types of issue 7; the same feature is covered by ";
    return List.of(
        finds(SEARCH + "#errors", "Observation?subject=101"),
        finds(SEARCH + "#errors", "Observation?patient.identifier=http://example.com/fhir/identifier/mrn|123456"),
        finds(SEARCH + "#errors", "Observation?code=loinc|1234-1"),
        rejected(SEARCH + "#errors", "Condition?onset=le1995", "R4 Condition has no 'onset' parameter (onset-date, onset-age, onset-info)"),
        rejected(SEARCH + "#errors", "Condition?onset:text=1995", "unknown parameter and an illegal modifier"),
        rejected(SEARCH + "#errors", "Condition?onset-date=23 May 2009", "not a FHIR date"),
        finds(SEARCH + "#id", "Patient?_id=23", "Patient/23"),
        finds(SEARCH + "#lastUpdated", "Observation?_lastUpdated=gt2010-10-01&code=http://loinc.org|2823-3", "Observation/k"),
        finds(SEARCH + "#tag", "Condition?_tag=http://acme.org/codes|needs-review", "Condition/c1"),
        notApplicable(SEARCH + "#profile", "DiagnosticReport?_profile=http://hl7.org/fhir/StructureDefinition/lipid",
            otherType + "the corpus's _profile searches (SampleSearchCorpusIT)"),
        notApplicable(SEARCH + "#profile", "DiagnosticReport?_profile=Profile/lipid", otherType
            + "_profile is a uri parameter here (HAPI's definition; R4's page calls it a reference), so a relative Profile/lipid matches only itself"),
        finds(SEARCH + "#modifiers", "Patient?gender:missing=true", "Patient/25"),
        finds(SEARCH + "#modifiers", "Patient?gender:missing=false", "Patient/23", "Patient/24", "Patient/26"),
        notApplicable(SEARCH + "#number", "RiskAssessment?probability=gt0.8", otherType + "the corpus's RiskAssessment probability searches"),
        notApplicable(SEARCH + "#number", "ImmunizationRecommendation?dose-number=2", otherType + "SearchParameterTypesIT (number)"),
        finds(SEARCH + "#date", "Observation?date=eq2013-01-14", "Observation/bp", "Observation/dt"),
        finds(SEARCH + "#date", "Observation?date=ne2013-01-14", "Observation/k", "Observation/panel", "Observation/mg", "Observation/w",
            "Observation/str"),
        finds(SEARCH + "#date", "Observation?date=lt2013-01-14T10:00", "Observation/dt", "Observation/mg", "Observation/w"),
        finds(SEARCH + "#date", "Observation?date=gt2013-01-14T10:00", "Observation/dt", "Observation/k", "Observation/panel", "Observation/str"),
        finds(SEARCH + "#date", "Encounter?date=ge2013-03-14", "Encounter/e2", "Encounter/e4"),
        finds(SEARCH + "#date", "Encounter?date=le2013-03-14", "Encounter/e1", "Encounter/e2", "Encounter/e3"),
        finds(SEARCH + "#date", "Encounter?date=sa2013-03-14", "Encounter/e4"),
        finds(SEARCH + "#date", "Encounter?date=eb2013-03-14", "Encounter/e1", "Encounter/e3"),
        findsNoting(SEARCH + "#date", "Observation?date=ap2013-03-14",
            "ap widens by a tenth of the time to now (about 1.4 years here), so 2012 and 2014 values match too",
            "Observation/bp", "Observation/k", "Observation/panel", "Observation/mg", "Observation/w", "Observation/dt", "Observation/str"),
        notApplicable(SEARCH + "#date", "Patient/23/Procedure?date=ge2010-01-01&date=le2011-12-31",
            "compartment search is not supported (docs/fhir-conformance.md); Patient/$everything covers the compartment"),
        finds(SEARCH + "#string", "Patient?given=eve", "Patient/23", "Patient/26"),
        finds(SEARCH + "#string", "Patient?given:contains=eve", "Patient/23", "Patient/25", "Patient/26"),
        finds(SEARCH + "#string", "Patient?given:exact=Eve", "Patient/23"),
        findsNoting(SEARCH + "#string", "Patient?family=Quinones",
            "deliberate difference: name parts are matched as a whole, not word by word (R4 says servers 'should' match Quinones in"
                + " 'Carreno Quinones')"),
        finds(SEARCH + "#string", "Patient?family=carreno", "Patient/26"),
        notApplicable(SEARCH + "#uri", "ValueSet?url=http://acme.org/fhir/ValueSet/123", otherType + "SearchParameterTypesIT (uri)"),
        notApplicable(SEARCH + "#uri", "ValueSet?url:below=http://acme.org/fhir/", otherType + "the corpus's _profile:below"),
        notApplicable(SEARCH + "#uri", "ValueSet?url:above=http://acme.org/fhir/ValueSet/123/_history/5", otherType + "the corpus's _profile:above"),
        notApplicable(SEARCH + "#uri", "ValueSet?url=urn:oid:1.2.3.4.5", otherType + "ParameterTypesQueryTest (urns match only themselves)"),
        finds(SEARCH + "#token", "Patient?identifier=http://acme.org/patient|2345", "Patient/23"),
        finds(SEARCH + "#token", "Patient?gender=male", "Patient/24"),
        finds(SEARCH + "#token", "Patient?gender:not=male", "Patient/23", "Patient/25", "Patient/26"),
        notApplicable(SEARCH + "#token", "Composition?section=48765-2", otherType + "Observation?code rows"),
        notApplicable(SEARCH + "#token", "Composition?section:not=48765-2", otherType + "Patient?gender:not=male"),
        finds(SEARCH + "#token", "Patient?active=true", "Patient/23"),
        finds(SEARCH + "#token", "Condition?code=http://acme.org/conditions/codes|ha125", "Condition/c1"),
        finds(SEARCH + "#token", "Condition?code=ha125", "Condition/c1"),
        finds(SEARCH + "#token", "Condition?code:text=headache", "Condition/c1"),
        rejected(SEARCH + "#token", "Condition?code:in=http://snomed.info/sct?fhir_vs=isa/126851005", ":in needs a terminology server"),
        rejected(SEARCH + "#token", "Condition?code:below=126851005", ":below on tokens (subsumption) needs a terminology server"),
        rejected(SEARCH + "#token", "Condition?code:in=http://acme.org/fhir/ValueSet/cardiac-conditions", ":in needs a terminology server"),
        rejected(SEARCH + "#token", "Patient?identifier:otype=http://terminology.hl7.org/CodeSystem/v2-0203|MR|446053",
            "the page's ':otype' is its typo for ':of-type' (the modifier table); see the next row"),
        finds(SEARCH + "#token", "Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|446053", "Patient/23"),
        notApplicable(SEARCH + "#mimetype", "DocumentReference?contenttype:below=text/xml", otherType + "nothing: :below on tokens is not supported"),
        finds(SEARCH + "#quantity", "Observation?value-quantity=5.4|http://unitsofmeasure.org|mg", "Observation/mg"),
        finds(SEARCH + "#quantity", "Observation?value-quantity=5.40e-3|http://unitsofmeasure.org|g", "Observation/mg"),
        finds(SEARCH + "#quantity", "Observation?value-quantity=5.4||mg", "Observation/mg"),
        finds(SEARCH + "#quantity", "Observation?value-quantity=5.4", "Observation/mg"),
        finds(SEARCH + "#quantity", "Observation?value-quantity=le5.4|http://unitsofmeasure.org|mg", "Observation/mg"),
        finds(SEARCH + "#quantity", "Observation?value-quantity=ap5.4|http://unitsofmeasure.org|mg", "Observation/mg", "Observation/w"),
        finds(SEARCH + "#reference", "Observation?subject=Patient/23&code=http://loinc.org|2345-7", "Observation/mg", "Observation/w"),
        finds(SEARCH + "#reference", "Observation?subject:Patient=23&code=http://loinc.org|2345-7", "Observation/mg", "Observation/w"),
        finds(SEARCH + "#reference", "Observation?subject=[base]/Patient/23&code=http://loinc.org|2345-7", "Observation/mg", "Observation/w"),
        finds(SEARCH + "#reference", "Observation?subject:identifier=http://acme.org/fhir/identifier/mrn|123456", "Observation/ident"),
        rejected(SEARCH + "#recursive", "Procedure?location:below=42", ":above/:below on references (hierarchies) are not supported"),
        notApplicable(SEARCH + "#chaining", "DiagnosticReport?subject.name=peter", otherType + "the next rows on Observation"),
        rejected(SEARCH + "#chaining", "Observation?subject.name=peter",
            "Observation.subject can point at a Patient or a Location, both of which have a 'name' parameter: the type must be given"),
        finds(SEARCH + "#chaining", "Observation?subject:Patient.name=peter", "Observation/k", "Observation/o1234p"),
        rejected(SEARCH + "#chaining", "Patient?general-practitioner.name=Joe&general-practitioner.address-state=MN",
            "general-practitioner can point at a Practitioner, an Organization or a PractitionerRole, and Practitioner and Organization"
                + " both have name and address-state: the page's own 'Advanced Search Note' says to reject this; the next row names the type"),
        finds(SEARCH + "#chaining", "Patient?general-practitioner:Practitioner.name=Joe&general-practitioner:Practitioner.address-state=MN",
            "Patient/23"),
        finds(SEARCH + "#has", "Patient?_has:Observation:patient:code=1234-5", "Patient/24", "Patient/26"),
        finds(SEARCH + "#has", "Patient?_has:Observation:patient:code=123,456", "Patient/25"),
        finds(SEARCH + "#has", "Patient?_has:Observation:patient:code=123&_has:Observation:patient:code=456", "Patient/25"),
        rejected(SEARCH + "#has", "Patient?_has:Observation:patient:_has:AuditEvent:entity:user=MyUserId",
            "R4 AuditEvent has no 'user' parameter (it is 'agent'); see the next row"),
        finds(SEARCH + "#has", "Patient?_has:Observation:patient:_has:AuditEvent:entity:agent=Practitioner/joe", "Patient/23"),
        finds(SEARCH + "#composite", "Patient?language=FR&language=NL", "Patient/26"),
        finds(SEARCH + "#composite", "Patient?language=FR,NL", "Patient/23", "Patient/24", "Patient/26"),
        finds(SEARCH + "#composite", "Patient?language=FR,NL&language=EN", "Patient/24"),
        notApplicable(SEARCH + "#composite", "DiagnosticReport?result.code-value-quantity=http://loinc.org|2823-3$gt5.4|http://unitsofmeasure.org|mmol/L",
            otherType + "the next row and the corpus's composites"),
        finds(SEARCH + "#composite", "Observation?code-value-quantity=http://loinc.org|2823-3$gt5.4|http://unitsofmeasure.org|mmol/L", "Observation/k"),
        finds(SEARCH + "#composite", "Observation?component-code-value-quantity=http://loinc.org|8480-6$lt60", "Observation/bp"),
        notApplicable(SEARCH + "#composite", "Group?characteristic-value=gender$mixed", otherType + "Observation composites"),
        notApplicable(SEARCH + "#composite", "Questionnaire?context-type-value=focus$http://snomed.info/sct|408934002", otherType
            + "Observation composites"),
        notApplicable(SEARCH + "#missing", "AllergyIntolerance?clinical-status:missing=true", otherType + "the :missing rows on Patient and Condition"),
        finds(SEARCH + "#escaping", "Observation?code=a,b", "Observation/ca", "Observation/cb"),
        finds(SEARCH + "#escaping", "Observation?code=a\\,b", "Observation/cab"),
        rejected(SEARCH + "#text", "Condition?_text=(bone OR liver) and metastases", "_text (narrative full-text search) is not supported"),
        rejected(SEARCH + "#list", "Patient?_list=42", "_list is not supported"),
        rejected(SEARCH + "#filter", "Observation?_filter=code eq http://loinc.org|1234-5 and subject.name co \"peter\"", "_filter is not supported"),
        finds(SEARCH + "#filter", "Observation?code=http://loinc.org|1234-5&subject:Patient.name=peter", "Observation/o1234p"),
        notApplicable(SEARCH + "#_type", "?_type=Observation,Condition", "system-level search is not supported (docs/fhir-conformance.md)"),
        inOrder(SEARCH + "#sort", "Observation?_sort=status,-date,category&subject=Patient/23,Patient/26", "Observation/panel", "Observation/dt",
            "Observation/bp", "Observation/w", "Observation/mg", "Observation/o1234", "Observation/absent"),
        finds(SEARCH + "#include", "Observation?_id=panel&_include=Observation:has-member", "Observation/panel"),
        rejected(SEARCH + "#include", "Observation?_include=Observation:related-target",
            "R4 Observation has no related-target parameter (it was STU3's); has-member is R4's, see the rows around"),
        finds(SEARCH + "#include", "Observation?_id=panel&_include:iterate=Observation:has-member", "Observation/panel"),
        notApplicable(SEARCH + "#include", "MedicationRequest?_revinclude=Provenance:target", otherType + "the corpus's _revinclude searches"),
        finds(SEARCH + "#summary", "Observation?_summary=count&code=http://loinc.org|2345-7", "Observation/mg", "Observation/w"),
        finds(SEARCH + "#elements", "Patient?_elements=identifier,active,link", "Patient/23", "Patient/24", "Patient/25", "Patient/26"));
  }

  /** The "Search Parameters" table of https://hl7.org/fhir/R4/patient.html. */
  static List<Example> patientPage() {
    final String page = "patient.html#search";
    return List.of(
        finds(page, "Patient?address=Minneapolis", "Patient/23"),
        finds(page, "Patient?address-city=minneap", "Patient/23"),
        finds(page, "Patient?address-country=USA", "Patient/23"),
        finds(page, "Patient?address-postalcode=55401", "Patient/23"),
        finds(page, "Patient?address-state=CA", "Patient/24"),
        finds(page, "Patient?address-use=home", "Patient/23"),
        finds(page, "Patient?birthdate=2013-01-14", "Patient/23"),
        finds(page, "Patient?death-date=2015-02-14", "Patient/24"),
        finds(page, "Patient?deceased=true", "Patient/24"),
        finds(page, "Patient?email=eve@example.org", "Patient/23"),
        finds(page, "Patient?family=chalm", "Patient/24"),
        finds(page, "Patient?family=mull", "Patient/25"),
        finds(page, "Patient?general-practitioner=Practitioner/jane", "Patient/23"),
        finds(page, "Patient?identifier=urn:mrn|446053", "Patient/23"),
        finds(page, "Patient?link=Patient/24", "Patient/23"),
        finds(page, "Patient?name=peter", "Patient/24"),
        finds(page, "Patient?organization=Organization/acme", "Patient/23"),
        finds(page, "Patient?phone=555-0199", "Patient/25"),
        findsNoting(page, "Patient?phonetic=peter", "phonetic is matched like name (starts-with), not by sound", "Patient/24"),
        finds(page, "Patient?telecom=eve@example.org", "Patient/23"),
        finds(page, "Patient?language=EN", "Patient/24", "Patient/25"));
  }

  /** The "Search Parameters" table of https://hl7.org/fhir/R4/observation.html. */
  static List<Example> observationPage() {
    final String page = "observation.html#search";
    return List.of(
        finds(page, "Observation?based-on=ServiceRequest/sr1", "Observation/k"),
        finds(page, "Observation?category=laboratory&subject=Patient/24", "Observation/k"),
        finds(page, "Observation?code=http://loinc.org|2823-3", "Observation/k"),
        finds(page, "Observation?code-value-concept=http://loinc.org|72166-2$http://snomed.info/sct|8517006", "Observation/cc"),
        finds(page, "Observation?code-value-date=http://loinc.org|11368-8$2013-01-14", "Observation/dt"),
        finds(page, "Observation?code-value-quantity=http://loinc.org|2345-7$gt5.45", "Observation/w"),
        finds(page, "Observation?code-value-string=http://loinc.org|8251-1$feeling", "Observation/str"),
        finds(page, "Observation?combo-code=http://loinc.org|8480-6", "Observation/bp"),
        finds(page, "Observation?combo-code-value-concept=http://loinc.org|72166-2$8517006,http://loinc.org|72166-2$LA6576-8",
            "Observation/cc", "Observation/absent"),
        finds(page, "Observation?combo-code-value-quantity=http://loinc.org|8462-4$40", "Observation/bp"),
        finds(page, "Observation?combo-data-absent-reason=asked-unknown", "Observation/absent"),
        finds(page, "Observation?combo-value-concept=LA6576-8", "Observation/absent"),
        finds(page, "Observation?combo-value-quantity=55", "Observation/bp"),
        finds(page, "Observation?component-code=http://loinc.org|8462-4", "Observation/bp"),
        finds(page, "Observation?component-code-value-concept=http://loinc.org|72166-2$http://loinc.org|LA6576-8", "Observation/absent"),
        finds(page, "Observation?component-data-absent-reason=asked-unknown", "Observation/absent"),
        finds(page, "Observation?component-value-concept=LA6576-8", "Observation/absent"),
        finds(page, "Observation?component-value-quantity=lt50|http://unitsofmeasure.org|mm[Hg]", "Observation/bp"),
        finds(page, "Observation?data-absent-reason=unknown", "Observation/absent"),
        finds(page, "Observation?derived-from=Observation/bp", "Observation/panel"),
        finds(page, "Observation?device=Device/d1", "Observation/bp"),
        finds(page, "Observation?encounter=Encounter/e1", "Observation/bp"),
        finds(page, "Observation?focus=Patient/23", "Observation/panel"),
        finds(page, "Observation?has-member=Observation/k", "Observation/panel"),
        finds(page, "Observation?identifier=urn:lab|k-1", "Observation/k"),
        finds(page, "Observation?method=272391002", "Observation/k"),
        finds(page, "Observation?part-of=Procedure/pr1", "Observation/k"),
        finds(page, "Observation?patient=24", "Observation/k", "Observation/o1234p"),
        finds(page, "Observation?performer=Practitioner/joe", "Observation/bp"),
        finds(page, "Observation?specimen=Specimen/s1", "Observation/k"),
        finds(page, "Observation?status=preliminary", "Observation/absent"),
        finds(page, "Observation?subject=Patient/26", "Observation/dt", "Observation/absent", "Observation/o1234"),
        finds(page, "Observation?value-concept=http://snomed.info/sct|8517006", "Observation/cc"),
        finds(page, "Observation?value-date=2013-01-14", "Observation/dt"),
        finds(page, "Observation?value-quantity=gt5.8|http://unitsofmeasure.org|mmol/L", "Observation/k"),
        finds(page, "Observation?value-string=feeling", "Observation/str"));
  }

  /** The "Search Parameters" table of https://hl7.org/fhir/R4/encounter.html. */
  static List<Example> encounterPage() {
    final String page = "encounter.html#search";
    return List.of(
        finds(page, "Encounter?account=Account/acc1", "Encounter/e1"),
        finds(page, "Encounter?appointment=Appointment/ap1", "Encounter/e1"),
        finds(page, "Encounter?based-on=ServiceRequest/sr1", "Encounter/e1"),
        finds(page, "Encounter?class=AMB", "Encounter/e1", "Encounter/e4"),
        finds(page, "Encounter?date=2013-01-14", "Encounter/e1"),
        finds(page, "Encounter?diagnosis=Condition/c1", "Encounter/e1"),
        finds(page, "Encounter?episode-of-care=EpisodeOfCare/eoc1", "Encounter/e1"),
        finds(page, "Encounter?identifier=urn:enc|e-1", "Encounter/e1"),
        finds(page, "Encounter?length=gt60|http://unitsofmeasure.org|min", "Encounter/e1"),
        finds(page, "Encounter?location=Location/loc1", "Encounter/e1"),
        finds(page, "Encounter?location-period=2013-01-14", "Encounter/e1"),
        finds(page, "Encounter?part-of=Encounter/e2", "Encounter/e1"),
        finds(page, "Encounter?participant=Practitioner/joe", "Encounter/e1"),
        finds(page, "Encounter?participant-type=PPRF", "Encounter/e1"),
        finds(page, "Encounter?patient=Patient/24", "Encounter/e2", "Encounter/e3"),
        finds(page, "Encounter?practitioner=Practitioner/jane", "Encounter/e2"),
        finds(page, "Encounter?reason-code=http://snomed.info/sct|38341003", "Encounter/e1"),
        finds(page, "Encounter?reason-reference=Condition/c1", "Encounter/e1"),
        finds(page, "Encounter?service-provider=Organization/acme", "Encounter/e1"),
        finds(page, "Encounter?special-arrangement=wheel", "Encounter/e1"),
        finds(page, "Encounter?status=finished", "Encounter/e1", "Encounter/e3"),
        finds(page, "Encounter?subject=Patient/23", "Encounter/e1", "Encounter/e4"),
        finds(page, "Encounter?type=185349003", "Encounter/e1"));
  }

  /** The "Search Parameters" table of https://hl7.org/fhir/R4/condition.html. */
  static List<Example> conditionPage() {
    final String page = "condition.html#search";
    return List.of(
        finds(page, "Condition?abatement-age=gt50|http://unitsofmeasure.org|a", "Condition/c3"),
        finds(page, "Condition?abatement-date=2013-02-01", "Condition/c1"),
        finds(page, "Condition?abatement-string=in", "Condition/c2"),
        finds(page, "Condition?asserter=Practitioner/joe", "Condition/c1"),
        finds(page, "Condition?body-site=38266002", "Condition/c1"),
        finds(page, "Condition?category=problem-list-item", "Condition/c1"),
        finds(page, "Condition?clinical-status=active", "Condition/c1", "Condition/c3"),
        finds(page, "Condition?code=http://snomed.info/sct|126851005", "Condition/c2"),
        finds(page, "Condition?encounter=Encounter/e1", "Condition/c1"),
        finds(page, "Condition?evidence=169068008", "Condition/c1"),
        finds(page, "Condition?evidence-detail=Observation/bp", "Condition/c1"),
        finds(page, "Condition?identifier=urn:cond|c-1", "Condition/c1"),
        finds(page, "Condition?onset-age=52", "Condition/c2"),
        finds(page, "Condition?onset-date=2013-01-10", "Condition/c1"),
        finds(page, "Condition?onset-date=ge2013-01-15", "Condition/c4"),
        finds(page, "Condition?onset-info=child", "Condition/c3"),
        finds(page, "Condition?patient=Patient/24", "Condition/c2"),
        finds(page, "Condition?recorded-date=2013-01-14", "Condition/c1"),
        finds(page, "Condition?severity=24484000", "Condition/c1"),
        finds(page, "Condition?stage=786005", "Condition/c1"),
        finds(page, "Condition?subject=Patient/25", "Condition/c3"),
        finds(page, "Condition?verification-status=provisional", "Condition/c4"));
  }

  @BeforeAll
  static void startNetworkAndLoad() throws Exception {
    network = Hospitals.start(dir, Map.of());
    final Bundle response = Hospitals.client(network, 0).transaction().withBundle(SpecExampleData.transaction()).execute();
    assertThat(response.getEntry()).allMatch(e -> e.getResponse().getStatus().startsWith("2"));
    final long height = network.node(0).node().ledger().store().height();
    await().atMost(Duration.ofSeconds(60)).until(() -> network.nodes().stream().allMatch(n -> n.node().index().indexedHeight() >= height));
  }

  @AfterAll
  static void stopNetwork() {
    if (network != null) {
      network.close();
    }
  }

  private static int row;

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void example(final Example e) {
    Assumptions.assumeFalse(e.skipped(), e.note());
    final int node = row++ % 4;
    final IGenericClient client = Hospitals.client(network, node);
    final String url = SearchCorpusITBase.encoded(e.query().replace("[base]", network.node(node).fhirBaseUrl()));
    if (e.rejected()) {
      assertThatThrownBy(() -> client.search().byUrl(url).returnBundle(Bundle.class).execute()).as(e.toString())
          .isInstanceOf(InvalidRequestException.class);
      return;
    }
    Bundle page = client.search().byUrl(url).returnBundle(Bundle.class).execute();
    if (e.query().contains("_summary=count")) {
      assertThat(page.getTotal()).as(e.toString()).isEqualTo(e.matches().size());
      assertThat(page.getEntry()).isEmpty();
      return;
    }
    final List<String> found = new ArrayList<>();
    while (true) {
      for (final Bundle.BundleEntryComponent entry : page.getEntry()) {
        if (entry.getSearch().getMode() != Bundle.SearchEntryMode.INCLUDE) {
          found.add(entry.getResource().getIdElement().toUnqualifiedVersionless().getValue());
        }
        if (e.query().contains("_elements=") && entry.getResource() instanceof Patient p) {
          assertThat(p.hasName()).as("_elements keeps only what was asked for").isFalse();
        }
      }
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        break;
      }
      page = client.loadPage().next(page).execute();
    }
    if (e.ordered()) {
      assertThat(found).as(e.toString()).containsExactlyElementsOf(e.matches());
    } else {
      assertThat(new TreeSet<>(found)).as(e.toString()).isEqualTo(new TreeSet<>(e.matches()));
    }
    if (e.query().contains("_include")) {
      checkIncludes(client, url, e);
    }
  }

  /** {@code _include} keeps one level; {@code :iterate} follows has-member again from what it included (k, then mg). */
  private static void checkIncludes(final IGenericClient client, final String url, final Example e) {
    final Bundle b = client.search().byUrl(url).returnBundle(Bundle.class).execute();
    final Set<String> included = b.getEntry().stream().filter(x -> x.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE)
        .map(x -> x.getResource().getIdElement().toUnqualifiedVersionless().getValue()).collect(Collectors.toCollection(TreeSet::new));
    assertThat(included).as("includes of " + e).isEqualTo(e.query().contains(":iterate")
        ? Set.of("Observation/k", "Observation/mg") : Set.of("Observation/k"));
  }

  @Test
  void everySearchParameterOfTheFourResourcePagesHasARow() {
    final Set<String> covered = examples().filter(e -> !e.skipped() && !e.rejected()).flatMap(e -> names(e.query()).stream())
        .collect(Collectors.toSet());
    for (final String type : List.of("Patient", "Observation", "Encounter", "Condition")) {
      final List<String> missing = Hospitals.FHIR.getResourceDefinition(type).getSearchParams().stream().map(RuntimeSearchParam::getName)
          .filter(n -> !n.startsWith("_")).filter(n -> !covered.contains(type + "." + n)).sorted().toList();
      assertThat(missing).as("R4 search parameters of " + type + " without an example row").isEmpty();
    }
  }

  /** {@code Type.param} for each parameter of a query (its name before any modifier or chain). */
  private static List<String> names(final String query) {
    final int q = query.indexOf('?');
    final String type = query.substring(0, q);
    return Arrays.stream(query.substring(q + 1).split("&")).map(p -> p.split("[=:.]")[0]).map(n -> type + "." + n).toList();
  }
}
