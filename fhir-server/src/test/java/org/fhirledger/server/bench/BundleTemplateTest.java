package org.fhirledger.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BundleTemplateTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Path SYNTHEA = Path.of("src/test/resources/synthea");

  @Test
  void loadsBatchesForSetupAndTransactionsAsTemplates() throws Exception {
    final SyntheaBundles b = SyntheaBundles.load(SYNTHEA, MAPPER);
    assertThat(b.batches()).extracting(SyntheaBundles.NamedJson::name).containsExactly("hospital-batch.json", "practitioner-batch.json");
    assertThat(b.transactions()).singleElement().satisfies(t -> assertThat(t.entries()).isEqualTo(60));
  }

  @Test
  void eachCopyHasFreshFullUrlsThatItsReferencesFollow() throws Exception {
    final BundleTemplate t = SyntheaBundles.load(SYNTHEA, MAPPER).transactions().get(0);
    final SplittableRandom random = new SplittableRandom(1);
    final JsonNode a = MAPPER.readTree(t.instantiate(1, random));
    final JsonNode b = MAPPER.readTree(t.instantiate(2, random));
    final Set<String> fullUrlsA = fullUrls(a);
    final Set<String> fullUrlsB = fullUrls(b);
    assertThat(fullUrlsA).hasSize(60);
    assertThat(fullUrlsA).doesNotContain("urn:uuid:f90e14d4-c705-5082-8e64-83cded4e50ee");
    assertThat(fullUrlsA).doesNotContainAnyElementsOf(fullUrlsB);
    // every urn:uuid reference points at an entry of the same copy
    final Matcher m = Pattern.compile("\"reference\":\"(urn:uuid:[^\"]+)\"").matcher(MAPPER.writeValueAsString(a));
    int refs = 0;
    while (m.find()) {
      assertThat(fullUrlsA).contains(m.group(1));
      refs++;
    }
    assertThat(refs).isEqualTo(137);
  }

  @Test
  void keepsConditionalReferencesToProvidersAndMakesIdentifiersUnique() throws Exception {
    final BundleTemplate t = SyntheaBundles.load(SYNTHEA, MAPPER).transactions().get(0);
    final String copy = t.instantiate(7, new SplittableRandom(2));
    assertThat(copy).contains("\"reference\":\"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999988493\"");
    final JsonNode patient = MAPPER.readTree(copy).path("entry").get(0).path("resource");
    assertThat(patient.path("resourceType").asText()).isEqualTo("Patient");
    final String fullUrl = MAPPER.readTree(copy).path("entry").get(0).path("fullUrl").asText();
    final Set<String> values = new HashSet<>();
    patient.path("identifier").forEach(i -> values.add(i.path("value").asText()));
    // Synthea's own identifier is the patient's UUID: it follows the fresh full URL; the others get the copy suffix
    assertThat(values).contains(fullUrl.substring("urn:uuid:".length()));
    assertThat(values).anySatisfy(v -> assertThat(v).endsWith("-b7"));
    assertThat(copy).doesNotContain("\u00a7");
  }

  private static Set<String> fullUrls(final JsonNode bundle) {
    final Set<String> out = new HashSet<>();
    bundle.path("entry").forEach(e -> out.add(e.path("fullUrl").asText()));
    return out;
  }
}
