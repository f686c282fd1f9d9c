package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.fhirledger.server.config.FhirContexts;
import org.junit.jupiter.api.Test;

class ServerBaseReferencesTest {
  private static final String BASE = "http://127.0.0.1:8080/fhir";

  @Test
  void referencesOnThisServerBecomeRelativeAndOthersStayAsWritten() {
    final Map<String, String[]> out = ServerBaseReferences.relativize(FhirContexts.r4(), "Observation", Map.of(
        "subject", new String[] {BASE + "/Patient/1," + "https://other.example/fhir/Patient/2", BASE + "/Group/g"},
        "subject:Patient", new String[] {BASE + "/Patient/3"},
        "code", new String[] {BASE + "/CodeSystem/x|1"},
        "subject:identifier", new String[] {BASE + "/sys|v"}), BASE + "/");
    assertThat(out.get("subject")).containsExactly("Patient/1,https://other.example/fhir/Patient/2", "Group/g");
    assertThat(out.get("subject:Patient")).containsExactly("Patient/3");
    assertThat(out.get("code")).containsExactly(BASE + "/CodeSystem/x|1");
    assertThat(out.get("subject:identifier")).containsExactly(BASE + "/sys|v");
  }
}
