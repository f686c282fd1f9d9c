package org.fhirledger.ig;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConformanceResourcesTest {
  private static final String FOLDER = "/fhir-ledger-ig/";
  private static IParser parser;

  @BeforeAll
  static void strictParser() {
    // Strict: an unknown element or a bad code fails the test instead of being dropped with a warning.
    parser = FhirContext.forR4().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
  }

  private static <T extends IBaseResource> T read(final String file, final Class<T> type) throws IOException {
    try (InputStream in = ConformanceResourcesTest.class.getResourceAsStream(FOLDER + file)) {
      assertThat(in).as(file + " on the classpath").isNotNull();
      return parser.parseResource(type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void capabilityStatementDescribesAnR4ServerSpeakingJsonAndXml() throws IOException {
    final CapabilityStatement cs = read("CapabilityStatement-fhir-ledger.json", CapabilityStatement.class);

    assertThat(cs.getIdElement().getIdPart()).isEqualTo("fhir-ledger");
    assertThat(cs.getFhirVersion()).isEqualTo(FHIRVersion._4_0_1);
    assertThat(cs.getKind()).isEqualTo(CapabilityStatementKind.CAPABILITY);
    assertThat(cs.getFormat()).extracting(f -> f.getValue()).contains("application/fhir+json", "application/fhir+xml");
    assertThat(cs.getRest()).singleElement().satisfies(rest -> assertThat(rest.getMode()).isEqualTo(RestfulCapabilityMode.SERVER));
  }

  @Test
  void patientSupportsReadWriteAndTypeSearch() throws IOException {
    final CapabilityStatementRestComponent rest =
        read("CapabilityStatement-fhir-ledger.json", CapabilityStatement.class).getRestFirstRep();
    final CapabilityStatementRestResourceComponent patient =
        rest.getResource().stream().filter(r -> r.getType().equals("Patient")).findFirst().orElseThrow();

    assertThat(patient.getInteraction()).extracting(i -> i.getCode())
        .contains(TypeRestfulInteraction.READ, TypeRestfulInteraction.CREATE, TypeRestfulInteraction.UPDATE,
            TypeRestfulInteraction.DELETE, TypeRestfulInteraction.SEARCHTYPE);
    assertThat(patient.getSearchParam()).extracting(p -> p.getName()).contains("_id", "family");
  }

  @Test
  void ledgerOperationsPointAtTheirOperationDefinitions() throws IOException {
    final CapabilityStatementRestComponent rest =
        read("CapabilityStatement-fhir-ledger.json", CapabilityStatement.class).getRestFirstRep();
    final OperationDefinition status = read("OperationDefinition-ledger-status.json", OperationDefinition.class);
    final OperationDefinition verify = read("OperationDefinition-verify.json", OperationDefinition.class);

    assertThat(rest.getOperation()).extracting(o -> o.getDefinition()).containsExactly(status.getUrl());
    assertThat(status.getCode()).isEqualTo("ledger-status");
    assertThat(status.getSystem()).isTrue();

    final Set<String> resourceLevel = rest.getResource().stream()
        .flatMap(r -> r.getOperation().stream())
        .map(o -> o.getDefinition())
        .collect(Collectors.toSet());
    assertThat(resourceLevel).containsExactly(verify.getUrl());
    assertThat(verify.getCode()).isEqualTo("verify");
    assertThat(verify.getInstance()).isTrue();
    assertThat(verify.getParameter()).extracting(p -> p.getName())
        .contains("contentId", "transaction", "inclusionPath", "blockHeader", "commitCertificate");
  }

  @Test
  void searchParametersAreActiveWithAnExpressionOnTheirBase() throws IOException {
    for (final String file : new String[] {"SearchParameter-patient-birthplace.json", "SearchParameter-observation-interpretation.json"}) {
      final SearchParameter sp = read(file, SearchParameter.class);
      assertThat(sp.getStatus()).as(file).isEqualTo(Enumerations.PublicationStatus.ACTIVE);
      assertThat(sp.getUrl()).as(file).startsWith("http://fhirledger.org/fhir/SearchParameter/").endsWith(sp.getIdElement().getIdPart());
      assertThat(sp.getBase()).as(file).singleElement().satisfies(b -> assertThat(sp.getExpression()).startsWith(b.getValue() + "."));
    }
  }
}
