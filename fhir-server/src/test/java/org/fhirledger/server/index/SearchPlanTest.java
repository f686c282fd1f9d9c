package org.fhirledger.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.search.SearchParamExtractor;
import org.fhirledger.server.search.SearchRequestParser;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query plans of the number, quantity, composite and modifier predicates on a few thousand indexed resources
 * (seeded), after ANALYZE: each parameter's sub-select must read its table through an index, never scan it. The
 * plans are written to {@code target/search-plans.txt} (quoted in docs/fhir-conformance.md).
 */
class SearchPlanTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String UCUM = "http://unitsofmeasure.org";
  private static final int PER_TYPE = 3000;
  private static final int PER_BLOCK = 500;

  @TempDir static Path pgDir;
  private static EmbeddedPostgresServer server;
  private static SearchIndex index;
  private static DataSource dataSource;
  private static final SearchRequestParser PARSER = new SearchRequestParser(FhirContexts.r4());
  private static final StringBuilder PLANS = new StringBuilder();

  @BeforeAll
  static void loadSeededResources() throws SQLException {
    server = EmbeddedPostgresServer.start(pgDir.resolve("pg"));
    dataSource = server.dataSourceFor("plans");
    index = new SearchIndex(dataSource);
    index.migrate();
    final SearchParamExtractor extractor = new SearchParamExtractor(FhirContexts.r4());
    final Random random = new Random(7);
    final List<Resource> all = new ArrayList<>();
    for (int i = 0; i < PER_TYPE; i++) {
      all.add(observation(i, random));
      all.add(risk(i, random));
      all.add(patient(i));
    }
    long height = 0;
    for (int from = 0; from < all.size(); from += PER_BLOCK) {
      height++;
      final Map<IndexedVersion, Resource> content = new LinkedHashMap<>();
      for (final Resource r : all.subList(from, Math.min(all.size(), from + PER_BLOCK))) {
        content.put(new IndexedVersion(r.fhirType(), r.getIdElement().getIdPart(), 1, false, T0.plusSeconds(height), "bafy" + r.getId(),
            height, "ab".repeat(32), "cd".repeat(32)), r);
      }
      index.applyBlock(height, String.format("%064x", height), new ArrayList<>(content.keySet()), v -> extractor.extract(content.get(v)));
    }
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("ANALYZE");
    }
  }

  @AfterAll
  static void writePlansAndStop() throws IOException {
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "search-plans.txt"), PLANS);
    server.close();
  }

  private static Observation observation(final int i, final Random random) {
    final Observation o = new Observation();
    o.setId("o" + i);
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setSubject(new Reference("Patient/p" + i));
    o.setEffective(new org.hl7.fhir.r4.model.DateTimeType("2024-01-01T00:00:00Z"));
    final String code = "code-" + (i % 200);
    o.setCode(new CodeableConcept().setText("Measure " + code).addCoding(new Coding("http://loinc.org", code, null)));
    final String unit = i % 2 == 0 ? "mg/dL" : "mmol/L";
    o.setValue(new Quantity().setValue(BigDecimal.valueOf(random.nextInt(100_000), 2)).setSystem(UCUM).setCode(unit));
    o.addComponent().setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", "comp-" + (i % 300), null)))
        .setValue(new Quantity().setValue(random.nextInt(200)).setSystem(UCUM).setCode("mm[Hg]"));
    return o;
  }

  private static RiskAssessment risk(final int i, final Random random) {
    final RiskAssessment r = new RiskAssessment();
    r.setId("r" + i);
    r.setStatus(RiskAssessment.RiskAssessmentStatus.FINAL);
    r.setSubject(new Reference("Patient/p" + i));
    r.addPrediction().setProbability(new DecimalType(BigDecimal.valueOf(random.nextInt(100_000), 5)));
    return r;
  }

  private static Patient patient(final int i) {
    final Patient p = new Patient();
    p.setId("p" + i);
    p.addIdentifier(new Identifier().setSystem("urn:mrn").setValue("m" + i)
        .setType(new CodeableConcept().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", null))));
    p.addName().setFamily("Family" + (i % 1000)).addGiven("Given" + i);
    if (i % 100 == 0) {
      p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1970-01-01"));
    }
    return p;
  }

  private static String plan(final String type, final String query) throws SQLException {
    final SearchQuery q = PARSER.parse(type, Map.of(), false, index.indexedHeight()).query();
    final Map<String, String[]> params = new LinkedHashMap<>();
    for (final String pair : query.split("&")) {
      final int eq = pair.indexOf('=');
      params.put(pair.substring(0, eq), new String[] {pair.substring(eq + 1)});
    }
    final SearchSql sql = SearchSql.page(PARSER.parse(type, params, false, q.asOfHeight()).query(), 0, 20);
    final StringBuilder plan = new StringBuilder();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql.sql())) {
      sql.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
    }
    PLANS.append("### ").append(type).append('?').append(query).append("\n```\n").append(plan).append("```\n\n");
    return plan.toString();
  }

  /** The table is read, and only through the index (an Index Scan using it, or a Bitmap Index Scan on it). */
  private static void usesIndex(final String type, final String query, final String table, final String indexName) throws SQLException {
    final String plan = plan(type, query);
    assertThat(plan).as(plan).contains(table).doesNotContain("Seq Scan on " + table)
        .containsPattern("(Index Scan using|Index Only Scan using|Bitmap Index Scan on) " + indexName);
  }

  @Test
  void numberAndQuantityPredicatesUseTheirIndexes() throws SQLException {
    usesIndex("RiskAssessment", "probability=0.5", "spidx_number", "idx_spidx_number_low");
    usesIndex("RiskAssessment", "probability=ap0.01000", "spidx_number", "idx_spidx_number_");
    usesIndex("Observation", "value-quantity=5.4|" + UCUM + "|mmol/L", "spidx_quantity", "idx_spidx_quantity_canonical_");
    usesIndex("Observation", "value-quantity=gt9.9|" + UCUM + "|g/L", "spidx_quantity", "idx_spidx_quantity_canonical_high");
    usesIndex("Observation", "value-quantity=lt1||mg/dL", "spidx_quantity", "idx_spidx_quantity_");
    usesIndex("Observation", "value-quantity=gt990||mg/dL", "spidx_quantity", "idx_spidx_quantity_");
    usesIndex("Observation", "value-quantity=ge999.5", "spidx_quantity", "idx_spidx_quantity_high");
  }

  @Test
  void compositeAndModifierPredicatesUseTheirIndexes() throws SQLException {
    usesIndex("Observation", "component-code-value-quantity=http://loinc.org|comp-7$gt150", "spidx_composite", "idx_spidx_composite_first");
    usesIndex("Observation", "code:text=measure code-19", "spidx_string", "idx_spidx_string_norm");
    // V8.2: no index on value_exact; an exact match is looked up by its normal form (every row's normalized value is
    // the normal form of its exact one)
    usesIndex("Patient", "family:exact=Family42", "spidx_string", "idx_spidx_string_norm");
    usesIndex("Patient", "identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|m42", "spidx_token", "idx_spidx_token_value");
    // a rare parameter in a large table; :missing on a common one reads all its rows (see docs)
    usesIndex("Patient", "birthdate:missing=false", "spidx_date", "idx_spidx_date_");
    plan("Patient", "birthdate:missing=true");
  }

  /**
   * A new version closes its resource's open rows in every table: the UPDATE must find them through an index on
   * (res_type, res_id), since V8.1 the full {@code *_resource} index (the partial {@code *_open} indexes were dropped:
   * their predicate on valid_to made every such UPDATE a non-HOT one), never by scanning the table.
   */
  @Test
  void closingAResourcesRowsReadsThemThroughAnIndex() throws SQLException {
    for (final String table : SearchParamWriter.TABLES) {
      final StringBuilder plan = new StringBuilder();
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement("EXPLAIN " + SearchParamWriter.closeSql(table))) {
        ps.setLong(1, index.indexedHeight() + 1);
        ps.setArray(2, c.createArrayOf("text", new String[] {"Patient", "Observation", "RiskAssessment"}));
        ps.setArray(3, c.createArrayOf("text", new String[] {"p1", "o2", "r3"}));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
      }
      PLANS.append("### closing rows in ").append(table).append("\n```\n").append(plan).append("```\n\n");
      if (rowCount(table) == 0) {
        continue; // the seeded resources have no values of this type: scanning an empty table is the right plan
      }
      assertThat(plan.toString()).as(plan.toString()).doesNotContain("Seq Scan on " + table)
          .containsPattern("(Index Scan using|Bitmap Index Scan on) idx_" + table + "_(resource|source)");
    }
  }

  private static long rowCount(final String table) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
