package org.fhirledger.server.it;

import java.math.BigDecimal;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.Age;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Specimen;
import org.hl7.fhir.r4.model.StringType;

/**
 * The constructed data set of {@link SpecSearchExamplesIT}: resources with the ids and values the R4 search page's
 * examples name ({@code Patient/23}, Eve, Peter, {@code ha125}, 5.4 mg, a systolic pressure under 60, periods "from
 * 21-Jan 2013 onwards" ...), and one resource for each search parameter of Patient, Observation, Encounter and
 * Condition. One transaction of PUTs (client ids).
 */
final class SpecExampleData {
  static final String LOINC = "http://loinc.org";
  static final String SNOMED = "http://snomed.info/sct";
  static final String UCUM = "http://unitsofmeasure.org";
  static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
  static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

  private SpecExampleData() {}

  static Bundle transaction() {
    final Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    supporting(b);
    patients(b);
    observations(b);
    encounters(b);
    conditions(b);
    return b;
  }

  private static void put(final Bundle b, final Resource r, final String id) {
    r.setId(id);
    b.addEntry().setFullUrl(r.fhirType() + "/" + id).setResource(r).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(r.fhirType() + "/" + id);
  }

  private static Reference ref(final String r) {
    return new Reference(r);
  }

  private static CodeableConcept cc(final String system, final String code, final String display) {
    return new CodeableConcept().addCoding(new Coding(system, code, display));
  }

  private static void supporting(final Bundle b) {
    final Practitioner joe = new Practitioner();
    joe.addName().setFamily("Smith").addGiven("Joe");
    joe.addAddress().setCity("San Diego").setState("CA");
    put(b, joe, "joe");
    final Practitioner jane = new Practitioner();
    jane.addName().setFamily("Doe").addGiven("Jane");
    jane.addAddress().setCity("Saint Paul").setState("MN");
    put(b, jane, "jane");
    final Organization acme = new Organization();
    acme.setName("Acme Hospital");
    put(b, acme, "acme");
    final Device device = new Device();
    device.addIdentifier().setSystem("urn:devices").setValue("d1");
    put(b, device, "d1");
    final Specimen specimen = new Specimen();
    specimen.setSubject(ref("Patient/24"));
    put(b, specimen, "s1");
    final ServiceRequest order = new ServiceRequest();
    order.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE).setIntent(ServiceRequest.ServiceRequestIntent.ORDER).setSubject(ref("Patient/23"));
    put(b, order, "sr1");
    final Procedure procedure = new Procedure();
    procedure.setStatus(Procedure.ProcedureStatus.COMPLETED).setSubject(ref("Patient/24"));
    put(b, procedure, "pr1");
    final Location location = new Location();
    location.setName("Ward 1");
    put(b, location, "loc1");
    final EpisodeOfCare episode = new EpisodeOfCare();
    episode.setStatus(EpisodeOfCare.EpisodeOfCareStatus.ACTIVE).setPatient(ref("Patient/23"));
    put(b, episode, "eoc1");
    final Account account = new Account();
    account.setStatus(Account.AccountStatus.ACTIVE);
    put(b, account, "acc1");
    final Appointment appointment = new Appointment();
    appointment.setStatus(Appointment.AppointmentStatus.BOOKED).addParticipant().setActor(ref("Patient/23"))
        .setStatus(Appointment.ParticipationStatus.ACCEPTED);
    put(b, appointment, "ap1");
    final AuditEvent audit = new AuditEvent();
    audit.setType(new Coding("http://dicom.nema.org/resources/ontology/DCM", "110110", "Patient Record"));
    audit.setRecorded(new java.util.Date(1_400_000_000_000L));
    audit.addAgent().setWho(ref("Practitioner/joe")).setRequestor(true);
    audit.getSource().setObserver(ref("Device/d1"));
    audit.addEntity().setWhat(ref("Observation/bp"));
    put(b, audit, "ae1");
  }

  private static void patients(final Bundle b) {
    final Patient eve = new Patient();
    eve.setActive(true);
    eve.addName().setFamily("Everywoman").addGiven("Eve");
    eve.setGender(AdministrativeGender.FEMALE);
    eve.setBirthDateElement(new DateType("2013-01-14"));
    eve.addIdentifier().setSystem("http://acme.org/patient").setValue("2345");
    eve.addIdentifier(new Identifier().setSystem("urn:mrn").setValue("446053").setType(cc(V2_0203, "MR", "Medical record number")));
    eve.addAddress().setUse(org.hl7.fhir.r4.model.Address.AddressUse.HOME).setCity("Minneapolis").setState("MN").setPostalCode("55401")
        .setCountry("USA");
    eve.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("555-0100");
    eve.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue("eve@example.org");
    eve.addCommunication().setLanguage(cc("urn:ietf:bcp:47", "FR", "French"));
    eve.addGeneralPractitioner(ref("Practitioner/joe")).addGeneralPractitioner(ref("Practitioner/jane"));
    eve.setManagingOrganization(ref("Organization/acme"));
    eve.addLink().setOther(ref("Patient/24")).setType(Patient.LinkType.SEEALSO);
    eve.setDeceased(new org.hl7.fhir.r4.model.BooleanType(false));
    put(b, eve, "23");
    final Patient peter = new Patient();
    peter.setActive(false);
    peter.addName().setFamily("Chalmers").addGiven("Peter");
    peter.setGender(AdministrativeGender.MALE);
    peter.setBirthDateElement(new DateType("1974-12-25"));
    peter.addAddress().setCity("Los Angeles").setState("CA");
    peter.addCommunication().setLanguage(cc("urn:ietf:bcp:47", "NL", "Dutch"));
    peter.addCommunication().setLanguage(cc("urn:ietf:bcp:47", "EN", "English"));
    peter.setDeceased(new DateTimeType("2015-02-14T13:42:00+10:00"));
    peter.addGeneralPractitioner(ref("Practitioner/joe"));
    put(b, peter, "24");
    final Patient severine = new Patient();
    severine.addName().setFamily("Müller").addGiven("Severine");
    severine.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("555-0199");
    severine.addCommunication().setLanguage(cc("urn:ietf:bcp:47", "EN", "English"));
    put(b, severine, "25");
    final Patient evelyn = new Patient();
    evelyn.addName().setFamily("Carreno Quinones").addGiven("Evelyn");
    evelyn.setGender(AdministrativeGender.FEMALE);
    evelyn.setBirthDateElement(new DateType("2013-03-15"));
    evelyn.addCommunication().setLanguage(cc("urn:ietf:bcp:47", "FR", "French"));
    evelyn.addCommunication().setLanguage(cc("urn:ietf:bcp:47", "NL", "Dutch"));
    put(b, evelyn, "26");
  }

  private static Observation observation(final String subject, final String system, final String code) {
    final Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    if (subject != null) {
      o.setSubject(ref(subject));
    }
    o.setCode(cc(system, code, null));
    return o;
  }

  private static Quantity ucum(final String value, final String code) {
    return new Quantity().setValue(new BigDecimal(value)).setSystem(UCUM).setCode(code).setUnit(code);
  }

  private static void observations(final Bundle b) {
    final CodeableConcept vital = cc("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", null);
    final CodeableConcept lab = cc("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", null);
    final Observation bp = observation("Patient/23", LOINC, "85354-9");
    bp.addCategory(vital);
    bp.addComponent().setCode(cc(LOINC, "8480-6", "Systolic")).setValue(ucum("55", "mm[Hg]"));
    bp.addComponent().setCode(cc(LOINC, "8462-4", "Diastolic")).setValue(ucum("40", "mm[Hg]"));
    bp.setEffective(new DateTimeType("2013-01-14T10:00:00Z"));
    bp.setEncounter(ref("Encounter/e1")).addPerformer(ref("Practitioner/joe")).setDevice(ref("Device/d1"));
    put(b, bp, "bp");
    final Observation k = observation("Patient/24", LOINC, "2823-3");
    k.addCategory(lab).setValue(ucum("5.9", "mmol/L")).setEffective(new DateTimeType("2013-03-14"));
    k.addBasedOn(ref("ServiceRequest/sr1")).addIdentifier().setSystem("urn:lab").setValue("k-1");
    k.setMethod(cc(SNOMED, "272391002", "Measurement technique")).addPartOf(ref("Procedure/pr1")).setSpecimen(ref("Specimen/s1"));
    k.addHasMember(ref("Observation/mg"));
    put(b, k, "k");
    final Observation panel = observation("Patient/23", LOINC, "24323-8");
    panel.addCategory(lab).setEffective(new DateTimeType("2013-01-15T00:00:00Z"));
    panel.addHasMember(ref("Observation/k")).addDerivedFrom(ref("Observation/bp")).addFocus(ref("Patient/23"));
    put(b, panel, "panel");
    final Observation mg = observation("Patient/23", LOINC, "2345-7");
    mg.addCategory(lab).setValue(ucum("5.4", "mg")).setEffective(new DateTimeType("2012-06-01T08:00:00Z"));
    put(b, mg, "mg");
    final Observation w = observation("Patient/23", LOINC, "2345-7");
    w.addCategory(lab).setValue(ucum("5.5", "mg")).setEffective(new DateTimeType("2012-07-01T08:00:00Z"));
    put(b, w, "w");
    final Observation str = observation("Patient/25", LOINC, "8251-1");
    str.setValue(new StringType("Feeling Better")).setEffective(new DateTimeType("2014-05-05"));
    put(b, str, "str");
    final Observation smoker = observation("Patient/25", LOINC, "72166-2");
    smoker.addCategory(cc("http://terminology.hl7.org/CodeSystem/observation-category", "social-history", null));
    smoker.setValue(cc(SNOMED, "8517006", "Ex-smoker"));
    put(b, smoker, "cc");
    final Observation onset = observation("Patient/26", LOINC, "11368-8");
    onset.setValue(new DateTimeType("2013-01-14")).setEffective(new DateTimeType("2013-01-14"));
    put(b, onset, "dt");
    final Observation absent = observation("Patient/26", LOINC, "29463-7");
    absent.setStatus(Observation.ObservationStatus.PRELIMINARY);
    absent.setDataAbsentReason(cc("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown", null));
    absent.addComponent().setCode(cc(LOINC, "8867-4", null))
        .setDataAbsentReason(cc("http://terminology.hl7.org/CodeSystem/data-absent-reason", "asked-unknown", null));
    absent.addComponent().setCode(cc(LOINC, "72166-2", null)).setValue(cc(LOINC, "LA6576-8", "Never smoker"));
    put(b, absent, "absent");
    put(b, observation("Patient/26", LOINC, "1234-5"), "o1234");
    put(b, observation("Patient/24", LOINC, "1234-5"), "o1234p");
    put(b, observation("Patient/25", "urn:codes", "123"), "o123");
    put(b, observation("Patient/25", "urn:codes", "456"), "o456");
    put(b, observation("Patient/25", "urn:codes", "a"), "ca");
    put(b, observation("Patient/25", "urn:codes", "b"), "cb");
    put(b, observation("Patient/25", "urn:codes", "a,b"), "cab");
    final Observation byIdentifier = observation(null, "urn:codes", "x-ident");
    byIdentifier.setSubject(new Reference().setIdentifier(new Identifier().setSystem("http://acme.org/fhir/identifier/mrn").setValue("123456")));
    put(b, byIdentifier, "ident");
  }

  private static void encounters(final Bundle b) {
    final Encounter e1 = new Encounter();
    e1.setStatus(Encounter.EncounterStatus.FINISHED).setClass_(new Coding(ACT_CODE, "AMB", "ambulatory"));
    e1.addType(cc(SNOMED, "185349003", "Encounter for check up"));
    e1.setSubject(ref("Patient/23"));
    e1.addParticipant().setIndividual(ref("Practitioner/joe"))
        .addType(cc("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PPRF", "primary performer"));
    e1.setPeriod(new Period().setStartElement(new DateTimeType("2013-01-14T09:00:00Z")).setEndElement(new DateTimeType("2013-01-14T10:30:00Z")));
    e1.setLength((Duration) new Duration().setValue(90).setSystem(UCUM).setCode("min").setUnit("min"));
    e1.addReasonCode(cc(SNOMED, "38341003", "Hypertension")).addReasonReference(ref("Condition/c1"));
    e1.addDiagnosis().setCondition(ref("Condition/c1"));
    e1.setServiceProvider(ref("Organization/acme"));
    e1.addLocation().setLocation(ref("Location/loc1"))
        .setPeriod(new Period().setStartElement(new DateTimeType("2013-01-14T09:00:00Z")).setEndElement(new DateTimeType("2013-01-14T10:30:00Z")));
    e1.getHospitalization().addSpecialArrangement(cc("http://terminology.hl7.org/CodeSystem/encounter-special-arrangements", "wheel", null));
    e1.addAccount(ref("Account/acc1")).addAppointment(ref("Appointment/ap1")).addBasedOn(ref("ServiceRequest/sr1"));
    e1.addEpisodeOfCare(ref("EpisodeOfCare/eoc1")).setPartOf(ref("Encounter/e2"));
    e1.addIdentifier().setSystem("urn:enc").setValue("e-1");
    put(b, e1, "e1");
    final Encounter e2 = new Encounter(); // "from 21-Jan 2013 onwards"
    e2.setStatus(Encounter.EncounterStatus.INPROGRESS).setClass_(new Coding(ACT_CODE, "EMER", "emergency")).setSubject(ref("Patient/24"));
    e2.addParticipant().setIndividual(ref("Practitioner/jane"));
    e2.setPeriod(new Period().setStartElement(new DateTimeType("2013-01-21")));
    put(b, e2, "e2");
    final Encounter e3 = new Encounter(); // "before and including 21-Jan 2013"
    e3.setStatus(Encounter.EncounterStatus.FINISHED).setClass_(new Coding(ACT_CODE, "IMP", "inpatient encounter")).setSubject(ref("Patient/24"));
    e3.setPeriod(new Period().setEndElement(new DateTimeType("2013-01-21")));
    put(b, e3, "e3");
    final Encounter e4 = new Encounter(); // "from 15-Mar 2013 onwards"
    e4.setStatus(Encounter.EncounterStatus.PLANNED).setClass_(new Coding(ACT_CODE, "AMB", "ambulatory")).setSubject(ref("Patient/23"));
    e4.setPeriod(new Period().setStartElement(new DateTimeType("2013-03-15")));
    put(b, e4, "e4");
  }

  private static Age years(final int value) {
    return (Age) new Age().setValue(value).setSystem(UCUM).setCode("a").setUnit("years");
  }

  private static void conditions(final Bundle b) {
    final String clinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    final String verification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    final String category = "http://terminology.hl7.org/CodeSystem/condition-category";
    final Condition c1 = new Condition();
    c1.getMeta().addTag("http://acme.org/codes", "needs-review", null);
    c1.setClinicalStatus(cc(clinical, "active", null)).setVerificationStatus(cc(verification, "confirmed", null));
    c1.addCategory(cc(category, "problem-list-item", null)).setSeverity(cc(SNOMED, "24484000", "Severe"));
    c1.setCode(cc("http://acme.org/conditions/codes", "ha125", "Headache").setText("headache"));
    c1.addBodySite(cc(SNOMED, "38266002", "Entire body as a whole"));
    c1.setSubject(ref("Patient/23")).setEncounter(ref("Encounter/e1"));
    c1.setOnset(new DateTimeType("2013-01-10")).setAbatement(new DateTimeType("2013-02-01"));
    c1.setRecordedDateElement(new DateTimeType("2013-01-14")).setAsserter(ref("Practitioner/joe"));
    c1.addStage().setSummary(cc(SNOMED, "786005", "Clinical stage I B"));
    c1.addEvidence().addCode(cc(SNOMED, "169068008", "CT of head")).addDetail(ref("Observation/bp"));
    c1.addIdentifier().setSystem("urn:cond").setValue("c-1");
    put(b, c1, "c1");
    final Condition c2 = new Condition();
    c2.setClinicalStatus(cc(clinical, "resolved", null)).addCategory(cc(category, "encounter-diagnosis", null));
    c2.setCode(cc(SNOMED, "126851005", "Neoplasm of liver")).setSubject(ref("Patient/24"));
    c2.setOnset(years(52)).setAbatement(new StringType("in remission"));
    put(b, c2, "c2");
    final Condition c3 = new Condition();
    c3.setClinicalStatus(cc(clinical, "active", null)).setCode(cc(SNOMED, "195662009", "Acute viral pharyngitis")).setSubject(ref("Patient/25"));
    c3.setOnset(new StringType("childhood")).setAbatement(years(60));
    put(b, c3, "c3");
    final Condition c4 = new Condition();
    c4.setVerificationStatus(cc(verification, "provisional", null)).setCode(cc(SNOMED, "271737000", "Anemia")).setSubject(ref("Patient/26"));
    c4.setOnset(new Period().setStartElement(new DateTimeType("2013-01-10")).setEndElement(new DateTimeType("2013-01-20")));
    put(b, c4, "c4");
  }
}
