package org.fhirledger.server.index;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One embedded PostgreSQL 14 server (zonky) whose data directory survives restarts, listening on 127.0.0.1
 * on an ephemeral port. Demo mode runs one of these with a database per node; a standalone node without a
 * JDBC URL runs its own under its data directory.
 *
 * <p>zonky turns synchronous_commit off. That is fine for demo mode and tests, where a lost tail of the
 * index is rebuilt from the chain above its watermark; a standalone node asks for {@code durable} so that
 * a commit of the index is on disk when it returns.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final String USER = "postgres";

  private final EmbeddedPostgres postgres;
  private final List<HikariDataSource> pools = new ArrayList<>();

  private EmbeddedPostgresServer(final EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** As {@link #start(Path, boolean)}, not durable: for demo mode and tests. */
  public static EmbeddedPostgresServer start(final Path dataDirectory) {
    return start(dataDirectory, false);
  }

  /**
   * Starts a server on {@code dataDirectory}, creating it on first use and reusing its data afterwards.
   *
   * @param durable whether a commit waits for its WAL to reach the disk (fsync and synchronous_commit on)
   */
  public static EmbeddedPostgresServer start(final Path dataDirectory, final boolean durable) {
    try {
      Files.createDirectories(dataDirectory);
      stopOrphanedPostmaster(dataDirectory);
      final String sync = durable ? "on" : "off";
      final EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(false)
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("max_connections", "100")
              .setServerConfig("fsync", sync)
              .setServerConfig("synchronous_commit", sync)
              .start();
      LOG.info("embedded PostgreSQL started port={} durable={} dataDir={}", postgres.getPort(), durable, dataDirectory);
      return new EmbeddedPostgresServer(postgres);
    } catch (final IOException e) {
      throw new UncheckedIOException("could not start embedded PostgreSQL in " + dataDirectory, e);
    }
  }

  /**
   * A node killed with SIGKILL leaves its PostgreSQL child running on the data directory, which would refuse
   * a new server. The index is a projection of the chain, so stopping the orphan is safe: on start the node
   * replays whatever the index had not durably recorded.
   */
  private static void stopOrphanedPostmaster(final Path dataDirectory) throws IOException {
    final Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    final List<String> lines = Files.readAllLines(pidFile);
    final long pid;
    try {
      pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
    } catch (final NumberFormatException e) {
      return;
    }
    final var orphan = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
    if (orphan.isPresent()) {
      LOG.warn("stopping orphaned PostgreSQL pid={} dataDir={}", pid, dataDirectory);
      orphan.get().destroyForcibly();
      try {
        orphan.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (final Exception e) {
        throw new IOException("orphaned PostgreSQL pid " + pid + " did not stop", e);
      }
    }
    Files.deleteIfExists(pidFile);
  }

  /** The superuser of the embedded server. */
  public String username() {
    return USER;
  }

  public int port() {
    return postgres.getPort();
  }

  /** JDBC URL of a database on this server (127.0.0.1, so "localhost" resolving to ::1 cannot bite). */
  public String jdbcUrl(final String databaseName) {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + checkName(databaseName);
  }

  /**
   * A pooled DataSource onto {@code databaseName}, creating the database if it does not exist yet. The
   * pool is closed with the server.
   */
  public synchronized DataSource dataSourceFor(final String databaseName) {
    checkName(databaseName);
    createDatabaseIfMissing(databaseName);
    final HikariDataSource pool = IndexDataSources.forUrl(jdbcUrl(databaseName), USER, "");
    pools.add(pool);
    return pool;
  }

  /** Creates the database unless it exists. */
  public synchronized void ensureDatabase(final String databaseName) {
    createDatabaseIfMissing(checkName(databaseName));
  }

  private void createDatabaseIfMissing(final String databaseName) {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, databaseName);
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
      try (Statement create = c.createStatement()) {
        // The name was checked against DATABASE_NAME, and CREATE DATABASE cannot take a bind parameter.
        create.execute("CREATE DATABASE " + databaseName);
      }
      LOG.info("index database created name={}", databaseName);
    } catch (final SQLException e) {
      throw new IndexException("could not create database " + databaseName, e);
    }
  }

  private static String checkName(final String databaseName) {
    if (databaseName == null || !DATABASE_NAME.matcher(databaseName).matches()) {
      throw new IllegalArgumentException("database name must match " + DATABASE_NAME.pattern());
    }
    return databaseName;
  }

  /** Closes the pools handed out, then stops the server; its data directory stays. */
  @Override
  public synchronized void close() {
    pools.forEach(HikariDataSource::close);
    pools.clear();
    try {
      postgres.close();
    } catch (final IOException e) {
      throw new UncheckedIOException("could not stop embedded PostgreSQL", e);
    }
  }
}
