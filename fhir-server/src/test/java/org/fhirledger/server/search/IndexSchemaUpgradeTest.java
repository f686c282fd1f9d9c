package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.fhirledger.server.index.EmbeddedPostgresServer;
import org.fhirledger.server.index.SearchIndex;
import org.flywaydb.core.Flyway;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index filled under the schema of V8.1 (before issue 8's second round of write-path changes) is migrated in
 * place to this build's schema: its rows keep answering every search form the migrations touched (:exact strings,
 * tokens, chains that join the tables, history, ordering by id), new blocks index on top of them, and the schema is
 * what V8.2 and V8.3 promise (no index on value_exact, one unique index for a version, "C" key columns).
 */
class IndexSchemaUpgradeTest {
  @TempDir Path pgDir;
  private EmbeddedPostgresServer server;
  private DataSource dataSource;

  @BeforeEach
  void startServer() {
    server = EmbeddedPostgresServer.start(pgDir.resolve("pg"));
    dataSource = server.dataSourceFor("upgrade");
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private static Patient patient(final String id, final String family) {
    final Patient p = new Patient();
    p.setId(id);
    p.addName().setFamily(family).addGiven("Given" + id);
    p.addIdentifier().setSystem("urn:mrn").setValue("mrn-" + id);
    return p;
  }

  private static Observation observation(final String id, final String subject) {
    final Observation o = new Observation();
    o.setId(id);
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setSubject(new Reference(subject));
    o.setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", "29463-7", null)));
    return o;
  }

  @Test
  void anIndexWrittenUnderV8_1KeepsAnsweringAfterTheUpgrade() throws SQLException {
    Flyway.configure(SearchIndex.class.getClassLoader()).dataSource(dataSource).locations("classpath:db/migration").target("8.1").load()
        .migrate();
    final SearchIndex index = new SearchIndex(dataSource);
    final IndexedSearchFixture fixture = new IndexedSearchFixture(index);
    fixture.block(patient("a", "Müller"), patient("B", "Mueller"), patient("c", "Smith"), observation("o1", "Patient/c"));
    fixture.block(patient("a", "Müller-Lüdenscheidt"));

    index.migrate();

    assertThat(fixture.ids("Patient", "family:exact=Müller-Lüdenscheidt")).containsExactly("a");
    assertThat(fixture.ids("Patient", "family:exact=Müller")).as("the closed rows of version 1").isEmpty();
    assertThat(fixture.ids("Patient", "family:exact=mueller")).as(":exact keeps case").isEmpty();
    assertThat(fixture.ids("Patient", "family:exact=Mueller")).containsExactly("B");
    assertThat(fixture.ids("Patient", "family=mu&_sort=_id")).as("byte order: upper case first").containsExactly("B", "a");
    assertThat(fixture.ids("Patient", "identifier=urn:mrn|mrn-c")).containsExactly("c");
    assertThat(fixture.ids("Observation", "subject:Patient.family:exact=Smith")).containsExactly("o1");
    assertThat(fixture.ids("Patient", "_has:Observation:subject:code=29463-7")).containsExactly("c");
    assertThat(index.history("Patient", "a")).hasSize(2);

    fixture.block(patient("d", "Smithers"), observation("o2", "Patient/d"));
    assertThat(fixture.ids("Patient", "family=smith&_sort=_id")).containsExactly("c", "d");
    assertThat(fixture.ids("Observation", "subject:Patient.family:exact=Smithers")).containsExactly("o2");

    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      assertThat(indexes(st)).doesNotContain("idx_spidx_string_exact", "idx_resource_version_head", "resource_version_pkey")
          .contains("idx_spidx_string_norm", "idx_resource_version_key");
      try (ResultSet rs = st.executeQuery("SELECT table_name || '.' || column_name, coalesce(collation_name, '') FROM information_schema.columns"
          + " WHERE table_schema = current_schema() AND column_name IN ('res_type', 'res_id', 'sp_name') ORDER BY 1")) {
        int keyColumns = 0;
        while (rs.next()) {
          if (rs.getString(1).startsWith("search_param_reindex.")) {
            continue;
          }
          assertThat(rs.getString(2)).as(rs.getString(1)).isEqualTo("C");
          keyColumns++;
        }
        assertThat(keyColumns).as("resource, resource_version and 8 spidx tables").isEqualTo(2 + 2 + 8 * 3);
      }
    }
    // a version is still unique per resource without the primary key
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO resource_version SELECT * FROM resource_version WHERE res_type = 'Patient' AND res_id = 'a'"
            + " AND version = 2")) {
      assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class).hasMessageContaining("idx_resource_version_key");
    }
  }

  @Test
  void sharedRowsWrittenBeforeV9_1AreRemovedAndTheirParametersStillAnswer() throws SQLException {
    Flyway.configure(SearchIndex.class.getClassLoader()).dataSource(dataSource).locations("classpath:db/migration").target("8.3").load()
        .migrate();
    final SearchIndex index = new SearchIndex(dataSource);
    final IndexedSearchFixture fixture = new IndexedSearchFixture(index);
    fixture.block(patient("a", "Chalmers"), patient("b", "Smith"), observation("o1", "Patient/a"));
    // what the extractor wrote before 9.1: name's rows again under "phonetic", code's under "combo-code"
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE TEMP TABLE old_rows AS SELECT * FROM spidx_string WHERE sp_name = 'name'");
      st.execute("UPDATE old_rows SET sp_name = 'phonetic'");
      assertThat(st.executeUpdate("INSERT INTO spidx_string SELECT * FROM old_rows")).isPositive();
      st.execute("CREATE TEMP TABLE old_tokens AS SELECT * FROM spidx_token WHERE sp_name = 'code'");
      st.execute("UPDATE old_tokens SET sp_name = 'combo-code'");
      assertThat(st.executeUpdate("INSERT INTO spidx_token SELECT * FROM old_tokens")).isPositive();
    }

    index.migrate();

    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM spidx_string WHERE sp_name = 'phonetic')"
            + " + (SELECT count(*) FROM spidx_token WHERE sp_name = 'combo-code')")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
    assertThat(fixture.ids("Patient", "phonetic=chal")).containsExactly("a");
    assertThat(fixture.ids("Observation", "combo-code=http://loinc.org|29463-7")).containsExactly("o1");
    assertThat(fixture.ids("Patient", "phonetic:missing=false&_sort=_id")).containsExactly("a", "b");
  }

  private static List<String> indexes(final Statement st) throws SQLException {
    final List<String> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
