package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.fhirledger.server.cli.LocalNetwork;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Number, quantity and composite parameters and the modifiers of every type through HAPI's generic client
 * (its fluent criteria where it has them, URLs where it does not) on a 4-hospital network: resources written at one
 * hospital, searched at the others.
 */
class SearchParameterTypesIT {
  private static final String UCUM = "http://unitsofmeasure.org";
  private static final String LOINC = "http://loinc.org";
  private static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
  @TempDir
  static Path dir;
  private static LocalNetwork network;
  private static String patient;
  private static String bare;
  private static String glucoseMgdl;
  private static String glucoseMmol;
  private static String bloodPressure;
  private static String lowRisk;
  private static String highRisk;
  private static String valueSet;

  @BeforeAll
  static void startNetworkAndWrite() throws Exception {
    network = Hospitals.start(dir, Map.of());
    final Patient p = new Patient();
    p.addIdentifier(new Identifier().setSystem("urn:mrn").setValue("it-77")
        .setType(new CodeableConcept().addCoding(new Coding(V2_0203, "MR", "Medical record number"))));
    p.setBirthDateElement(new DateType("1931-02-03"));
    p.getMeta().addTag("http://example.org/tags", "pt-vip", null);
    p.getMeta().addSecurity("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R", null);
    patient = create(0, p);
    final Patient nothing = new Patient();
    nothing.setActive(true);
    nothing.addIdentifier().setSystem("urn:mrn").setValue("it-78");
    bare = create(0, nothing);
    glucoseMgdl = create(0, glucose(patient, "99", "mg/dL"));
    glucoseMmol = create(0, glucose(patient, "7.2", "mmol/L"));
    bloodPressure = create(0, bloodPressure(patient, 150, 85));
    lowRisk = create(0, risk(patient, "0.12"));
    highRisk = create(0, risk(patient, "0.87"));
    final ValueSet vs = new ValueSet();
    vs.setStatus(Enumerations.PublicationStatus.ACTIVE);
    vs.setUrl("http://acme.org/fhir/ValueSet/it-vs");
    valueSet = create(0, vs);
    final long height = network.node(0).node().ledger().store().height();
    await().atMost(Duration.ofSeconds(30)).until(() -> network.nodes().stream().allMatch(n -> n.node().index().indexedHeight() >= height));
  }

  @AfterAll
  static void stopNetwork() {
    if (network != null) {
      network.close();
    }
  }

  private static IGenericClient client(final int node) {
    return Hospitals.client(network, node);
  }

  private static String create(final int node, final Resource r) {
    return client(node).create().resource(r).execute().getId().toUnqualifiedVersionless().getValue();
  }

  private static Observation glucose(final String subject, final String value, final String unit) {
    final Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setSubject(new Reference(subject));
    o.setCode(new CodeableConcept().addCoding(new Coding(LOINC, "2339-0", "Glucose [Mass/volume] in Blood")));
    o.setValue(new Quantity().setValue(new BigDecimal(value)).setSystem(UCUM).setCode(unit).setUnit(unit));
    return o;
  }

  private static Observation bloodPressure(final String subject, final int systolic, final int diastolic) {
    final Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setSubject(new Reference(subject));
    o.setCode(new CodeableConcept().addCoding(new Coding(LOINC, "85354-9", "Blood pressure panel")));
    o.addComponent().setCode(new CodeableConcept().addCoding(new Coding(LOINC, "8480-6", null)))
        .setValue(new Quantity().setValue(systolic).setSystem(UCUM).setCode("mm[Hg]"));
    o.addComponent().setCode(new CodeableConcept().addCoding(new Coding(LOINC, "8462-4", null)))
        .setValue(new Quantity().setValue(diastolic).setSystem(UCUM).setCode("mm[Hg]"));
    return o;
  }

  private static RiskAssessment risk(final String subject, final String probability) {
    final RiskAssessment r = new RiskAssessment();
    r.setStatus(RiskAssessment.RiskAssessmentStatus.FINAL);
    r.setSubject(new Reference(subject));
    r.addPrediction().setProbability(new DecimalType(probability));
    return r;
  }

  private static List<String> ids(final Bundle b) {
    return b.getEntry().stream().map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue()).toList();
  }

  private static List<String> search(final int node, final String url) {
    return ids(client(node).search().byUrl(url).returnBundle(Bundle.class).execute());
  }

  @Test
  void quantitiesAreComparedInCanonicalUcumUnits() {
    // 99 mg/dL is 0.99 g/L; 7.2 mmol/L is in another dimension
    final Bundle gt = client(1).search().forResource(Observation.class)
        .where(Observation.VALUE_QUANTITY.greaterThan().number("0.5").andUnits(UCUM, "g/L")).returnBundle(Bundle.class).execute();
    assertThat(ids(gt)).containsExactly(glucoseMgdl);
    final Bundle approx = client(2).search().forResource(Observation.class)
        .where(Observation.VALUE_QUANTITY.approximately().number(7000).andUnits(UCUM, "umol/L")).returnBundle(Bundle.class).execute();
    assertThat(ids(approx)).containsExactly(glucoseMmol);
    assertThat(search(3, "Observation?value-quantity=le99||mg/dL")).containsExactly(glucoseMgdl);
    assertThat(search(3, "Observation?value-quantity=lt99||mg/dL")).isEmpty();
  }

  @Test
  void numbersTakeEveryPrefix() {
    final Bundle high = client(1).search().forResource(RiskAssessment.class)
        .where(RiskAssessment.PROBABILITY.greaterThan().number("0.5")).returnBundle(Bundle.class).execute();
    assertThat(ids(high)).containsExactly(highRisk);
    assertThat(search(2, "RiskAssessment?probability=0.12")).containsExactly(lowRisk);
    assertThat(search(2, "RiskAssessment?probability=ap0.9")).containsExactly(highRisk);
    assertThat(search(2, "RiskAssessment?probability=eb0.5")).containsExactly(lowRisk);
    assertThat(search(2, "RiskAssessment?probability=ne0.12")).containsExactly(highRisk);
  }

  @Test
  void compositesMatchCodeAndValueOfOneComponent() {
    final Bundle systolicHigh = client(3).search().forResource(Observation.class)
        .where(Observation.COMPONENT_CODE_VALUE_QUANTITY.withLeft(Observation.COMPONENT_CODE.exactly().systemAndCode(LOINC, "8480-6"))
            .withRight(Observation.COMPONENT_VALUE_QUANTITY.greaterThan().number(140).andUnits(UCUM, "mm[Hg]")))
        .returnBundle(Bundle.class).execute();
    assertThat(ids(systolicHigh)).containsExactly(bloodPressure);
    assertThat(search(3, "Observation?component-code-value-quantity=" + LOINC + "|8462-4$gt140")).isEmpty();
    final Bundle glucose = client(1).search().forResource(Observation.class)
        .where(Observation.CODE_VALUE_QUANTITY.withLeft(Observation.CODE.exactly().code("2339-0"))
            .withRight(Observation.VALUE_QUANTITY.exactly().number("7.2").andUnits(UCUM, "mmol/L")))
        .returnBundle(Bundle.class).execute();
    assertThat(ids(glucose)).containsExactly(glucoseMmol);
  }

  @Test
  void modifiersOfEveryType() {
    final String mrn = "identifier=urn:mrn|it-77,urn:mrn|it-78";
    assertThat(ids(client(1).search().forResource(Patient.class).where(Patient.BIRTHDATE.isMissing(true))
        .and(Patient.IDENTIFIER.exactly().codes("it-77", "it-78")).returnBundle(Bundle.class).execute())).containsExactly(bare);
    assertThat(search(1, "Patient?birthdate:missing=false&" + mrn)).containsExactly(patient);
    assertThat(search(2, "Patient?identifier:of-type=" + V2_0203 + "|MR|it-77")).containsExactly(patient);
    assertThat(search(2, "Patient?identifier:text=medical&" + mrn)).containsExactly(patient);
    assertThat(search(2, "Observation?code:text=glucose%20%5Bmass")).containsExactlyInAnyOrder(glucoseMgdl, glucoseMmol);
    assertThat(search(3, "ValueSet?url:above=http://acme.org/fhir/ValueSet/it-vs/_history/2")).containsExactly(valueSet);
    assertThat(search(3, "ValueSet?url:below=http://acme.org/fhir/")).containsExactly(valueSet);
    assertThat(search(3, "RiskAssessment?subject:Patient=" + patient.substring("Patient/".length()) + "&probability=0.87"))
        .containsExactly(highRisk);
    // an absolute URL on the server searched is the same resource as its relative reference
    assertThat(search(2, "RiskAssessment?subject=" + network.node(2).fhirBaseUrl() + "/" + patient + "&probability=0.12"))
        .containsExactly(lowRisk);
    assertThat(search(2, "RiskAssessment?subject=https://elsewhere.example/fhir/" + patient)).isEmpty();
    assertThat(search(0, "Patient?_tag=http://example.org/tags|pt-vip")).containsExactly(patient);
    assertThat(search(0, "Patient?_security=R&" + mrn)).containsExactly(patient);
    // every resource carries the origin node in meta.source
    assertThat(search(0, "Patient?_source:below=urn:fhirledger:node:&" + mrn)).containsExactlyInAnyOrder(patient, bare);
    assertThat(search(0, "Patient?_source:missing=true&" + mrn)).isEmpty();
  }

  @Test
  void unknownParametersAndMalformedValuesAre400WithAnOperationOutcome() {
    for (final String bad : new String[] {"RiskAssessment?probability=high", "RiskAssessment?probability=xx0.5",
        "Observation?value-quantity=5|" + UCUM, "Observation?code-value-quantity=2339-0", "Patient?birthdate=ap31-02",
        "Patient?birthdate:missing=perhaps", "Patient?identifier:of-type=MR|it-77", "Patient?shoe-size=42"}) {
      assertThatThrownBy(() -> search(1, bad)).as(bad).isInstanceOf(InvalidRequestException.class)
          .satisfies(e -> assertThat(((BaseServerResponseException) e).getOperationOutcome()).isInstanceOf(OperationOutcome.class));
    }
    final Bundle lenient = client(1).search().byUrl("Patient?shoe-size=42&identifier=urn:mrn|it-78")
        .withAdditionalHeader("Prefer", "handling=lenient").returnBundle(Bundle.class).execute();
    assertThat(ids(lenient)).containsExactly(bare);
  }

  @Test
  void theCapabilityStatementListsNumberQuantityCompositeAndSource() {
    final org.hl7.fhir.r4.model.CapabilityStatement cs =
        client(2).capabilities().ofType(org.hl7.fhir.r4.model.CapabilityStatement.class).execute();
    final List<String> observationParams = cs.getRestFirstRep().getResource().stream().filter(r -> "Observation".equals(r.getType()))
        .flatMap(r -> r.getSearchParam().stream()).map(p -> p.getName() + ":" + p.getType().toCode()).toList();
    assertThat(observationParams).contains("value-quantity:quantity", "code-value-quantity:composite", "_source:uri", "code:token")
        .doesNotHaveDuplicates();
  }
}
