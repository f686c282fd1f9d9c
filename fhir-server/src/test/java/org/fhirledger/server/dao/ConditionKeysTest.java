package org.fhirledger.server.dao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import org.fhirledger.ledger.store.ContentTerms;
import org.fhirledger.server.config.FhirContexts;
import org.junit.jupiter.api.Test;

/** Criteria become the same keys that the extractor gives a resource, so that one key lookup decides a condition. */
class ConditionKeysTest {
  private final FhirTermExtractor extractor = new FhirTermExtractor(FhirContexts.r4().getResourceTypes());

  private ContentTerms terms(final String json) {
    return extractor.extract("Patient", json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void everyTokenFormOfTheCriteriaMatchesAKeyOfTheResource() {
    final ContentTerms withSystem = terms("{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"http://s\",\"value\":\"42\"}]}");
    assertThat(withSystem.keys()).contains(ConditionKeys.parse("Patient", "Patient?identifier=http://s|42").keys().get(0));
    assertThat(withSystem.keys()).contains(ConditionKeys.parse("Patient", "identifier=42").keys().get(0));
    assertThat(withSystem.keys()).doesNotContain(ConditionKeys.parse("Patient", "identifier=|42").keys().get(0));
    final ContentTerms noSystem = terms("{\"resourceType\":\"Patient\",\"identifier\":[{\"value\":\"42\"}]}");
    assertThat(noSystem.keys()).contains(ConditionKeys.parse("Patient", "identifier=|42").keys().get(0));
    assertThat(noSystem.keys()).doesNotContain(ConditionKeys.parse("Patient", "identifier=http://s|42").keys().get(0));
  }

  @Test
  void urlEncodingAndTokenEscapesAreUndone() {
    assertThat(ConditionKeys.parse("Patient", "Patient?identifier=http%3A%2F%2Fs%7C4%5C%7C2").keys())
        .containsExactly("identifier=http://s|4|2");
    assertThat(ConditionKeys.parse("Patient", "identifier=a|1&identifier=b|2").keys()).hasSize(2);
  }

  @Test
  void criteriaTheLedgerCannotDecideAreRefusedWith400() {
    assertThatThrownBy(() -> ConditionKeys.parse("Patient", "name=smith")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("'name' is not supported");
    assertThatThrownBy(() -> ConditionKeys.parse("Patient", "identifier=a|1,b|2")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> ConditionKeys.parse("Patient", "Observation?identifier=1")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> ConditionKeys.parse("Patient", "")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> ConditionKeys.parse("Patient", "identifier=sys|")).isInstanceOf(InvalidRequestException.class);
    assertThat(ConditionKeys.parse("Patient", "_id=abc").id()).isEqualTo("abc");
  }

  @Test
  void relativeReferencesAtAnyDepthAreFoundAndOthersAreNot() {
    final ContentTerms t = extractor.extract("Observation", ("{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"Patient/p1\"},"
        + "\"performer\":[{\"reference\":\"Practitioner/d1/_history/3\"},{\"reference\":\"#contained\"},"
        + "{\"reference\":\"http://other.org/fhir/Patient/x\"},{\"reference\":\"urn:uuid:1\"},{\"reference\":\"NotAType/1\"}],"
        + "\"component\":[{\"valueString\":\"reference\",\"extension\":[{\"valueReference\":{\"reference\":\"Device/dv\"}}]}]}")
        .getBytes(StandardCharsets.UTF_8));
    assertThat(t.references()).containsExactly("Device/dv", "Patient/p1", "Practitioner/d1");
  }

  @Test
  void contentThatIsNotJsonHasNoTerms() {
    assertThat(terms("not json at all")).isEqualTo(ContentTerms.NONE);
    assertThat(terms("{\"identifier\":[{\"value\":")).isEqualTo(ContentTerms.NONE);
  }
}
