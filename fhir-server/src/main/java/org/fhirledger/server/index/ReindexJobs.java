package org.fhirledger.server.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The background reindex of custom search parameters, in the {@code search_param_reindex} table (migration V5.7):
 * one job per parameter url, and the batches that give the resources written before the parameter its rows. A job
 * only ever runs on the node's indexer thread, between blocks, so no block is indexed while a batch writes.
 */
public final class ReindexJobs {
  /** Job states. */
  public static final String RUNNING = "running";
  public static final String DONE = "done";

  private static final String JOB_COLUMNS = "param_url, fingerprint, code, base_types, activation_height, state, cursor_type, cursor_id,"
      + " resources_done, resources_total, done_height";
  private static final String HEAD_COLUMNS =
      "res_type, res_id, version, deleted, last_updated, content_id, block_height, tx_hash, origin_node";

  private final DataSource dataSource;

  ReindexJobs(final DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * One job.
   *
   * @param fingerprint what of the parameter's definition decides its rows (a new one restarts the job)
   * @param bases the resource types it indexes, in the order the job walks them
   * @param activationHeight the block that wrote it: resources whose head is at or below it are the job's
   * @param cursorType the type of the last resource done (null before the first batch)
   * @param cursorId the id of the last resource done
   * @param doneHeight the indexed height when the job finished (null while it runs)
   */
  public record Job(String url, String fingerprint, String code, List<String> bases, long activationHeight, String state,
      String cursorType, String cursorId, long resourcesDone, long resourcesTotal, Long doneHeight) {
    public Job {
      Objects.requireNonNull(url, "url");
      bases = List.copyOf(bases);
    }

    public boolean done() {
      return DONE.equals(state);
    }
  }

  /** Every job, by url. */
  public List<Job> all() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT " + JOB_COLUMNS + " FROM search_param_reindex ORDER BY param_url");
        ResultSet rs = ps.executeQuery()) {
      final List<Job> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new Job(rs.getString(1), rs.getString(2), rs.getString(3), List.of(rs.getString(4).split(",")), rs.getLong(5), rs.getString(6),
            rs.getString(7), rs.getString(8), rs.getLong(9), rs.getLong(10), rs.getObject(11) == null ? null : rs.getLong(11)));
      }
      return out;
    } catch (final SQLException e) {
      throw new IndexException("could not read the reindex jobs", e);
    }
  }

  /**
   * Starts the job of a parameter, replacing one of another fingerprint; a job of the same fingerprint is kept as it
   * is. Its total is the count of live resources of its bases whose head is at or below the activation height; with
   * none, the job is done at once.
   */
  public void start(final String url, final String fingerprint, final String code, final List<String> bases, final long activationHeight) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint FROM search_param_reindex WHERE param_url = ? FOR UPDATE")) {
          ps.setString(1, url);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next() && fingerprint.equals(rs.getString(1))) {
              c.rollback();
              return;
            }
          }
        }
        final long total = candidates(c, bases, activationHeight);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO search_param_reindex (" + JOB_COLUMNS + ") VALUES"
            + " (?, ?, ?, ?, ?, ?, NULL, NULL, 0, ?, ?) ON CONFLICT (param_url) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,"
            + " code = EXCLUDED.code, base_types = EXCLUDED.base_types, activation_height = EXCLUDED.activation_height,"
            + " state = EXCLUDED.state, cursor_type = NULL, cursor_id = NULL, resources_done = 0,"
            + " resources_total = EXCLUDED.resources_total, done_height = EXCLUDED.done_height")) {
          ps.setString(1, url);
          ps.setString(2, fingerprint);
          ps.setString(3, code);
          ps.setString(4, String.join(",", bases));
          ps.setLong(5, activationHeight);
          ps.setString(6, total == 0 ? DONE : RUNNING);
          ps.setLong(7, total);
          if (total == 0) {
            ps.setLong(8, activationHeight);
          } else {
            ps.setNull(8, java.sql.Types.BIGINT);
          }
          ps.executeUpdate();
        }
        c.commit();
      } catch (final SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (final SQLException e) {
      throw new IndexException("could not start the reindex of " + url, e);
    }
  }

  /** Drops the jobs of parameters no longer active. */
  public void retainOnly(final Set<String> urls) {
    for (final Job j : all()) {
      if (!urls.contains(j.url())) {
        try (Connection c = dataSource.getConnection();
            PreparedStatement ps = c.prepareStatement("DELETE FROM search_param_reindex WHERE param_url = ?")) {
          ps.setString(1, j.url());
          ps.executeUpdate();
        } catch (final SQLException e) {
          throw new IndexException("could not drop the reindex of " + j.url(), e);
        }
      }
    }
  }

  private static long candidates(final Connection c, final List<String> bases, final long height) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT count(*) FROM resource WHERE res_type = ANY (?) AND NOT deleted AND block_height <= ?")) {
      ps.setArray(1, c.createArrayOf("varchar", bases.toArray()));
      ps.setLong(2, height);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * The next resources of a job after its cursor: live heads of its bases written at or below its activation
   * height, in (type in base order, id) order. A resource written after the activation is not one: the live indexer
   * gave its new version the parameter's rows.
   */
  public List<IndexedVersion> nextBatch(final Job job, final int limit) {
    final List<IndexedVersion> out = new ArrayList<>();
    final int from = job.cursorType() == null ? 0 : Math.max(0, job.bases().indexOf(job.cursorType()));
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT " + HEAD_COLUMNS + " FROM resource WHERE res_type = ? AND res_id > ?"
            + " AND NOT deleted AND block_height <= ? ORDER BY res_id LIMIT ?")) {
      for (int i = from; i < job.bases().size() && out.size() < limit; i++) {
        final String type = job.bases().get(i);
        ps.setString(1, type);
        ps.setString(2, type.equals(job.cursorType()) ? job.cursorId() : "");
        ps.setLong(3, job.activationHeight());
        ps.setInt(4, limit - out.size());
        out.addAll(SearchIndex.readAll(ps));
      }
      return out;
    } catch (final SQLException e) {
      throw new IndexException("could not read the next reindex batch of " + job.url(), e);
    }
  }

  /**
   * Writes one batch in one SQL transaction: closes the open rows of the parameter (its code and the derived
   * {@code code:...} names) of these resources at the activation height, inserts their new rows valid from it, and
   * moves the job's cursor; with {@code last}, the job is done at {@code indexedHeight}.
   *
   * @param rows the parameter's rows of each resource of the batch, in batch order
   */
  public Job writeBatch(final Job job, final Map<IndexedVersion, List<IndexedParam>> rows, final boolean last, final long indexedHeight) {
    final List<IndexedVersion> batch = new ArrayList<>(rows.keySet());
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        for (final String table : SearchParamWriter.TABLES) {
          try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET valid_to = ? WHERE res_type = ? AND res_id = ?"
              + " AND valid_to IS NULL AND (sp_name = ? OR sp_name LIKE ?)")) {
            for (final IndexedVersion v : batch) {
              ps.setLong(1, job.activationHeight());
              ps.setString(2, v.resourceType());
              ps.setString(3, v.resourceId());
              ps.setString(4, job.code());
              ps.setString(5, job.code() + ":%");
              ps.addBatch();
            }
            ps.executeBatch();
          }
        }
        SearchParamWriter.insertRows(c, job.activationHeight(), rows);
        final IndexedVersion lastDone = batch.isEmpty() ? null : batch.get(batch.size() - 1);
        final Job moved = new Job(job.url(), job.fingerprint(), job.code(), job.bases(), job.activationHeight(), last ? DONE : RUNNING,
            lastDone == null ? job.cursorType() : lastDone.resourceType(), lastDone == null ? job.cursorId() : lastDone.resourceId(),
            job.resourcesDone() + batch.size(), last ? job.resourcesDone() + batch.size() : Math.max(job.resourcesTotal(), job.resourcesDone() + batch.size()),
            last ? indexedHeight : null);
        try (PreparedStatement ps = c.prepareStatement("UPDATE search_param_reindex SET state = ?, cursor_type = ?, cursor_id = ?,"
            + " resources_done = ?, resources_total = ?, done_height = ? WHERE param_url = ? AND fingerprint = ?")) {
          ps.setString(1, moved.state());
          ps.setString(2, moved.cursorType());
          ps.setString(3, moved.cursorId());
          ps.setLong(4, moved.resourcesDone());
          ps.setLong(5, moved.resourcesTotal());
          if (moved.doneHeight() == null) {
            ps.setNull(6, java.sql.Types.BIGINT);
          } else {
            ps.setLong(6, moved.doneHeight());
          }
          ps.setString(7, job.url());
          ps.setString(8, job.fingerprint());
          if (ps.executeUpdate() != 1) {
            throw new IndexException("reindex job of " + job.url() + " changed while a batch ran");
          }
        }
        c.commit();
        return moved;
      } catch (final SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (final SQLException e) {
      throw new IndexException("could not write a reindex batch of " + job.url(), e);
    }
  }
}
