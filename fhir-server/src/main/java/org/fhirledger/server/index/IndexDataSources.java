package org.fhirledger.server.index;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Objects;

/**
 * Pooled DataSources for the search index. A block's parameter and version rows go by COPY ({@link CopyRows});
 * every pool still sets {@code reWriteBatchedInserts=true} for the INSERT batch that remains, the block's upsert of
 * its resources' current versions, which the driver then sends as multi-row statements (see limits.md).
 */
public final class IndexDataSources {
  /** Small on purpose: several nodes share one JVM in demo mode, and the index writer is single-threaded. */
  static final int DEFAULT_POOL_SIZE = 4;

  private IndexDataSources() {}

  /** A pool onto an external PostgreSQL, e.g. {@code jdbc:postgresql://postgres-0:5432/fhirledger}. */
  public static HikariDataSource forUrl(final String jdbcUrl, final String user, final String password) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("the search index needs PostgreSQL, got a non-postgresql JDBC URL");
    }
    final HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password == null ? "" : password);
    config.setMaximumPoolSize(DEFAULT_POOL_SIZE);
    config.setMinimumIdle(1);
    config.setPoolName("fhirledger-index");
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.addDataSourceProperty("ApplicationName", "fhir-ledger");
    return new HikariDataSource(config);
  }
}
