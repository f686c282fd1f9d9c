package org.fhirledger.interop.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdtToFhirMapperTest {
  private static final FhirContext FHIR = FhirContext.forR4();
  private static AdtToFhirMapper mapper;

  @BeforeAll
  static void createMapper() {
    mapper = new AdtToFhirMapper();
  }

  private static String resource(final String name) throws IOException {
    try (InputStream in = AdtToFhirMapperTest.class.getResourceAsStream("/hl7v2/" + name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Both sides through the same parser and encoder, without the parts that may legitimately differ. */
  private static String canonical(final Bundle bundle) {
    final Bundle copy = bundle.copy();
    copy.setId((String) null);
    copy.setTimestamp(null);
    copy.setMeta(null);
    final IParser json = FHIR.newJsonParser().setPrettyPrint(true);
    return json.encodeResourceToString(copy);
  }

  @Test
  void admitMessageMapsToTheGoldenTransactionBundle() throws IOException {
    final Bundle expected = FHIR.newJsonParser().parseResource(Bundle.class, resource("adt-a01-patient.expected.json"));
    final Bundle actual = mapper.map(resource("adt-a01-patient.hl7"));

    assertThat(canonical(actual)).isEqualTo(canonical(expected));
  }

  @Test
  void mappingIsAPureFunction() throws IOException {
    final String message = resource("adt-a01-patient.hl7");
    assertThat(canonical(mapper.map(message))).isEqualTo(canonical(new AdtToFhirMapper().map(message)));
  }

  @Test
  void registrationWithCarriageReturnsAndAnOlderVersionIsMappedToo() {
    final String a04 = String.join("\r",
        "MSH|^~\\&|REG|SOUTHGATE|FHIRLEDGER|CONSORTIUM|20260201120000||ADT^A04|MSG-0002|P|2.3",
        "EVN|A04|20260201120000",
        "PID|1||S-99^^^SOUTHGATE^MR||Ashdown^Pim||1971|M",
        "PV1|1|O");
    final Bundle bundle = mapper.map(a04);
    final Patient patient = (Patient) bundle.getEntryFirstRep().getResource();

    assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("Ashdown");
    assertThat(patient.getGender()).isEqualTo(AdministrativeGender.MALE);
    assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1971");
    assertThat(bundle.getEntryFirstRep().getRequest().getIfNoneExist())
        .isEqualTo("identifier=" + AdtToFhirMapper.LOCAL_AUTHORITY_PREFIX + "SOUTHGATE|S-99");
  }

  @Test
  void otherMessagesAreRefused() {
    final String oru = String.join("\r",
        "MSH|^~\\&|LAB|NORTHWARD|FHIRLEDGER|CONSORTIUM|20260115083000||ORU^R01^ORU_R01|MSG-0003|P|2.5.1",
        "PID|1||MRN-4711^^^NORTHWARD^MR||Quillfeather^Orla");
    final String discharge = String.join("\r",
        "MSH|^~\\&|REG|NORTHWARD|FHIRLEDGER|CONSORTIUM|20260115083000||ADT^A03^ADT_A03|MSG-0004|P|2.5.1",
        "EVN|A03|20260115083000",
        "PID|1||MRN-4711^^^NORTHWARD^MR||Quillfeather^Orla");

    assertThatThrownBy(() -> mapper.map(oru)).isInstanceOf(Hl7MappingException.class);
    assertThatThrownBy(() -> mapper.map(discharge)).isInstanceOf(Hl7MappingException.class);
  }

  @Test
  void garbageIsAMappingErrorThatDoesNotQuoteTheInput() {
    for (final String junk : new String[] {"", "   ", "hello|world", "MSH|", "PID|1||secret-id"}) {
      assertThatThrownBy(() -> mapper.map(junk))
          .as(junk)
          .isInstanceOf(Hl7MappingException.class)
          .satisfies(e -> {
            if (junk.contains("secret")) {
              assertThat(e.getMessage()).doesNotContain("secret");
            }
          });
    }
  }
}
