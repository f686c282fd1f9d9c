package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.fhirledger.server.cli.FhirLedgerMain;
import org.fhirledger.server.cli.LocalNetwork;
import org.fhirledger.server.config.NodeProperties;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index is a projection of the chain: after a random workload of creates, updates and deletes at every
 * hospital, {@code fhir-ledger reindex} on a stopped node rebuilds tables whose contents equal, row for row,
 * what that node had built live.
 */
class ReindexIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @Test
  void reindexRebuildsExactlyTheIndexTheNodeBuiltLive() throws Exception {
    try (LocalNetwork network = Hospitals.start(dir, Map.of())) {
      final Random random = new Random(20261206);
      final List<IdType> patients = new ArrayList<>();
      final List<IdType> observations = new ArrayList<>();
      long written = 0;
      for (int i = 0; i < 60; i++) {
        final int hospital = random.nextInt(4);
        final IGenericClient client = Hospitals.client(network, hospital);
        // a write answers once applied where it was made; the next one, made at another hospital, may refer to it
        // (a reference, an update of its version): wait until that hospital has applied it too, as a client would
        final long needed = written;
        await().atMost(Duration.ofSeconds(60)).until(() -> network.node(hospital).node().ledger().store().height() >= needed);
        final int op = patients.isEmpty() ? 0 : random.nextInt(10);
        if (op < 4) {
          final Patient p = new Patient();
          p.addIdentifier().setSystem("urn:mrn").setValue("mrn-" + i);
          p.addName().setFamily("Family" + random.nextInt(8)).addGiven("Given" + i);
          p.setGender(random.nextBoolean() ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
          p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("19" + (50 + random.nextInt(50)) + "-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10)));
          patients.add(((IdType) client.create().resource(p).execute().getId()).toUnqualifiedVersionless());
        } else if (op < 7) {
          final Observation o = new Observation();
          o.setStatus(Observation.ObservationStatus.FINAL);
          o.getCode().addCoding().setSystem("http://loinc.org").setCode(random.nextBoolean() ? "8867-4" : "29463-7");
          o.setSubject(new Reference(patients.get(random.nextInt(patients.size()))));
          o.setEffective(new DateTimeType("2024-0" + (1 + random.nextInt(9)) + "-10T10:00:00Z"));
          observations.add(((IdType) client.create().resource(o).execute().getId()).toUnqualifiedVersionless());
        } else if (op < 9) {
          final IdType id = patients.get(random.nextInt(patients.size()));
          final Patient p = client.read().resource(Patient.class).withId(id).execute();
          p.getNameFirstRep().setFamily("Renamed" + i);
          client.update().resource(p).execute();
        } else if (!observations.isEmpty()) {
          client.delete().resourceById(observations.remove(random.nextInt(observations.size()))).execute();
        }
        written = Math.max(written, network.node(hospital).node().ledger().store().height());
      }
      // A transaction Bundle too: several versions in one ledger transaction.
      final Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      final Patient inBundle = new Patient();
      inBundle.addName().setFamily("Bundled");
      tx.addEntry().setFullUrl("urn:uuid:4a1b0c55-9d1e-4a8e-8d0e-3a8c2e1f0b01").setResource(inBundle)
          .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
      final Observation linked = new Observation();
      linked.setStatus(Observation.ObservationStatus.FINAL);
      linked.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
      linked.setSubject(new Reference("urn:uuid:4a1b0c55-9d1e-4a8e-8d0e-3a8c2e1f0b01"));
      tx.addEntry().setResource(linked).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
      Hospitals.client(network, 2).transaction().withBundle(tx).execute();

      Hospitals.awaitAllAtHeightOf(network, 2);
      final long height = network.node(2).node().ledger().store().height();
      await().atMost(WAIT).until(() -> network.node(1).node().index().indexedHeight() >= height);
      final NodeProperties node1 = network.node(1).node().properties();
      network.stopNode(1);

      final Map<String, List<String>> live = dump(node1);
      assertThat(live.get("resource")).as("heads indexed live").hasSizeGreaterThan(20);
      assertThat(live.get("spidx_token")).isNotEmpty();
      assertThat(live.get("spidx_reference")).isNotEmpty();
      assertThat(live.get("index_watermark")).singleElement().asString().contains("block_height=" + height);

      // Damage the index the way a lost disk or a bad migration would: rows missing, a row wrong. A reindex that
      // only caught up from the watermark, or did nothing, would leave this visible below.
      try (Connection c = DriverManager.getConnection(node1.jdbcUrl(), node1.jdbcUsername(), node1.jdbcPassword());
          Statement st = c.createStatement()) {
        assertThat(st.executeUpdate("DELETE FROM spidx_token WHERE res_type = 'Patient'")).isPositive();
        assertThat(st.executeUpdate("DELETE FROM resource_version WHERE res_type = 'Observation'")).isPositive();
        assertThat(st.executeUpdate("UPDATE resource SET version = 999 WHERE res_type = 'Patient'")).isPositive();
      }
      assertThat(dump(node1)).isNotEqualTo(live);

      final int exit = FhirLedgerMain.run("reindex", "--data", dir.resolve("node-1").resolve("data").toString(),
          "--jdbc-url", node1.jdbcUrl(), "--jdbc-username", node1.jdbcUsername());
      assertThat(exit).isZero();
      final Map<String, List<String>> rebuilt = dump(node1);
      assertThat(rebuilt.keySet()).isEqualTo(live.keySet());
      for (final String table : live.keySet()) {
        assertThat(rebuilt.get(table)).as("table %s after reindex", table).isEqualTo(live.get(table));
      }

      // The rebuilt index serves the restarted node.
      network.startNode(1);
      final Bundle found = Hospitals.client(network, 1).search().forResource(Patient.class)
          .where(Patient.FAMILY.matches().value("Bundled")).returnBundle(Bundle.class).execute();
      assertThat(found.getEntry()).hasSize(1);
    }
  }

  /** Every projection table's rows as sorted strings (the watermark without its wall-clock column). */
  private static Map<String, List<String>> dump(final NodeProperties node) throws Exception {
    final Map<String, List<String>> tables = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(node.jdbcUrl(), node.jdbcUsername(), node.jdbcPassword());
        Statement st = c.createStatement()) {
      final List<String> names = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
          + " AND table_type = 'BASE TABLE' AND table_name NOT IN ('flyway_schema_history', 'node_registry', 'node_log')")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      for (final String table : names) {
        final List<String> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT * FROM \"" + table + "\"")) {
          final ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            final StringBuilder row = new StringBuilder();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              if (table.equals("index_watermark") && meta.getColumnName(i).equals("updated_at")) {
                continue;
              }
              row.append(meta.getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
            }
            rows.add(row.toString());
          }
        }
        rows.sort(null);
        tables.put(table, rows);
      }
    }
    return tables;
  }
}
