package org.fhirledger.server.search;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.fhirledger.server.index.EmbeddedPostgresServer;
import org.fhirledger.server.index.SearchIndex;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * One embedded PostgreSQL per test class, a fresh migrated index database per test, and the {@link
 * IndexedSearchFixture} that applies blocks to it and runs queries: what every search-against-PostgreSQL test needs.
 */
abstract class IndexedSearchTestBase {
  static final SearchRequestParser PARSER = IndexedSearchFixture.PARSER;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @TempDir static Path pgDir;
  private static EmbeddedPostgresServer server;

  SearchIndex index;
  IndexedSearchFixture fixture;
  /** Height of the last block applied in this test. */
  long height;

  @BeforeAll
  static void startServer() {
    server = EmbeddedPostgresServer.start(pgDir.resolve("pg"));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void freshDatabase() {
    index = new SearchIndex(server.dataSourceFor("s_" + DATABASES.incrementAndGet()));
    index.migrate();
    fixture = new IndexedSearchFixture(index);
    height = 0;
  }

  /** Applies one block writing these resources (new versions of those that exist). */
  void block(final Resource... resources) {
    fixture.block(resources);
    height = fixture.height();
  }

  void deleteBlock(final String type, final String id) {
    fixture.deleteBlock(type, id);
    height = fixture.height();
  }

  static Map<String, String[]> query(final String qs) {
    return IndexedSearchFixture.query(qs);
  }

  /** The ids a search finds now, in the query's own order, checked against its count. */
  List<String> ids(final String type, final String qs) {
    return idsAt(type, qs, index.indexedHeight());
  }

  List<String> idsAt(final String type, final String qs, final long at) {
    return fixture.idsAt(type, qs, at);
  }
}
