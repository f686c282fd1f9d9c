package org.fhirledger.server.it.corpus;

import static org.fhirledger.server.it.corpus.CorpusResources.targets;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.fhirledger.server.it.corpus.Values.Qty;
import org.fhirledger.server.it.corpus.Values.Span;
import org.fhirledger.server.it.corpus.Values.Tok;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * The values of the R4 search parameters the corpus uses, read with HAPI's getters along each parameter's R4
 * FHIRPath expression (written out by hand here, e.g. {@code Observation.effective} for Observation {@code date}).
 */
public final class Params {
  private Params() {}

  /** A code paired with a value of the same element, for composite parameters. */
  public record Pair<V>(List<Tok> code, V value) {}

  static List<Span> spans(final Type... types) {
    return Stream.of(types).map(Values::span).flatMap(Optional::stream).toList();
  }

  // Patient

  public static List<String> family(final Patient p) {
    return p.getName().stream().filter(HumanName::hasFamily).map(HumanName::getFamily).toList();
  }

  public static List<String> given(final Patient p) {
    return p.getName().stream().flatMap(n -> Values.strings(n.getGiven()).stream()).toList();
  }

  public static List<String> name(final Patient p) {
    return p.getName().stream().flatMap(n -> Values.parts(n).stream()).toList();
  }

  public static List<String> addressCity(final Patient p) {
    return p.getAddress().stream().filter(a -> a.hasCity()).map(a -> a.getCity()).toList();
  }

  public static List<String> addressState(final Patient p) {
    return p.getAddress().stream().filter(a -> a.hasState()).map(a -> a.getState()).toList();
  }

  public static List<String> address(final Patient p) {
    return p.getAddress().stream().flatMap(a -> Values.parts(a).stream()).toList();
  }

  public static List<Span> birthdate(final Patient p) {
    return spans(p.getBirthDateElement());
  }

  public static List<Span> deathDate(final Patient p) {
    return p.hasDeceasedDateTimeType() ? spans(p.getDeceasedDateTimeType()) : List.of();
  }

  public static List<Tok> gender(final Patient p) {
    return Values.code(p.getGenderElement());
  }

  public static List<Tok> identifier(final Patient p) {
    return Values.identifiers(p.getIdentifier());
  }

  public static List<Tok> phone(final Patient p) {
    return Values.telecom(p.getTelecom(), ContactPoint.ContactPointSystem.PHONE);
  }

  public static List<Tok> language(final Patient p) {
    return p.getCommunication().stream().flatMap(c -> Values.tokens(c.getLanguage()).stream()).toList();
  }

  public static List<String> generalPractitioner(final Patient p) {
    return targets(p.getGeneralPractitioner());
  }

  // Observation

  public static List<Tok> code(final Observation o) {
    return Values.tokens(o.getCode());
  }

  public static List<Tok> category(final Observation o) {
    return Values.tokens(o.getCategory());
  }

  public static List<Tok> status(final Observation o) {
    return Values.code(o.getStatusElement());
  }

  public static List<String> subject(final Observation o) {
    return targets(o.getSubject());
  }

  public static List<String> patient(final Observation o) {
    return onlyType(targets(o.getSubject()), "Patient");
  }

  public static List<String> encounter(final Observation o) {
    return targets(o.getEncounter());
  }

  public static List<Span> date(final Observation o) {
    return spans(o.getEffective());
  }

  public static List<Qty> valueQuantity(final Observation o) {
    return Values.qty(o.getValue()).stream().toList();
  }

  public static List<Tok> valueConcept(final Observation o) {
    return o.getValue() instanceof CodeableConcept cc ? Values.tokens(cc) : List.of();
  }

  public static List<String> valueString(final Observation o) {
    return o.getValue() instanceof StringType s && s.hasValue() ? List.of(s.getValue()) : List.of();
  }

  public static List<Tok> componentCode(final Observation o) {
    return o.getComponent().stream().flatMap(c -> Values.tokens(c.getCode()).stream()).toList();
  }

  public static List<Tok> comboCode(final Observation o) {
    final List<Tok> out = new ArrayList<>(code(o));
    out.addAll(componentCode(o));
    return out;
  }

  public static List<Pair<List<Qty>>> codeValueQuantity(final Observation o) {
    return List.of(new Pair<>(code(o), valueQuantity(o)));
  }

  public static List<Pair<List<Qty>>> componentCodeValueQuantity(final Observation o) {
    return o.getComponent().stream().map(c -> new Pair<>(Values.tokens(c.getCode()), Values.qty(c.getValue()).stream().toList())).toList();
  }

  public static List<Pair<List<Qty>>> comboCodeValueQuantity(final Observation o) {
    final List<Pair<List<Qty>>> out = new ArrayList<>(codeValueQuantity(o));
    out.addAll(componentCodeValueQuantity(o));
    return out;
  }

  public static List<Pair<List<Tok>>> codeValueConcept(final Observation o) {
    return List.of(new Pair<>(code(o), valueConcept(o)));
  }

  // Encounter

  public static List<Tok> encounterClass(final Encounter e) {
    return e.hasClass_() ? List.of(Values.token(e.getClass_())) : List.of();
  }

  public static List<Tok> type(final Encounter e) {
    return Values.tokens(e.getType());
  }

  public static List<Tok> status(final Encounter e) {
    return Values.code(e.getStatusElement());
  }

  public static List<Span> date(final Encounter e) {
    return spans(e.getPeriod());
  }

  public static List<String> subject(final Encounter e) {
    return targets(e.getSubject());
  }

  public static List<String> participant(final Encounter e) {
    return e.getParticipant().stream().flatMap(p -> targets(p.getIndividual()).stream()).toList();
  }

  public static List<String> practitioner(final Encounter e) {
    return onlyType(participant(e), "Practitioner");
  }

  public static List<String> serviceProvider(final Encounter e) {
    return targets(e.getServiceProvider());
  }

  /** The targets of every R4 reference parameter of Encounter (what {@code _include=*} follows). */
  public static List<String> allReferences(final Encounter e) {
    final List<String> out = new ArrayList<>(subject(e));
    out.addAll(participant(e));
    out.addAll(serviceProvider(e));
    e.getLocation().forEach(l -> out.addAll(targets(l.getLocation())));
    e.getDiagnosis().forEach(d -> out.addAll(targets(d.getCondition())));
    out.addAll(targets(e.getReasonReference()));
    out.addAll(targets(e.getPartOf()));
    out.addAll(targets(e.getBasedOn()));
    out.addAll(targets(e.getAccount()));
    out.addAll(targets(e.getAppointment()));
    out.addAll(targets(e.getEpisodeOfCare()));
    return out;
  }

  public static List<Tok> reasonCode(final Encounter e) {
    return Values.tokens(e.getReasonCode());
  }

  // Condition

  public static List<Tok> code(final Condition c) {
    return Values.tokens(c.getCode());
  }

  public static List<Tok> clinicalStatus(final Condition c) {
    return Values.tokens(c.getClinicalStatus());
  }

  public static List<Tok> verificationStatus(final Condition c) {
    return Values.tokens(c.getVerificationStatus());
  }

  public static List<Tok> category(final Condition c) {
    return Values.tokens(c.getCategory());
  }

  public static List<Span> onsetDate(final Condition c) {
    return c.hasOnsetDateTimeType() || c.hasOnsetPeriod() ? spans(c.getOnset()) : List.of();
  }

  public static List<Span> abatementDate(final Condition c) {
    return c.hasAbatementDateTimeType() || c.hasAbatementPeriod() ? spans(c.getAbatement()) : List.of();
  }

  public static List<Span> recordedDate(final Condition c) {
    return spans(c.getRecordedDateElement());
  }

  public static List<String> subject(final Condition c) {
    return targets(c.getSubject());
  }

  public static List<String> encounter(final Condition c) {
    return targets(c.getEncounter());
  }

  // Others

  public static List<Tok> vaccineCode(final Immunization i) {
    return Values.tokens(i.getVaccineCode());
  }

  public static List<Span> date(final Immunization i) {
    return spans(i.getOccurrence());
  }

  public static List<String> patient(final Immunization i) {
    return targets(i.getPatient());
  }

  public static List<Tok> code(final Procedure p) {
    return Values.tokens(p.getCode());
  }

  public static List<Span> date(final Procedure p) {
    return p.hasPerformedDateTimeType() || p.hasPerformedPeriod() ? spans(p.getPerformed()) : List.of();
  }

  public static List<String> subject(final Procedure p) {
    return targets(p.getSubject());
  }

  public static List<Tok> code(final DiagnosticReport d) {
    return Values.tokens(d.getCode());
  }

  public static List<String> result(final DiagnosticReport d) {
    return targets(d.getResult());
  }

  public static List<String> organization(final Location l) {
    return targets(l.getManagingOrganization());
  }

  public static List<Tok> organizationIdentifier(final Location l) {
    return l.getManagingOrganization().hasIdentifier() ? List.of(Values.token(l.getManagingOrganization().getIdentifier())) : List.of();
  }

  public static List<String> name(final Organization o) {
    final List<String> out = new ArrayList<>();
    if (o.hasName()) {
      out.add(o.getName());
    }
    out.addAll(Values.strings(o.getAlias()));
    return out;
  }

  public static List<String> family(final Practitioner p) {
    return p.getName().stream().filter(HumanName::hasFamily).map(HumanName::getFamily).toList();
  }

  public static List<BigDecimal> probability(final RiskAssessment r) {
    return r.getPrediction().stream().filter(p -> p.hasProbabilityDecimalType()).map(p -> p.getProbabilityDecimalType().getValue()).toList();
  }

  public static List<String> subject(final RiskAssessment r) {
    return targets(r.getSubject());
  }

  // Every resource

  public static List<String> profile(final Resource r) {
    return Values.strings(r.getMeta().getProfile());
  }

  public static List<Span> lastUpdated(final Resource r) {
    return spans(r.getMeta().getLastUpdatedElement());
  }

  static List<String> onlyType(final List<String> targets, final String type) {
    return targets.stream().filter(t -> t.startsWith(type + "/")).toList();
  }
}
