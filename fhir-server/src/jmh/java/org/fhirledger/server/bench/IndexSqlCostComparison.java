package org.fhirledger.server.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.index.IndexDataSources;
import org.fhirledger.server.index.IndexedParam;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.SearchIndex;
import org.fhirledger.server.search.SearchParamExtractor;
import org.flywaydb.core.Flyway;
import org.hl7.fhir.r4.model.Resource;

/**
 * PostgreSQL's own CPU per indexed resource, for index configurations side by side: each configuration gets its own
 * embedded PostgreSQL 14 server, durable as a node's (fsync, synchronous commit), and rounds alternate between them,
 * each round applying {@code --blocks} blocks of 30 new Patients (random UUID ids, as the server assigns them; the
 * create workload's Patient, 14 rows each) through {@link SearchIndex#applyBlock}; with {@code --pool N}, versions of
 * N resources picked at random instead (an update workload: each block closes the previous versions' rows). The CPU of a server is that of its
 * postmaster and every child process (backends, WAL writer, checkpointer, autovacuum; exited children through the
 * postmaster's cutime/cstime), from /proc, so it holds the background work the blocks cause, and none of the JVM's.
 * Configurations (names as arguments, all by default):
 *
 * <ul>
 *   <li>{@code v5_7}: the schema up to V5.7 (before issue 8's change), every block commit synchronous;
 *   <li>{@code v8_1}: the schema up to V8.1 (partial open indexes dropped);
 *   <li>{@code v8_2}: up to V8.2 (no index on value_exact, one index less on resource_version);
 *   <li>{@code current}: the schema of this build, the index's own commit mode;
 *   <li>{@code v5_7-async}: V5.7 with synchronous_commit off for the whole database;
 *   <li>{@code current-phonetic}: this build's schema with the rows written before V9.1 (name's again as phonetic).
 * </ul>
 *
 * <p>{@code --statements} loads pg_stat_statements and prints, per configuration at the end, the statements by total
 * time, the WAL written (pg_stat_wal) and the autovacuum/autoanalyze counts. Not a JMH benchmark but compiled with them
 * ({@code -Pjmh}); docs/benchmarks.md gives the command.
 */
public final class IndexSqlCostComparison {
  private static final int PER_BLOCK = 30;
  private static final long CLOCK_TICKS_PER_SECOND = 100;
  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  private IndexSqlCostComparison() {}

  private record Config(String name, String flywayTarget, boolean asyncDatabase, boolean phoneticRows) {
    Config(final String name, final String flywayTarget, final boolean asyncDatabase) {
      this(name, flywayTarget, asyncDatabase, false);
    }
  }

  private static final class Subject {
    final Config config;
    final EmbeddedPostgres postgres;
    final Path dataDir;
    final SearchIndex index;
    final DataSource dataSource;
    long height;
    long cpuTicks;
    long jvmCpuNanos;
    long resources;
    final Map<String, Long> versions = new java.util.HashMap<>();

    Subject(final Config config, final EmbeddedPostgres postgres, final Path dataDir, final DataSource dataSource) {
      this.config = config;
      this.postgres = postgres;
      this.dataDir = dataDir;
      this.dataSource = dataSource;
      this.index = new SearchIndex(dataSource);
    }
  }

  public static void main(final String[] args) throws Exception {
    int rounds = 6;
    int blocks = 100;
    boolean statements = false;
    int pool = 0;
    final List<String> names = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--blocks" -> blocks = Integer.parseInt(args[++i]);
        case "--statements" -> statements = true;
        case "--pool" -> pool = Integer.parseInt(args[++i]);
        default -> names.add(args[i]);
      }
    }
    final Map<String, Config> known = new LinkedHashMap<>();
    known.put("v5_7", new Config("v5_7", "5.7", false));
    known.put("v8_1", new Config("v8_1", "8.1", false));
    known.put("v8_2", new Config("v8_2", "8.2", false));
    known.put("current", new Config("current", null, false));
    known.put("v5_7-async", new Config("v5_7-async", "5.7", true));
    known.put("current-phonetic", new Config("current-phonetic", null, false, true));
    if (names.isEmpty()) {
      names.addAll(known.keySet());
    }
    final Resource patient = (Resource) FhirContexts.r4().newJsonParser().parseResource(IndexExtractionBenchmark.PATIENT);
    final List<IndexedParam> params = new SearchParamExtractor(FhirContexts.r4()).extract(patient);
    // the rows before V9.1: name's string rows written again as phonetic
    final List<IndexedParam> withPhonetic = new ArrayList<>(params);
    params.stream().filter(p -> p instanceof IndexedParam.Str && p.name().equals("name"))
        .map(p -> new IndexedParam.Str("phonetic", ((IndexedParam.Str) p).normalized(), ((IndexedParam.Str) p).exact()))
        .forEach(withPhonetic::add);
    final Path root = Files.createTempDirectory("index-sql-cost");
    final List<Subject> subjects = new ArrayList<>();
    try {
      for (final String name : names) {
        subjects.add(start(known.get(name), root.resolve(name), statements));
      }
      System.out.printf("rows per Patient: %d parameter rows + resource + resource_version; %d blocks of %d per round%n", params.size(),
          blocks, PER_BLOCK);
      final Random random = new Random(42);
      for (int round = 1; round <= rounds; round++) {
        final StringBuilder line = new StringBuilder("round " + round + ":");
        for (final Subject s : subjects) {
          final long before = cpuTicks(s.dataDir);
          final long wall0 = System.nanoTime();
          final long jvm0 = THREADS.getCurrentThreadCpuTime();
          for (int b = 0; b < blocks; b++) {
            s.height++;
            final List<IndexedVersion> block = new ArrayList<>(PER_BLOCK);
            for (int i = 0; i < PER_BLOCK; i++) {
              final String id = pool == 0 ? new UUID(random.nextLong(), random.nextLong()).toString() : "p" + random.nextInt(pool);
              final long version = pool == 0 ? 1 : s.versions.merge(id, 1L, Long::sum);
              if (block.stream().anyMatch(v -> v.resourceId().equals(id))) {
                s.versions.merge(id, -1L, Long::sum);
                i--;
                continue; // one version per resource per block, as the create and update workloads make them
              }
              block.add(new IndexedVersion("Patient", id, version, false, Instant.ofEpochSecond(1_700_000_000L + s.height), "bafy" + id, s.height,
                  "ab".repeat(32), "cd".repeat(32)));
            }
            final List<IndexedParam> rows = s.config.phoneticRows() ? withPhonetic : params;
            s.index.applyBlock(s.height, String.format("%064x", s.height), block, v -> rows);
          }
          final long wallMicros = (System.nanoTime() - wall0) / 1000;
          final long jvmNanos = THREADS.getCurrentThreadCpuTime() - jvm0;
          final long ticks = cpuTicks(s.dataDir) - before;
          if (round > 1) {
            s.cpuTicks += ticks;
            s.jvmCpuNanos += jvmNanos;
            s.resources += (long) blocks * PER_BLOCK;
          }
          line.append(String.format("  %s %.0f µs CPU / %.0f µs wall / %.0f µs writer thread per resource", s.config.name(),
              ticks * 1e6 / CLOCK_TICKS_PER_SECOND / (blocks * PER_BLOCK), (double) wallMicros / (blocks * PER_BLOCK),
              jvmNanos / 1e3 / (blocks * PER_BLOCK)));
        }
        System.out.println(line);
      }
      for (final Subject s : subjects) {
        System.out.printf("%s: PostgreSQL CPU %.1f µs, writer thread (JDBC, this JVM) %.1f µs per resource over rounds 2-%d (%d resources)%n",
            s.config.name(), s.cpuTicks * 1e6 / CLOCK_TICKS_PER_SECOND / Math.max(1, s.resources),
            s.jvmCpuNanos / 1e3 / Math.max(1, s.resources), rounds, s.resources);
      }
      if (statements) {
        for (final Subject s : subjects) {
          report(s);
        }
      }
    } finally {
      for (final Subject s : subjects) {
        s.postgres.close();
      }
      try (var paths = Files.walk(root)) {
        // the data directories hold hundreds of MB after a run
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Subject start(final Config config, final Path dataDir, final boolean statements) throws IOException, SQLException {
    final EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "100")
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on");
    if (statements) {
      builder.setServerConfig("shared_preload_libraries", "pg_stat_statements")
          .setServerConfig("pg_stat_statements.track", "all")
          .setServerConfig("track_wal_io_timing", "on");
    }
    final EmbeddedPostgres postgres = builder.start();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE bench");
      if (config.asyncDatabase()) {
        st.execute("ALTER DATABASE bench SET synchronous_commit = off");
      }
    }
    final DataSource ds = IndexDataSources.forUrl("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/bench", "postgres", "");
    final var flyway = Flyway.configure(SearchIndex.class.getClassLoader()).dataSource(ds).locations("classpath:db/migration");
    if (config.flywayTarget() != null) {
      flyway.target(config.flywayTarget());
    }
    flyway.load().migrate();
    if (statements) {
      try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
        st.execute("CREATE EXTENSION pg_stat_statements");
        st.execute("SELECT pg_stat_statements_reset(), pg_stat_reset_shared('wal')");
      }
    }
    return new Subject(config, postgres, dataDir, ds);
  }

  /** CPU clock ticks of the postmaster whose pid the data directory names and of all its children, live or reaped. */
  private static long cpuTicks(final Path dataDir) throws IOException {
    final long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
    long ticks = ticks(pid, true);
    for (final ProcessHandle child : ProcessHandle.of(pid).orElseThrow().descendants().toList()) {
      ticks += ticks(child.pid(), true);
    }
    return ticks;
  }

  private static long ticks(final long pid, final boolean withReapedChildren) {
    try {
      final String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 14-17 of stat (utime, stime, cutime, cstime) are 11-14 after the command
      long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      if (withReapedChildren) {
        t += Long.parseLong(f[13]) + Long.parseLong(f[14]);
      }
      return t;
    } catch (final IOException e) {
      return 0; // exited between listing and reading: its time is in its parent's cutime from now on
    }
  }

  private static void report(final Subject s) throws SQLException {
    System.out.printf("%n== %s ==%n", s.config.name());
    try (Connection c = s.dataSource.getConnection(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT calls, round(total_exec_time::numeric, 1), round(total_plan_time::numeric, 1), rows,"
          + " wal_records, wal_fpi, wal_bytes, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements"
          + " ORDER BY total_exec_time DESC LIMIT 25")) {
        System.out.println("calls | exec ms | plan ms | rows | wal records | wal fpi | wal bytes | statement");
        while (rs.next()) {
          System.out.printf("%d | %s | %s | %d | %d | %d | %s | %s%n", rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
              rs.getLong(5), rs.getLong(6), rs.getString(7), rs.getString(8));
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT wal_records, wal_fpi, wal_bytes, wal_buffers_full, wal_write, wal_sync,"
          + " wal_write_time, wal_sync_time FROM pg_stat_wal")) {
        rs.next();
        System.out.printf("pg_stat_wal: records=%d fpi=%d bytes=%d buffers_full=%d writes=%d syncs=%d write_ms=%.1f sync_ms=%.1f%n",
            rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getDouble(7), rs.getDouble(8));
      }
      try (ResultSet rs = st.executeQuery("SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, autovacuum_count, autoanalyze_count, analyze_count,"
          + " pg_size_pretty(pg_total_relation_size(relid)) FROM pg_stat_user_tables WHERE n_tup_ins > 0 ORDER BY relname")) {
        System.out.println("table | inserted | updated | HOT updated | autovacuum | autoanalyze | analyze | size");
        while (rs.next()) {
          System.out.printf("%s | %d | %d | %d | %d | %d | %d | %s%n", rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
              rs.getLong(7), rs.getString(8));
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT checkpoints_timed, checkpoints_req, buffers_checkpoint, buffers_backend FROM pg_stat_bgwriter")) {
        rs.next();
        System.out.printf("bgwriter: checkpoints timed=%d requested=%d buffers_checkpoint=%d buffers_backend=%d%n", rs.getLong(1),
            rs.getLong(2), rs.getLong(3), rs.getLong(4));
      }
    }
  }
}
