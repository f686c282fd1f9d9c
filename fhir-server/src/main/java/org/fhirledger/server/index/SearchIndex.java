package org.fhirledger.server.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's PostgreSQL search index. A block is applied in one SQL transaction that also moves the
 * watermark, so each block is indexed exactly once and the index can always be rebuilt from the chain
 * above its watermark. Thread-safe: the watermark row is locked while a block is applied.
 */
public final class SearchIndex {
  private static final Logger LOG = LoggerFactory.getLogger(SearchIndex.class);

  private static final String COLUMNS =
      "res_type, res_id, version, deleted, last_updated, content_id, block_height, tx_hash, origin_node";
  // The WHERE keeps a head from moving backwards should versions ever arrive out of order.
  private static final String UPSERT_HEAD =
      "INSERT INTO resource (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (res_type, res_id) DO UPDATE SET version = EXCLUDED.version,"
          + " deleted = EXCLUDED.deleted, last_updated = EXCLUDED.last_updated,"
          + " content_id = EXCLUDED.content_id, block_height = EXCLUDED.block_height,"
          + " tx_hash = EXCLUDED.tx_hash, origin_node = EXCLUDED.origin_node"
          + " WHERE resource.version < EXCLUDED.version";
  private static final String CURRENT_PAGE =
      "SELECT " + COLUMNS + " FROM resource WHERE res_type = ? AND NOT deleted"
          + " ORDER BY last_updated DESC, res_id OFFSET ? LIMIT ?";
  private static final String CURRENT_PAGE_AS_OF =
      "SELECT " + COLUMNS + " FROM (SELECT DISTINCT ON (res_id) " + COLUMNS + " FROM resource_version"
          + " WHERE res_type = ? AND block_height <= ? ORDER BY res_id, version DESC) head"
          + " WHERE NOT deleted ORDER BY last_updated DESC, res_id OFFSET ? LIMIT ?";

  /** Counts its statements: what searches and the other reads cost is asserted by tests. */
  private final DataSource dataSource;
  /**
   * The pool itself, for the indexer's block transactions: every JDBC call through the counting proxy is a reflective
   * call, and a block's upsert alone makes hundreds of them.
   */
  private final DataSource blockWrites;
  private final java.util.concurrent.atomic.LongAdder statementsExecuted = new java.util.concurrent.atomic.LongAdder();

  public SearchIndex(final DataSource dataSource) {
    this.blockWrites = Objects.requireNonNull(dataSource, "dataSource");
    this.dataSource = StatementCountingDataSource.wrap(blockWrites, statementsExecuted);
  }

  /**
   * SQL statements executed on this index since it was opened, apart from the indexing of blocks: tests assert what a
   * search costs.
   */
  public long statementsExecuted() {
    return statementsExecuted.sum();
  }

  /** The queries that follow reference rows: _include, _revinclude, compartments. */
  public ReferenceIndex referenceIndex() {
    return new ReferenceIndex(dataSource);
  }

  /**
   * Brings the schema up to date. Called explicitly rather than through Spring Boot's Flyway
   * auto-configuration because demo mode runs several nodes, each with its own DataSource, in one JVM.
   */
  public void migrate() {
    final var result =
        Flyway.configure(SearchIndex.class.getClassLoader())
            .dataSource(dataSource)
            .locations("classpath:db/migration")
            .load()
            .migrate();
    LOG.info("search index schema migrated applied={} version={}", result.migrationsExecuted, result.targetSchemaVersion);
  }

  /** The background reindex jobs of custom search parameters. */
  public ReindexJobs reindexJobs() {
    return new ReindexJobs(dataSource);
  }

  /** The version-history queries of this index (history interactions). */
  public HistoryIndex historyIndex() {
    return new HistoryIndex(dataSource);
  }

  private final Object indexedMonitor = new Object();
  private long knownIndexed = -1;

  private void noteIndexed(final long height) {
    synchronized (indexedMonitor) {
      knownIndexed = Math.max(knownIndexed, height);
      indexedMonitor.notifyAll();
    }
  }

  /** The height this index last applied or found applied; read from the watermark the first time. */
  private long knownIndexedHeight() {
    synchronized (indexedMonitor) {
      if (knownIndexed < 0) {
        knownIndexed = watermarkHeight(blockWrites);
      }
      return knownIndexed;
    }
  }

  /**
   * Waits (at most {@code timeoutMillis}) until this index has applied {@code height}: a search started after a
   * write on this node then sees that write, although indexing runs behind the ledger on its own thread.
   *
   * @return whether the height was reached in time (a search goes on at the indexed height either way)
   */
  public boolean awaitIndexed(final long height, final long timeoutMillis) {
    final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (indexedMonitor) {
      while (knownIndexedHeight() < height) {
        final long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(indexedMonitor, left);
        } catch (final InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  /**
   * The indexed height to read at, once the index holds {@code ledgerHeight} (waiting at most 5 s): indexing runs
   * behind the ledger, and a client must still find the write it just made at this node.
   */
  public long indexedHeightAfter(final long ledgerHeight) {
    awaitIndexed(ledgerHeight, READ_YOUR_WRITES_WAIT_MILLIS);
    return indexedHeight();
  }

  private static final long READ_YOUR_WRITES_WAIT_MILLIS = 5_000;

  /** Tables that are not a projection of the chain: the reset keeps them. */
  private static final java.util.Set<String> NOT_PROJECTION = java.util.Set.of("flyway_schema_history", "node_registry", "node_log");

  /**
   * Empties every table that is a projection of the chain (all but the migration history, the node registry and
   * the node log) and puts the watermark back to the genesis, in one SQL transaction, so a rebuild starts from
   * nothing. The tables are found in the schema rather than listed here, so a table added by a later migration
   * can never survive a rebuild with stale rows.
   *
   * @return the tables emptied
   */
  public List<String> resetProjection() {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        final List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                    + " AND table_type = 'BASE TABLE' ORDER BY table_name");
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (!NOT_PROJECTION.contains(rs.getString(1))) {
              tables.add(rs.getString(1));
            }
          }
        }
        try (java.sql.Statement st = c.createStatement()) {
          st.execute("TRUNCATE " + String.join(", ", tables.stream().map(t -> '"' + t + '"').toList()) + " RESTART IDENTITY");
          st.execute("INSERT INTO index_watermark (id, block_height, block_hash) VALUES (1, 0, NULL)");
        }
        c.commit();
        synchronized (indexedMonitor) {
          knownIndexed = 0;
        }
        return tables;
      } catch (final SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (final SQLException e) {
      throw new IndexException("could not reset the index", e);
    }
  }

  /** Height of the last block applied; 0 (the genesis) for a new index. */
  public long indexedHeight() {
    return watermarkHeight(dataSource);
  }

  private static long watermarkHeight(final DataSource from) {
    try (Connection c = from.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT block_height FROM index_watermark WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (final SQLException e) {
      throw new IndexException("could not read the index watermark", e);
    }
  }

  /** Hash (hex) of the last block applied; empty for a new index. */
  public Optional<String> indexedBlockHash() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT block_hash FROM index_watermark WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
    } catch (final SQLException e) {
      throw new IndexException("could not read the index watermark", e);
    }
  }

  /**
   * Indexes the versions written by the block at {@code height} in one SQL transaction and moves the
   * watermark to it. A block at or below the watermark was indexed already and is skipped.
   *
   * @return true if the block was applied, false if it was skipped
   * @throws IndexGapException if {@code height} is above the watermark + 1
   * @throws IllegalArgumentException if a version does not belong to this block
   */
  public boolean applyBlock(final long height, final String blockHashHex, final List<IndexedVersion> versions) {
    return applyBlock(height, blockHashHex, versions, SearchParamSource.NONE);
  }

  /**
   * Indexes a block as {@link #applyBlock(long, String, List)} does, with the search parameter values that
   * {@code params} gives for the newest version of each resource the block touches (computed before the SQL
   * transaction opens, so that parsing never holds the watermark lock).
   */
  public boolean applyBlock(
      final long height, final String blockHashHex, final List<IndexedVersion> versions, final SearchParamSource params) {
    for (final IndexedVersion v : versions) {
      if (v.blockHeight() != height) {
        throw new IllegalArgumentException("version of block " + v.blockHeight() + " offered with block " + height);
      }
    }
    // The height this index last noted decides whether to parse now, before the watermark lock; the lock's answer
    // decides what happens. Asking PostgreSQL here too was one more statement per block.
    final boolean parsed = height > knownIndexedHeight();
    final Map<IndexedVersion, List<IndexedParam>> paramRows = parsed ? paramRows(versions, params) : new LinkedHashMap<>();
    try (Connection c = blockWrites.getConnection()) {
      c.setAutoCommit(false);
      try {
        final long indexed = lockWatermark(c);
        if (height <= indexed) {
          c.rollback();
          noteIndexed(indexed);
          LOG.debug("index block skipped height={} indexedHeight={}", height, indexed);
          return false;
        }
        if (height > indexed + 1) {
          c.rollback();
          throw new IndexGapException(indexed, height);
        }
        if (!parsed) {
          // the noted height was ahead of the watermark: never write a block without its parameter rows
          paramRows.putAll(paramRows(versions, params));
        }
        writeVersions(c, versions);
        writeHeads(c, versions);
        SearchParamWriter.write(c, height, paramRows);
        moveWatermark(c, height, blockHashHex);
        c.commit();
        noteIndexed(height);
        refreshStatisticsIfGrown(c, versions.size());
        LOG.debug("index block applied height={} versions={}", height, versions.size());
        return true;
      } catch (final SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (final SQLException e) {
      throw new IndexException("could not index block " + height, e);
    }
  }

  private static Map<IndexedVersion, List<IndexedParam>> paramRows(final List<IndexedVersion> versions, final SearchParamSource params) {
    final Map<IndexedVersion, List<IndexedParam>> rows = new LinkedHashMap<>();
    for (final IndexedVersion head : heads(versions)) {
      rows.put(head, head.deleted() ? List.of() : params.paramsOf(head));
    }
    return rows;
  }

  /** Versions indexed since this index last ran ANALYZE, and the versions it had indexed then (since it was opened). */
  private long versionsSinceAnalyze;
  private long versionsAtAnalyze;

  /**
   * PostgreSQL plans from table statistics, and the migrations create the tables empty: until autovacuum's next
   * round (a minute apart, and only past its thresholds) a freshly filled index is planned as if each table held one
   * row, and a two-level chain ({@code Observation?encounter.service-provider.name=x}) became nested loops over every
   * row: 76 s on 120 Observations (found by the search corpus, issue 7). So the index runs ANALYZE itself whenever
   * it has grown by as many versions as it had at the previous one (at least {@link #ANALYZE_MIN_VERSIONS}): a few
   * times while it grows from empty, never per block. Statistics are an optimisation: a failure is logged, the block
   * stays indexed.
   */
  private synchronized void refreshStatisticsIfGrown(final Connection c, final int versions) {
    versionsSinceAnalyze += versions;
    if (versionsSinceAnalyze < Math.max(ANALYZE_MIN_VERSIONS, versionsAtAnalyze)) {
      return;
    }
    try (java.sql.Statement st = c.createStatement()) {
      st.execute("ANALYZE");
      c.commit();
      versionsAtAnalyze += versionsSinceAnalyze;
      versionsSinceAnalyze = 0;
      LOG.debug("index statistics refreshed versions={}", versionsAtAnalyze);
    } catch (final SQLException e) {
      LOG.warn("index statistics not refreshed (ANALYZE failed); searches may be planned from stale statistics", e);
    }
  }

  /** The growth, in versions, below which the index never runs ANALYZE itself. */
  static final long ANALYZE_MIN_VERSIONS = 200;

  private static long lockWatermark(final Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT block_height FROM index_watermark WHERE id = 1 FOR UPDATE");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new IndexException("index watermark row missing; was migrate() called?");
      }
      return rs.getLong(1);
    }
  }

  private static void writeVersions(final Connection c, final List<IndexedVersion> versions) throws SQLException {
    final CopyRows rows = new CopyRows("resource_version", COLUMNS);
    for (final IndexedVersion v : versions) {
      rows.text(v.resourceType()).text(v.resourceId()).number(v.version()).bool(v.deleted()).timestamp(v.lastUpdated())
          .text(v.contentId()).number(v.blockHeight()).text(v.txHash()).text(v.originNode()).endRow();
    }
    rows.send(c);
  }

  /** The newest version of each resource among {@code versions}. */
  private static java.util.Collection<IndexedVersion> heads(final List<IndexedVersion> versions) {
    final Map<String, IndexedVersion> heads = new LinkedHashMap<>();
    for (final IndexedVersion v : versions) {
      heads.merge(v.resourceType() + '/' + v.resourceId(), v, (a, b) -> b.version() > a.version() ? b : a);
    }
    return heads.values();
  }

  private static void writeHeads(final Connection c, final List<IndexedVersion> versions) throws SQLException {
    // One row per resource: a multi-row upsert may not touch the same row twice.
    try (PreparedStatement ps = c.prepareStatement(UPSERT_HEAD)) {
      for (final IndexedVersion v : heads(versions)) {
        bind(ps, v);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void moveWatermark(final Connection c, final long height, final String blockHashHex)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE index_watermark SET block_height = ?, block_hash = ?, updated_at = now() WHERE id = 1")) {
      ps.setLong(1, height);
      ps.setString(2, blockHashHex);
      ps.executeUpdate();
    }
  }

  private static void bind(final PreparedStatement ps, final IndexedVersion v) throws SQLException {
    ps.setString(1, v.resourceType());
    ps.setString(2, v.resourceId());
    ps.setLong(3, v.version());
    ps.setBoolean(4, v.deleted());
    ps.setObject(5, OffsetDateTime.ofInstant(v.lastUpdated(), ZoneOffset.UTC));
    if (v.contentId() == null) {
      ps.setNull(6, Types.VARCHAR);
    } else {
      ps.setString(6, v.contentId());
    }
    ps.setLong(7, v.blockHeight());
    ps.setString(8, v.txHash());
    ps.setString(9, v.originNode());
  }

  /**
   * One page of the live resources of a type, newest first (ties by id).
   *
   * @param asOfHeight null for the current state; else the state right after that block
   */
  public List<IndexedVersion> currentResources(final String type, final int offset, final int count, final Long asOfHeight) {
    if (offset < 0 || count < 0) {
      throw new IllegalArgumentException("offset and count must not be negative");
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(asOfHeight == null ? CURRENT_PAGE : CURRENT_PAGE_AS_OF)) {
      int i = 1;
      ps.setString(i++, type);
      if (asOfHeight != null) {
        ps.setLong(i++, asOfHeight);
      }
      ps.setInt(i++, offset);
      ps.setInt(i, count);
      return readAll(ps);
    } catch (final SQLException e) {
      throw new IndexException("could not list " + type, e);
    }
  }

  /** One page of the resources a search matches, as of its height, in its order. */
  public List<IndexedVersion> search(final SearchQuery query, final int offset, final int count) {
    if (offset < 0 || count < 0) {
      throw new IllegalArgumentException("offset and count must not be negative");
    }
    final SearchSql sql = SearchSql.page(query, offset, count);
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.sql())) {
      sql.bind(ps);
      return readAll(ps);
    } catch (final SQLException e) {
      throw new IndexException("could not search " + query.type(), e);
    }
  }

  /** Number of resources a search matches, as of its height. */
  public long count(final SearchQuery query) {
    final SearchSql sql = SearchSql.count(query);
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.sql())) {
      sql.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (final SQLException e) {
      throw new IndexException("could not count " + query.type(), e);
    }
  }

  /**
   * An estimate of the number of resources a search matches ({@code _total=estimate}): exact up to {@code cap}
   * matches (a count that stops at {@code cap + 1} rows); above, PostgreSQL's planner estimate of the rows of the
   * search, but never less than {@code cap + 1}. One statement, two above the cap.
   */
  public long estimateCount(final SearchQuery query, final int cap) {
    final SearchSql capped = SearchSql.cappedCount(query, cap);
    try (Connection c = dataSource.getConnection()) {
      final long counted;
      try (PreparedStatement ps = c.prepareStatement(capped.sql())) {
        capped.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          counted = rs.getLong(1);
        }
      }
      if (counted <= cap) {
        return counted;
      }
      final SearchSql rows = SearchSql.rows(query);
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) " + rows.sql())) {
        rows.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return Math.max(cap + 1L, planRows(rs.getString(1)));
        }
      }
    } catch (final SQLException e) {
      throw new IndexException("could not estimate the count of " + query.type(), e);
    }
  }

  /** The top plan node's "Plan Rows" of an {@code EXPLAIN (FORMAT JSON)} answer. */
  static long planRows(final String explainJson) {
    final java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"Plan Rows\"\\s*:\\s*([0-9.eE+]+)").matcher(explainJson);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  /** Number of live resources of a type right after the given block, so a pinned search's total matches its pages. */
  public long countCurrent(final String type, final long asOfHeight) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM (SELECT DISTINCT ON (res_id) deleted FROM resource_version"
            + " WHERE res_type = ? AND block_height <= ? ORDER BY res_id, version DESC) head WHERE NOT deleted")) {
      ps.setString(1, type);
      ps.setLong(2, asOfHeight);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (final SQLException e) {
      throw new IndexException("could not count " + type, e);
    }
  }

  /** Number of live (not deleted) resources of a type. */
  public long countCurrent(final String type) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM resource WHERE res_type = ? AND NOT deleted")) {
      ps.setString(1, type);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (final SQLException e) {
      throw new IndexException("could not count " + type, e);
    }
  }

  /** The head of a resource, a deleted head included (so the caller can answer 410 rather than 404). */
  public Optional<IndexedVersion> current(final String type, final String id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM resource WHERE res_type = ? AND res_id = ?")) {
      ps.setString(1, type);
      ps.setString(2, id);
      return readAll(ps).stream().findFirst();
    } catch (final SQLException e) {
      throw new IndexException("could not read " + type, e);
    }
  }

  /** Every indexed version of a resource, newest first. */
  public List<IndexedVersion> history(final String type, final String id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT " + COLUMNS + " FROM resource_version WHERE res_type = ? AND res_id = ? ORDER BY version DESC")) {
      ps.setString(1, type);
      ps.setString(2, id);
      return readAll(ps);
    } catch (final SQLException e) {
      throw new IndexException("could not read the history of " + type, e);
    }
  }

  static List<IndexedVersion> readAll(final PreparedStatement ps) throws SQLException {
    final List<IndexedVersion> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new IndexedVersion(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                rs.getBoolean(4),
                rs.getObject(5, OffsetDateTime.class).toInstant(),
                rs.getString(6),
                rs.getLong(7),
                rs.getString(8),
                rs.getString(9)));
      }
    }
    return out;
  }

  /** Records that a member was seen; its first-seen time is kept, name and endpoint are updated. */
  public void recordNode(final String nodeKeyHex, final String name, final String p2pEndpoint, final Instant seenAt) {
    final OffsetDateTime at = OffsetDateTime.ofInstant(seenAt, ZoneOffset.UTC);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO node_registry (node_key, name, p2p_endpoint, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT (node_key) DO UPDATE SET name = EXCLUDED.name,"
                    + " p2p_endpoint = EXCLUDED.p2p_endpoint,"
                    + " last_seen = GREATEST(node_registry.last_seen, EXCLUDED.last_seen)")) {
      ps.setString(1, nodeKeyHex);
      ps.setString(2, name);
      ps.setString(3, p2pEndpoint);
      ps.setObject(4, at);
      ps.setObject(5, at);
      ps.executeUpdate();
    } catch (final SQLException e) {
      throw new IndexException("could not record node", e);
    }
  }

  /**
   * A committed membership change: the members of {@code current} are members (a member added again loses its
   * removal), the {@code removed} ones were removed by the block at {@code height} (an earlier removal is kept).
   * Idempotent, so a node replays the chain's history into it on every start.
   */
  public void recordMembership(final java.util.Collection<String> currentKeysHex, final java.util.Collection<String> removedKeysHex,
      final long height) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement members = c.prepareStatement(
            "UPDATE node_registry SET removed_at_height = NULL WHERE node_key = ANY (?) AND removed_at_height IS NOT NULL");
        PreparedStatement removed = c.prepareStatement(
            "UPDATE node_registry SET removed_at_height = ? WHERE node_key = ANY (?) AND removed_at_height IS NULL")) {
      members.setArray(1, c.createArrayOf("varchar", currentKeysHex.toArray()));
      members.executeUpdate();
      removed.setLong(1, height);
      removed.setArray(2, c.createArrayOf("varchar", removedKeysHex.toArray()));
      removed.executeUpdate();
    } catch (final SQLException e) {
      throw new IndexException("could not record a membership change", e);
    }
  }

  /** Members seen so far, by name. */
  public List<RegisteredNode> nodes() {
    final List<RegisteredNode> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT node_key, name, p2p_endpoint, first_seen, last_seen, removed_at_height FROM node_registry"
                + " ORDER BY name, node_key");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new RegisteredNode(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getObject(4, OffsetDateTime.class).toInstant(),
                rs.getObject(5, OffsetDateTime.class).toInstant(),
                rs.getObject(6) == null ? null : rs.getLong(6)));
      }
      return out;
    } catch (final SQLException e) {
      throw new IndexException("could not list nodes", e);
    }
  }

  /** Appends to the node's log. Callers must never pass PHI: events and ids only. */
  public void log(final String level, final String event, final String detail) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO node_log (level, event, detail) VALUES (?, ?, ?)")) {
      ps.setString(1, level);
      ps.setString(2, event);
      ps.setString(3, detail);
      ps.executeUpdate();
    } catch (final SQLException e) {
      throw new IndexException("could not write node log", e);
    }
  }

  /** The newest {@code limit} log entries, newest first. */
  public List<NodeLogEntry> recentLogs(final int limit) {
    final List<NodeLogEntry> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id, ts, level, event, detail FROM node_log ORDER BY id DESC LIMIT ?")) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new NodeLogEntry(
                  rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3), rs.getString(4), rs.getString(5)));
        }
      }
      return out;
    } catch (final SQLException e) {
      throw new IndexException("could not read node log", e);
    }
  }
}
