package org.fhirledger.interop.hl7v2;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.datatype.HD;
import ca.uhn.hl7v2.model.v251.datatype.XAD;
import ca.uhn.hl7v2.model.v251.datatype.XPN;
import ca.uhn.hl7v2.model.v251.message.ADT_A01;
import ca.uhn.hl7v2.model.v251.segment.MSH;
import ca.uhn.hl7v2.model.v251.segment.PID;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * Maps an HL7 v2 ADT^A01 (admit) or ADT^A04 (register) message to a FHIR R4 transaction Bundle holding one
 * Patient from the PID segment: identifiers, names, sex, birth date and addresses. The Patient is a
 * conditional create on its first identifier, so replaying the same message does not duplicate it.
 *
 * <p>A pure function: the same message always gives the same Bundle (entry fullUrls are name-based UUIDs of
 * the identifier). Messages declaring other 2.x versions are read with the v2.5.1 structures. Thread-safe.
 */
public final class AdtToFhirMapper {
  public static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
  /** System for identifiers whose assigning authority has only a local namespace id (CX-4.1). */
  public static final String LOCAL_AUTHORITY_PREFIX = "urn:fhirledger:hl7v2:authority:";

  private static final Set<String> EVENTS = Set.of("A01", "A04");

  private final PipeParser parser;

  public AdtToFhirMapper() {
    final HapiContext context = new DefaultHapiContext();
    // Feeds from real hospital systems routinely break v2 conformance rules; map what is there instead.
    context.setValidationContext(ValidationContextFactory.noValidation());
    context.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
    parser = context.getPipeParser();
  }

  /** Maps an ER7 (pipe-delimited) message; segments may end in CR, LF or CRLF. */
  public Bundle map(final String er7) {
    if (er7 == null || er7.isBlank()) {
      throw new Hl7MappingException("empty HL7 v2 message");
    }
    final Message message;
    try {
      message = parser.parse(er7.strip().replace("\r\n", "\r").replace('\n', '\r'));
    } catch (final HL7Exception | RuntimeException e) {
      throw new Hl7MappingException("HL7 v2 message does not parse: " + e.getClass().getSimpleName(), e);
    }
    if (!(message instanceof ADT_A01 adt)) {
      throw new Hl7MappingException("not an ADT^A01/A04 message: structure " + message.getName());
    }
    final MSH msh = adt.getMSH();
    final String code = value(msh.getMessageType().getMessageCode().getValue());
    final String event = value(msh.getMessageType().getTriggerEvent().getValue());
    if (!"ADT".equals(code) || !EVENTS.contains(event)) {
      throw new Hl7MappingException("unsupported message type " + code + "^" + event);
    }
    return transaction(patient(adt.getPID()));
  }

  private static Bundle transaction(final Patient patient) {
    final Bundle bundle = new Bundle().setType(BundleType.TRANSACTION);
    final Bundle.BundleEntryComponent entry = bundle.addEntry().setResource(patient);
    entry.getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    if (patient.hasIdentifier()) {
      final Identifier key = patient.getIdentifierFirstRep();
      final String token = (key.hasSystem() ? key.getSystem() + "|" : "") + key.getValue();
      entry.getRequest().setIfNoneExist("identifier=" + queryEscape(token));
      entry.setFullUrl("urn:uuid:" + UUID.nameUUIDFromBytes(("Patient|" + token).getBytes(StandardCharsets.UTF_8)));
    }
    return bundle;
  }

  private static Patient patient(final PID pid) {
    final Patient patient = new Patient();
    for (final CX cx : pid.getPatientIdentifierList()) {
      final String id = value(cx.getIDNumber().getValue());
      if (id == null) {
        continue;
      }
      final Identifier identifier = patient.addIdentifier().setValue(id).setSystem(system(cx.getAssigningAuthority()));
      final String type = value(cx.getIdentifierTypeCode().getValue());
      if (type != null) {
        identifier.getType().addCoding().setSystem(V2_0203).setCode(type);
      }
    }
    for (final XPN xpn : pid.getPatientName()) {
      name(patient, xpn);
    }
    final AdministrativeGender gender = gender(value(pid.getAdministrativeSex().getValue()));
    if (gender != null) {
      patient.setGender(gender);
    }
    final DateType birthDate = birthDate(value(pid.getDateTimeOfBirth().getTime().getValue()));
    if (birthDate != null) {
      patient.setBirthDateElement(birthDate);
    }
    for (final XAD xad : pid.getPatientAddress()) {
      address(patient, xad);
    }
    return patient;
  }

  /** CX-4: an ISO OID or UUID universal id wins over the local namespace id. */
  private static String system(final HD authority) {
    final String universal = value(authority.getUniversalID().getValue());
    final String type = value(authority.getUniversalIDType().getValue());
    if (universal != null && "ISO".equalsIgnoreCase(type)) {
      return "urn:oid:" + universal;
    }
    if (universal != null && "UUID".equalsIgnoreCase(type)) {
      return "urn:uuid:" + universal.toLowerCase();
    }
    if (universal != null && ("URI".equalsIgnoreCase(type) || "URL".equalsIgnoreCase(type))) {
      return universal;
    }
    final String namespace = value(authority.getNamespaceID().getValue());
    return namespace == null ? null : LOCAL_AUTHORITY_PREFIX + namespace;
  }

  private static void name(final Patient patient, final XPN xpn) {
    final HumanName name = new HumanName();
    final String family = value(xpn.getFamilyName().getSurname().getValue());
    if (family != null) {
      name.setFamily(family);
    }
    addIfPresent(name::addGiven, xpn.getGivenName().getValue());
    addIfPresent(name::addGiven, xpn.getSecondAndFurtherGivenNamesOrInitialsThereof().getValue());
    addIfPresent(name::addPrefix, xpn.getPrefixEgDR().getValue());
    addIfPresent(name::addSuffix, xpn.getSuffixEgJRorIII().getValue());
    if (name.isEmpty()) {
      return;
    }
    // HL7 table 0200 (name type) -> FHIR name-use.
    switch (String.valueOf(value(xpn.getNameTypeCode().getValue()))) {
      case "L" -> name.setUse(HumanName.NameUse.OFFICIAL);
      case "D" -> name.setUse(HumanName.NameUse.USUAL);
      case "M" -> name.setUse(HumanName.NameUse.MAIDEN);
      case "N" -> name.setUse(HumanName.NameUse.NICKNAME);
      case "S" -> name.setUse(HumanName.NameUse.ANONYMOUS);
      default -> { }
    }
    patient.addName(name);
  }

  /** HL7 table 0001 (administrative sex) -> FHIR administrative-gender. */
  private static AdministrativeGender gender(final String sex) {
    if (sex == null) {
      return null;
    }
    return switch (sex.toUpperCase()) {
      case "M" -> AdministrativeGender.MALE;
      case "F" -> AdministrativeGender.FEMALE;
      case "O", "A" -> AdministrativeGender.OTHER;
      case "U", "N" -> AdministrativeGender.UNKNOWN;
      default -> null;
    };
  }

  /** PID-7 is YYYY[MM[DD[HH...]]]; FHIR birthDate keeps the precision given, at most the day. */
  private static DateType birthDate(final String ts) {
    if (ts == null || ts.length() < 4 || !ts.substring(0, Math.min(8, ts.length())).chars().allMatch(Character::isDigit)) {
      return null;
    }
    final String digits = ts.substring(0, ts.length() >= 8 ? 8 : ts.length() >= 6 ? 6 : 4);
    final StringBuilder iso = new StringBuilder(digits.substring(0, 4));
    if (digits.length() >= 6) {
      iso.append('-').append(digits, 4, 6);
    }
    if (digits.length() == 8) {
      iso.append('-').append(digits, 6, 8);
    }
    try {
      return new DateType(iso.toString());
    } catch (final IllegalArgumentException e) {
      return null; // e.g. month 13: drop the birth date rather than the patient
    }
  }

  private static void address(final Patient patient, final XAD xad) {
    final Address address = new Address();
    addIfPresent(address::addLine, xad.getStreetAddress().getStreetOrMailingAddress().getValue());
    addIfPresent(address::addLine, xad.getOtherDesignation().getValue());
    final String city = value(xad.getCity().getValue());
    final String state = value(xad.getStateOrProvince().getValue());
    final String zip = value(xad.getZipOrPostalCode().getValue());
    final String country = value(xad.getCountry().getValue());
    if (city != null) {
      address.setCity(city);
    }
    if (state != null) {
      address.setState(state);
    }
    if (zip != null) {
      address.setPostalCode(zip);
    }
    if (country != null) {
      address.setCountry(country);
    }
    if (address.isEmpty()) {
      return;
    }
    // HL7 table 0190 (address type) -> FHIR address-use / address-type.
    switch (String.valueOf(value(xad.getAddressType().getValue()))) {
      case "H" -> address.setUse(Address.AddressUse.HOME);
      case "B", "O" -> address.setUse(Address.AddressUse.WORK);
      case "C" -> address.setUse(Address.AddressUse.TEMP);
      case "M" -> address.setType(Address.AddressType.POSTAL);
      default -> { }
    }
    patient.addAddress(address);
  }

  private static void addIfPresent(final java.util.function.Consumer<String> add, final String raw) {
    final String v = value(raw);
    if (v != null) {
      add.accept(v);
    }
  }

  /** Trimmed value, or null for empty and for the v2 explicit null {@code ""}. */
  private static String value(final String raw) {
    if (raw == null) {
      return null;
    }
    final String v = raw.strip();
    return v.isEmpty() || "\"\"".equals(v) ? null : v;
  }

  /** Percent-escapes what would break a query string, keeping ':' and '|' readable. */
  private static String queryEscape(final String s) {
    final StringBuilder out = new StringBuilder();
    for (final byte b : s.getBytes(StandardCharsets.UTF_8)) {
      final char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~:|/@".indexOf(c) >= 0)) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}
