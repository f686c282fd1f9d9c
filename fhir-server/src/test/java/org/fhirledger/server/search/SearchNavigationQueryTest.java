package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.ResourceKey;
import org.fhirledger.server.index.SearchQuery;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * Chains, reverse chains, includes, sorting on parameters, estimated totals and compartments against a real
 * PostgreSQL index, with resources indexed through the real extractor and blocks applied as the node applies them;
 * every query is also checked as of an older height.
 */
class SearchNavigationQueryTest extends IndexedSearchTestBase {
  private static final String LOINC = "http://loinc.org";

  /** What the page's includes add, as type/id. */
  private List<String> included(final String type, final String qs, final long at) {
    final SearchRequestParser.ParsedSearch parsed = PARSER.parse(type, query(qs), false, at);
    final List<IndexedVersion> page = index.search(parsed.query(), 0, 1000);
    return new IncludeResolver(index.referenceIndex()).included(page, parsed.includes(), at).stream()
        .map(v -> v.resourceType() + "/" + v.resourceId()).toList();
  }

  private static Patient patient(final String id, final String family, final String birth, final String org) {
    final Patient p = new Patient();
    p.setId(id);
    p.addName().setFamily(family).addGiven("G" + id);
    p.setBirthDateElement(new DateType(birth));
    if (org != null) {
      p.setManagingOrganization(new Reference(org));
    }
    return p;
  }

  private static Organization organization(final String id, final String name, final String partOf) {
    final Organization o = new Organization();
    o.setId(id);
    o.setName(name);
    if (partOf != null) {
      o.setPartOf(new Reference(partOf));
    }
    return o;
  }

  private static Encounter encounter(final String id, final String subject) {
    final Encounter e = new Encounter();
    e.setId(id);
    e.setStatus(Encounter.EncounterStatus.FINISHED);
    e.setSubject(new Reference(subject));
    return e;
  }

  private static Observation observation(final String id, final String subject, final String encounter, final String code) {
    final Observation o = new Observation();
    o.setId(id);
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setSubject(new Reference(subject));
    if (encounter != null) {
      o.setEncounter(new Reference(encounter));
    }
    o.setCode(new CodeableConcept().addCoding(new Coding(LOINC, code, null)));
    return o;
  }

  /** Two organisations (one part of the other), three patients, two encounters, four observations. */
  private void clinic() {
    block(organization("parent", "Mercy Health", null), organization("child", "Mercy Clinic", "Organization/parent"));
    block(patient("a", "Adams", "1970-01-01", "Organization/child"), patient("b", "Baker", "1980-01-01", "Organization/parent"),
        patient("c", "Adamson", "1990-01-01", null));
    block(encounter("e1", "Patient/a"), encounter("e2", "Patient/b"));
    block(observation("o1", "Patient/a", "Encounter/e1", "8867-4"), observation("o2", "Patient/a", null, "29463-7"),
        observation("o3", "Patient/b", "Encounter/e2", "8867-4"), observation("o4", "Patient/c", null, "8867-4"));
  }

  @Test
  void chainedParametersFollowTheReferenceToAMatchingTarget() {
    clinic();
    assertThat(ids("Observation", "subject:Patient.family=adams&_sort=_id")).containsExactly("o1", "o2", "o4");
    assertThat(ids("Observation", "subject:Patient.family:exact=Adams&_sort=_id")).containsExactly("o1", "o2");
    assertThat(ids("Observation", "patient.family=baker")).containsExactly("o3");
    assertThat(ids("Observation", "patient._id=c")).containsExactly("o4");
    assertThat(ids("Observation", "patient.birthdate=lt1975&code=8867-4")).containsExactly("o1");
    // two levels: the encounter's subject
    assertThat(ids("Observation", "encounter.subject:Patient.family=baker")).containsExactly("o3");
    assertThat(ids("Observation", "encounter.patient.family=adams")).containsExactly("o1");
    // three levels: the patient's organisation's parent
    assertThat(ids("Observation", "patient.organization.partof.name=mercy health&_sort=_id")).containsExactly("o1", "o2");
    // OR inside the chained value
    assertThat(ids("Observation", "patient.family=baker,adamson&_sort=_id")).containsExactly("o3", "o4");
  }

  @Test
  void ambiguousOrImpossibleChainsAreA400() {
    clinic();
    assertThatThrownBy(() -> ids("Observation", "subject.name=adams")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("ambiguous").hasMessageContaining("Location, Patient");
    assertThatThrownBy(() -> ids("Observation", "code.name=x")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("no reference search parameter 'code'");
    assertThatThrownBy(() -> ids("Observation", "subject:Medication.code=x")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> ids("Observation", "patient.nonsense=x")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("nonsense");
  }

  @Test
  void reverseChainingFindsResourcesThatOthersReferTo() {
    clinic();
    assertThat(ids("Patient", "_has:Observation:patient:code=8867-4&_sort=_id")).containsExactly("a", "b", "c");
    assertThat(ids("Patient", "_has:Observation:patient:code=29463-7")).containsExactly("a");
    assertThat(ids("Patient", "_has:Encounter:subject:_id=e2")).containsExactly("b");
    // nested: patients with an observation made in an encounter of patient b
    assertThat(ids("Patient", "_has:Observation:patient:encounter.patient._id=b")).containsExactly("b");
    assertThat(ids("Organization", "_has:Patient:organization:_has:Observation:patient:code=29463-7")).containsExactly("child");
    assertThat(ids("Patient", "_has:Observation:patient:code=8867-4&family=adams&_sort=_id")).containsExactly("a", "c");
    assertThatThrownBy(() -> ids("Patient", "_has:Observation:code:code=1")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> ids("Patient", "_has:Observation:patient=1")).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void chainsAndHasReadTheTargetsAsOfTheSearchHeight() {
    clinic();
    final long before = index.indexedHeight();
    block(patient("b", "Brown", "1980-01-01", null));
    deleteBlock("Observation", "o2");

    assertThat(ids("Observation", "patient.family=baker")).isEmpty();
    assertThat(ids("Observation", "patient.family=brown")).containsExactly("o3");
    assertThat(idsAt("Observation", "patient.family=baker", before)).containsExactly("o3");
    assertThat(ids("Patient", "_has:Observation:patient:code=29463-7")).isEmpty();
    assertThat(idsAt("Patient", "_has:Observation:patient:code=29463-7", before)).containsExactly("a");
    // a target that is deleted no longer matches a chain
    deleteBlock("Patient", "c");
    assertThat(ids("Observation", "patient._id=c")).isEmpty();
    assertThat(ids("Observation", "patient.family=adamson")).isEmpty();
  }

  @Test
  void sortOnStringTokenDateAndReferenceParametersWithTiesById() {
    clinic();
    assertThat(ids("Patient", "_sort=family")).containsExactly("a", "c", "b");
    assertThat(ids("Patient", "_sort=-family")).containsExactly("b", "c", "a");
    assertThat(ids("Patient", "_sort=-birthdate")).containsExactly("c", "b", "a");
    assertThat(ids("Observation", "_sort=code,-_id")).containsExactly("o2", "o4", "o3", "o1");
    assertThat(ids("Observation", "_sort=-code,subject")).containsExactly("o1", "o3", "o4", "o2");
    // a resource without a value sorts last either way
    assertThat(ids("Patient", "_sort=organization")).containsExactly("a", "b", "c");
    assertThat(ids("Patient", "_sort=-organization")).containsExactly("b", "a", "c");
    assertThatThrownBy(() -> ids("Patient", "_sort=nonsense")).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void sortValuesAreThoseOfTheSearchHeight() {
    clinic();
    final long before = index.indexedHeight();
    block(patient("a", "Zed", "1970-01-01", null));
    assertThat(ids("Patient", "_sort=family")).containsExactly("c", "b", "a");
    assertThat(idsAt("Patient", "_sort=family", before)).containsExactly("a", "c", "b");
  }

  @Test
  void includeFollowsReferencesOfThePageAndRevincludeFindsReferrersWithoutDuplicates() {
    clinic();
    final long h = index.indexedHeight();
    assertThat(included("Observation", "code=8867-4&_include=Observation:patient", h)).containsExactly("Patient/a", "Patient/b", "Patient/c");
    assertThat(included("Observation", "_id=o1,o2&_include=Observation:subject:Patient&_include=Observation:encounter", h))
        .containsExactly("Encounter/e1", "Patient/a");
    assertThat(included("Observation", "_id=o1&_include=*", h)).containsExactly("Encounter/e1", "Patient/a");
    assertThat(included("Patient", "_id=a&_revinclude=Observation:patient", h)).containsExactly("Observation/o1", "Observation/o2");
    assertThat(included("Patient", "_id=a,b&_include=Patient:link&_revinclude=Encounter:subject", h))
        .containsExactly("Encounter/e1", "Encounter/e2");
    // a resource reached twice is included once, and a match is never included again
    assertThat(included("Patient", "_id=a,b&_include=Patient:organization&_include:iterate=Organization:partof", h))
        .containsExactly("Organization/child", "Organization/parent");
    assertThat(included("Organization", "_id=child,parent&_include=Organization:partof", h)).isEmpty();
    // :iterate follows what was included: observation -> patient -> organisation -> parent organisation
    assertThat(included("Observation", "_id=o1&_include=Observation:patient&_include:iterate=Patient:organization"
        + "&_include:iterate=Organization:partof", h)).containsExactly("Patient/a", "Organization/child", "Organization/parent");
  }

  @Test
  void includesAreReadAsOfTheSearchHeight() {
    clinic();
    final long before = index.indexedHeight();
    block(observation("o5", "Patient/a", null, "1-1"));
    deleteBlock("Patient", "b");
    final long h = index.indexedHeight();
    assertThat(included("Patient", "_id=a&_revinclude=Observation:patient", before)).containsExactly("Observation/o1", "Observation/o2");
    assertThat(included("Patient", "_id=a&_revinclude=Observation:patient", h)).containsExactly("Observation/o1", "Observation/o2",
        "Observation/o5");
    assertThat(included("Observation", "_id=o3&_include=Observation:patient", before)).containsExactly("Patient/b");
    assertThat(included("Observation", "_id=o3&_include=Observation:patient", h)).isEmpty();
  }

  @Test
  void badIncludesAreA400() {
    assertThatThrownBy(() -> PARSER.parse("Observation", query("_include=Patient:organization"), false, 0))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining(":iterate");
    assertThatThrownBy(() -> PARSER.parse("Observation", query("_include=Observation:code"), false, 0))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> PARSER.parse("Observation", query("_include=Observation"), false, 0))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> PARSER.parse("Patient", query("_revinclude=*"), false, 0)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> PARSER.parse("Patient", query("_include:deep=Patient:organization"), false, 0))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void estimatedTotalIsExactUpToTheCapAndThePlannersGuessAbove() {
    clinic();
    final SearchQuery all = PARSER.parse("Observation", query(""), false, index.indexedHeight()).query();
    assertThat(index.estimateCount(all, 10)).isEqualTo(4);
    assertThat(index.estimateCount(all, 2)).isGreaterThanOrEqualTo(3);
    assertThat(PARSER.parse("Observation", query("_total=estimate"), false, 0).total()).isEqualTo(SearchRequestParser.TotalMode.ESTIMATE);
    assertThat(PARSER.parse("Observation", query("_summary=count&_total=none"), false, 0).accurateTotal()).isTrue();
  }

  @Test
  void thePatientCompartmentHoldsThePatientAndWhatRefersToItThroughItsCompartmentParameters() {
    clinic();
    final long before = index.indexedHeight();
    block(observation("o6", "Patient/a", null, "1-1"));
    final var refs = index.referenceIndex();
    final var membership = PatientCompartment.membership(FhirContexts.r4());
    final List<String> all = refs.compartment(new ResourceKey("Patient", "a"), membership, index.indexedHeight(), 0, 100).stream()
        .map(v -> v.resourceType() + "/" + v.resourceId()).toList();
    assertThat(all).containsExactly("Patient/a", "Encounter/e1", "Observation/o1", "Observation/o2", "Observation/o6");
    assertThat(refs.compartmentSize(new ResourceKey("Patient", "a"), membership, index.indexedHeight())).isEqualTo(5);
    assertThat(refs.compartment(new ResourceKey("Patient", "a"), membership, before, 1, 2).stream().map(IndexedVersion::resourceId))
        .containsExactly("e1", "o1");
    // the organisation a patient names is not in the patient's compartment
    assertThat(all).doesNotContain("Organization/child");
  }

  @Test
  void aChainedSortedSearchAndAPageWithItsIncludesCostOneStatementEach() {
    clinic();
    final long h = index.indexedHeight();
    final long start = index.statementsExecuted();
    idsAt("Observation", "encounter.subject:Patient.family=baker&_sort=-code", h);
    assertThat(index.statementsExecuted() - start).as("page + count").isEqualTo(2);
    final long beforeInclude = index.statementsExecuted();
    included("Observation", "code=8867-4&_include=Observation:patient&_include=Observation:encounter&_revinclude=Provenance:target", h);
    assertThat(index.statementsExecuted() - beforeInclude).as("page + one include statement").isEqualTo(2);
  }
}
