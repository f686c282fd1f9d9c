package org.fhirledger.server.it;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/** Resources whose JSON encoding has every awkward part, for the ITs that compare two encodings byte for byte. */
final class EncodingEdgeCases {
  private EncodingEdgeCases() {}

  /** An Observation with a contained resource, extensions, a decimal with trailing zeros and non-ASCII text. */
  static Observation richObservation() {
    final Observation o = new Observation();
    final Practitioner performer = new Practitioner();
    performer.setId("perf");
    performer.addName().setFamily("Müller-Łukasiewicz").addGiven("Zoë");
    o.addContained(performer);
    o.addPerformer(new Reference("#perf"));
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setCode(new CodeableConcept().setText("Körpertemperatur — 体温 \uD83C\uDF21 \"quoted\" \\ <tag> \u2028"));
    o.getCode().addCoding().setSystem("http://loinc.org").setCode("8310-5").setDisplay("Body temperature");
    o.setValue(new Quantity().setValue(new java.math.BigDecimal("37.250")).setUnit("Cel").setSystem("http://unitsofmeasure.org").setCode("Cel"));
    o.addExtension("http://example.org/fhir/StructureDefinition/device-note", new StringType("ünïcödé & <b>"));
    o.getStatusElement().addExtension("http://example.org/fhir/StructureDefinition/reason", new StringType("checked"));
    o.addNote().setText("line one\nline two\ttabbed");
    return o;
  }
}
