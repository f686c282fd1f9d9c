package org.fhirledger.server.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.fhirledger.ledger.store.StorageException;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.index.EmbeddedPostgresServer;
import org.fhirledger.server.index.IndexDataSources;
import org.fhirledger.server.index.SearchIndex;
import org.fhirledger.server.node.IndexRebuild;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Rebuilds a stopped node's PostgreSQL search index from its chain. Exits 0 with a summary, 2 when there is no
 * chain or no index database to rebuild.
 */
@Command(name = "reindex", mixinStandardHelpOptions = true,
    description = "Rebuild a stopped node's search index from its chain (the index is a projection of the chain).")
final class ReindexCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--data", required = true,
      description = "the node's data folder (holding chain/ and, for the embedded database, postgres/)")
  Path data;

  @Option(names = "--jdbc-url", description = "the node's PostgreSQL, when it does not use the embedded one under --data")
  String jdbcUrl;

  @Option(names = "--jdbc-username", defaultValue = "postgres", description = "(default ${DEFAULT-VALUE})")
  String jdbcUsername;

  @Option(names = "--jdbc-password", defaultValue = "", description = "(default empty)")
  String jdbcPassword;

  @Override
  public Integer call() throws Exception {
    final PrintWriter out = spec.commandLine().getOut();
    final PrintWriter err = spec.commandLine().getErr();
    final Path chain = data.resolve("chain");
    if (!Files.exists(chain.resolve("CURRENT"))) {
      err.println("no ledger store in " + chain);
      return 2;
    }
    if ((jdbcUrl == null || jdbcUrl.isBlank()) && !Files.isDirectory(data.resolve("postgres"))) {
      err.println("no embedded PostgreSQL in " + data.resolve("postgres") + "; give the node's database with --jdbc-url");
      return 2;
    }
    final long started = System.nanoTime();
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(chain);
        EmbeddedPostgresServer embedded = jdbcUrl == null || jdbcUrl.isBlank() ? EmbeddedPostgresServer.start(data.resolve("postgres"), true) : null;
        AutoCloseable pool = embedded == null ? IndexDataSources.forUrl(jdbcUrl, jdbcUsername, jdbcPassword) : null) {
      final DataSource dataSource = embedded != null ? embedded.dataSourceFor("fhirledger") : (DataSource) pool;
      final SearchIndex index = new SearchIndex(dataSource);
      index.migrate();
      final IndexRebuild.Result result = IndexRebuild.rebuild(index, store, FhirContexts.r4());
      index.log("INFO", "index.rebuilt", "height=" + result.height());
      out.printf("reindexed heights 1..%d of %s (%d tables emptied first) in %.1f s%n", result.height(), chain,
          result.tablesReset().size(), (System.nanoTime() - started) / 1e9);
      return result.height() == store.height() ? 0 : 1;
    } catch (final StorageException e) {
      err.println("cannot open the ledger store in " + chain + ": " + e.getMessage());
      return 2;
    }
  }
}
