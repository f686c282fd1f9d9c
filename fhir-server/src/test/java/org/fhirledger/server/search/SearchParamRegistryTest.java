package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.index.CompositeCriterion;
import org.fhirledger.server.index.Criterion;
import org.fhirledger.server.index.IndexedParam;
import org.fhirledger.server.index.SearchQuery;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.Test;

class SearchParamRegistryTest {
  private static final String BIRTH_PLACE = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace";
  private static final String INTERPRETATION = "http://fhirledger.org/fhir/SearchParameter/observation-interpretation";
  private static final String V3_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

  private static List<RuntimeSearchParam> ig() {
    return CustomSearchParams.fromIg(FhirContexts.r4()).stream().map(sp -> CustomSearchParams.toRuntime(FhirContexts.r4(), sp)).toList();
  }

  private static SearchParameter param(final String code, final String base, final Enumerations.SearchParamType type, final String expression) {
    final SearchParameter sp = new SearchParameter();
    sp.setId(code);
    sp.setUrl("http://example.org/SearchParameter/" + code);
    sp.setStatus(Enumerations.PublicationStatus.ACTIVE);
    sp.setCode(code);
    sp.addBase(base);
    sp.setType(type);
    sp.setExpression(expression);
    return sp;
  }

  private static Patient bornIn(final String city) {
    final Patient p = new Patient();
    p.addExtension(BIRTH_PLACE, new Address().setCity(city).setCountry("US"));
    return p;
  }

  @Test
  void theIgSearchParametersAreCustomParametersOfTheirBase() {
    final SearchParamRegistry registry = SearchParamRegistry.of(FhirContexts.r4(), ig(), Set.of());

    assertThat(registry.customOf("Patient")).containsOnlyKeys("birthplace");
    assertThat(registry.customOf("Observation")).containsOnlyKeys("interpretation");
    assertThat(registry.forType("Patient")).extracting(RuntimeSearchParam::getName).contains("name", "birthplace");
    assertThat(registry.isCustom("Patient", "birthplace")).isTrue();
    assertThat(registry.isCustom("Patient", "name")).isFalse();
    assertThat(registry.byUrl("Observation", INTERPRETATION)).isPresent();
    assertThat(SearchParamRegistry.base(FhirContexts.r4()).get("Patient", "birthplace")).isNull();
  }

  @Test
  void anExtractorOfTheRegistryIndexesTheCustomParametersAndTheBaseOnes() {
    final SearchParamExtractor extractor = new SearchParamExtractor(SearchParamRegistry.of(FhirContexts.r4(), ig(), Set.of()));
    final Patient p = bornIn("Boston");
    p.addName().setFamily("Chalmers");
    final Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.addInterpretation(new CodeableConcept().addCoding(new Coding(V3_INTERPRETATION, "H", "High")));

    assertThat(extractor.extract(p)).contains(new IndexedParam.Str("birthplace", "boston", "Boston"), new IndexedParam.Str("birthplace", "us", "US"),
        new IndexedParam.Str("family", "chalmers", "Chalmers"));
    assertThat(extractor.extract(o)).contains(new IndexedParam.Token("interpretation", V3_INTERPRETATION, "H"));
    assertThat(new SearchParamExtractor(FhirContexts.r4()).extract(p)).noneMatch(v -> v.name().equals("birthplace"));
  }

  @Test
  void onlyExtractingOneParameterGivesThatParameterAlone() {
    final SearchParamRegistry registry = SearchParamRegistry.of(FhirContexts.r4(), ig(), Set.of()).onlyExtracting("birthplace");
    final Patient p = bornIn("Boston");
    p.addName().setFamily("Chalmers");

    assertThat(new SearchParamExtractor(registry).extract(p)).extracting(IndexedParam::name).containsOnly("birthplace");
  }

  @Test
  void theParserReadsACustomParameterAsItsType() {
    final SearchParamRegistry registry = SearchParamRegistry.of(FhirContexts.r4(), ig(), Set.of());
    final SearchQuery q = new SearchRequestParser(() -> registry)
        .parse("Patient", IndexedSearchFixture.query("birthplace=bos&_sort=-birthplace"), false, 7).query();

    assertThat(q.criteria()).containsExactly(new Criterion.Str("birthplace", List.of("bos"), Criterion.StringMode.STARTS_WITH));
    assertThat(q.sort()).containsExactly(new SearchQuery.SortKey(SearchQuery.Column.STRING, true, "birthplace"));
    assertThatThrownBy(() -> new SearchRequestParser(FhirContexts.r4()).parse("Patient", IndexedSearchFixture.query("birthplace=bos"), false, 7))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'birthplace' is not supported");
  }

  @Test
  void aParameterStillReindexingIsA400NamingTheReindexWhereverASearchUsesIt() {
    final SearchParamRegistry registry = SearchParamRegistry.of(FhirContexts.r4(), ig(), Set.of(INTERPRETATION));
    final SearchRequestParser parser = new SearchRequestParser(() -> registry);

    for (final String qs : List.of("interpretation=H", "interpretation:missing=true", "_sort=interpretation")) {
      assertThatThrownBy(() -> parser.parse("Observation", IndexedSearchFixture.query(qs), true, 7)).as(qs)
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not searchable yet").hasMessageContaining("reindex");
    }
    assertThatThrownBy(() -> parser.parse("Patient", IndexedSearchFixture.query("_has:Observation:subject:interpretation=H"), false, 7))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not searchable yet");
    // the other custom parameter is done
    assertThat(parser.parse("Patient", IndexedSearchFixture.query("birthplace=x"), false, 7).query().criteria()).hasSize(1);
    assertThat(registry.isReindexing("Observation", "interpretation")).isTrue();
    assertThat(registry.get("Observation", "interpretation")).isNotNull();
  }

  @Test
  void aCustomParameterNeverReplacesABaseOneOfTheSameCode() {
    final RuntimeSearchParam clash = CustomSearchParams.toRuntime(FhirContexts.r4(),
        param("name", "Patient", Enumerations.SearchParamType.STRING, "Patient.extension('" + BIRTH_PLACE + "').value.ofType(Address)"));
    final SearchParamRegistry registry = SearchParamRegistry.of(FhirContexts.r4(), List.of(clash), Set.of());

    assertThat(registry.customOf("Patient")).isEmpty();
    assertThat(registry.get("Patient", "name").getUri()).isEqualTo("http://hl7.org/fhir/SearchParameter/Patient-name");
  }

  @Test
  void aSearchParameterThatIsNotActiveOrNotUsableAddsNoParameterAndSaysWhy() {
    final SearchParameter draft = param("mmn", "Patient", Enumerations.SearchParamType.STRING, "Patient.name");
    draft.setStatus(Enumerations.PublicationStatus.DRAFT);
    final SearchParameter badCode = param("a.b", "Patient", Enumerations.SearchParamType.STRING, "Patient.name");
    final SearchParameter special = param("near2", "Location", Enumerations.SearchParamType.SPECIAL, "Location.position");
    final SearchParameter noBase = param("x", "NotAType", Enumerations.SearchParamType.STRING, "NotAType.x");
    final SearchParameter noExpression = param("y", "Patient", Enumerations.SearchParamType.STRING, null);

    assertThat(CustomSearchParams.rejection(FhirContexts.r4(), draft)).contains("not active");
    assertThat(CustomSearchParams.rejection(FhirContexts.r4(), badCode)).contains("code");
    assertThat(CustomSearchParams.rejection(FhirContexts.r4(), special)).contains("not indexed");
    assertThat(CustomSearchParams.rejection(FhirContexts.r4(), noBase)).contains("base");
    assertThat(CustomSearchParams.rejection(FhirContexts.r4(), noExpression)).contains("expression");
    assertThat(CustomSearchParams.toRuntime(FhirContexts.r4(), draft)).isNull();
  }

  @Test
  void aCustomCompositePairsItsComponentsFromTheSameElement() {
    final SearchParameter composite = param("interpretation-value", "Observation", Enumerations.SearchParamType.COMPOSITE, "Observation");
    composite.addComponent().setDefinition(INTERPRETATION).setExpression("interpretation");
    composite.addComponent().setDefinition("http://hl7.org/fhir/SearchParameter/Observation-value-quantity").setExpression("value.ofType(Quantity)");
    final List<RuntimeSearchParam> custom = new java.util.ArrayList<>(ig());
    custom.add(CustomSearchParams.toRuntime(FhirContexts.r4(), composite));
    final SearchParamRegistry registry = SearchParamRegistry.of(FhirContexts.r4(), custom, Set.of());
    final Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.addInterpretation(new CodeableConcept().addCoding(new Coding(V3_INTERPRETATION, "H", null)));
    o.setValue(new Quantity().setValue(new BigDecimal("7.5")).setSystem("http://unitsofmeasure.org").setCode("mmol/L"));

    final List<IndexedParam> rows = new SearchParamExtractor(registry).extract(o).stream().filter(p -> p.name().equals("interpretation-value")).toList();
    assertThat(rows).singleElement().satisfies(r -> {
      final IndexedParam.Composite c = (IndexedParam.Composite) r;
      assertThat(c.first()).isEqualTo(new IndexedParam.Token("interpretation", V3_INTERPRETATION, "H"));
      assertThat(((IndexedParam.Quantity) c.second()).low()).isEqualByComparingTo("7.5");
    });
    final Criterion parsed = new SearchRequestParser(() -> registry)
        .parse("Observation", Map.of("interpretation-value", new String[] {"H$gt5"}), false, 3).query().criteria().get(0);
    assertThat(parsed).isInstanceOfSatisfying(CompositeCriterion.class, c -> assertThat(c.anyOf()).hasSize(1));
  }
}
