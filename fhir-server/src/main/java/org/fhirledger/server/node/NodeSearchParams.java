package org.fhirledger.server.node;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.server.index.IndexedParam;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.ReindexJobs;
import org.fhirledger.server.index.SearchIndex;
import org.fhirledger.server.search.CustomSearchParams;
import org.fhirledger.server.search.SearchParamExtractor;
import org.fhirledger.server.search.SearchParamRegistry;
import org.hl7.fhir.r4.model.SearchParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's search parameters as its chain and its ig module define them, and the background reindex that makes a
 * new custom parameter searchable. Every method but the read-only ones runs on the node's indexer thread.
 *
 * <p>Deterministic activation: a {@code SearchParameter} written (created, updated, deleted) at block H changes the
 * registry once block H is indexed, so the live indexer extracts it from block H + 1 on at every node, whatever the
 * timing. The resources whose head was written at or below H get its rows from a reindex job, in batches between
 * blocks; the rows it writes are valid from H. Until the job is done on this node, searching on the parameter is a
 * 400 ({@link SearchParamRegistry#searchParam}). A parameter of the ig module is active from the genesis on a new
 * node (nothing to reindex), and from the height indexed at the start that first met it on an existing one.
 */
public final class NodeSearchParams {
  private static final Logger LOG = LoggerFactory.getLogger(NodeSearchParams.class);
  /** Resources per reindex batch: one SQL transaction, and the longest a new block waits for the indexer. */
  static final int REINDEX_BATCH = 200;
  private static final String SEARCH_PARAMETER = "SearchParameter";

  private final FhirContext fhir;
  private final SearchIndex index;
  private final ReindexJobs jobs;
  private final LedgerStore store;
  private final LedgerContent content;
  private final List<SearchParameter> fromIg;
  private volatile Snapshot current;

  /** A registry with the extractor of its parameters (one per registry: extractors cache compiled paths by type). */
  private record Snapshot(SearchParamRegistry registry, SearchParamExtractor extractor, Map<String, RuntimeSearchParam> activeByUrl,
      Set<String> reindexingUrls) {
    boolean reindexing() {
      return !reindexingUrls.isEmpty();
    }
  }

  public NodeSearchParams(final FhirContext fhir, final SearchIndex index, final LedgerStore store, final LedgerContent content) {
    this.fhir = fhir;
    this.index = index;
    this.jobs = index.reindexJobs();
    this.store = store;
    this.content = content;
    this.fromIg = CustomSearchParams.fromIg(fhir);
    final SearchParamRegistry base = SearchParamRegistry.base(fhir);
    this.current = new Snapshot(base, new SearchParamExtractor(base), Map.of(), Set.of());
  }

  /** The parameters as of the indexed height, with the custom ones still reindexing marked as such. */
  public SearchParamRegistry registry() {
    return current.registry();
  }

  /** The extractor the live indexer uses for the next block. */
  SearchParamExtractor extractor() {
    return current.extractor();
  }

  /**
   * The reindex jobs of this node, for {@code $ledger-status}. A job reads as done once its parameter is searchable
   * here: the job's last batch commits just before the registry that makes it searchable is swapped in.
   */
  public List<ReindexJobs.Job> reindexJobs() {
    final Set<String> searchableNot = current.reindexingUrls();
    return jobs.all().stream().map(j -> j.done() && searchableNot.contains(j.url())
        ? new ReindexJobs.Job(j.url(), j.fingerprint(), j.code(), j.bases(), j.activationHeight(), ReindexJobs.RUNNING, j.cursorType(), j.cursorId(),
            j.resourcesDone(), j.resourcesTotal(), null)
        : j).toList();
  }

  /**
   * Reads the active custom parameters from the ig module and from the live SearchParameters of the index (as of its
   * watermark), starts a reindex job for each one new or changed, drops the jobs of those gone, and swaps in the new
   * registry. Called at start and after each indexed block that wrote a SearchParameter.
   */
  void reload() {
    final Map<String, RuntimeSearchParam> active = new LinkedHashMap<>();
    final Map<String, Long> activation = new LinkedHashMap<>();
    final long indexed = index.indexedHeight();
    for (final SearchParameter sp : fromIg) {
      add(sp, indexed, active, activation);
    }
    // The chain's, oldest first, so that of two parameters of one code the first written keeps it on every node.
    final List<IndexedVersion> heads = new ArrayList<>(liveSearchParameters());
    heads.sort(java.util.Comparator.comparingLong(IndexedVersion::blockHeight).thenComparing(IndexedVersion::resourceId));
    for (final IndexedVersion head : heads) {
      final SearchParameter sp = (SearchParameter) IndexingBlockListener.parse(content.read(org.fhirledger.ledger.dag.ContentId.parse(head.contentId())));
      sp.setId(head.resourceId());
      add(sp, head.blockHeight(), active, activation);
    }
    for (final Map.Entry<String, RuntimeSearchParam> e : active.entrySet()) {
      final RuntimeSearchParam sp = e.getValue();
      jobs.start(e.getKey(), fingerprint(sp), sp.getName(), List.copyOf(sp.getBase()), activation.get(e.getKey()));
    }
    jobs.retainOnly(active.keySet());
    publish(active);
  }

  private void add(final SearchParameter sp, final long height, final Map<String, RuntimeSearchParam> active, final Map<String, Long> activation) {
    final String rejection = CustomSearchParams.rejection(fhir, sp);
    if (rejection != null) {
      LOG.info("SearchParameter adds no search parameter id={} reason={}", sp.getIdElement().getIdPart(), rejection);
      return;
    }
    final RuntimeSearchParam runtime = CustomSearchParams.toRuntime(fhir, sp);
    // a chain SearchParameter of an ig url replaces the ig one
    active.remove(runtime.getUri());
    active.put(runtime.getUri(), runtime);
    activation.put(runtime.getUri(), height);
  }

  private List<IndexedVersion> liveSearchParameters() {
    final List<IndexedVersion> out = new ArrayList<>();
    final int page = 500;
    for (int offset = 0; ; offset += page) {
      final List<IndexedVersion> some = index.currentResources(SEARCH_PARAMETER, offset, page, null);
      out.addAll(some);
      if (some.size() < page) {
        return out;
      }
    }
  }

  private void publish(final Map<String, RuntimeSearchParam> active) {
    final Set<String> reindexing = jobs.all().stream().filter(j -> !j.done()).map(ReindexJobs.Job::url).collect(Collectors.toSet());
    final SearchParamRegistry registry = SearchParamRegistry.of(fhir, active.values(), reindexing);
    current = new Snapshot(registry, new SearchParamExtractor(registry), Map.copyOf(active),
        reindexing.stream().filter(active::containsKey).collect(Collectors.toUnmodifiableSet()));
  }

  /** After a block is indexed: a SearchParameter among its versions changes the parameters from the next block on. */
  void afterBlock(final List<IndexedVersion> versions) {
    if (versions.stream().anyMatch(v -> SEARCH_PARAMETER.equals(v.resourceType()))) {
      reload();
      LOG.info("search parameters reloaded height={} custom={}", index.indexedHeight(), current.activeByUrl().keySet());
    }
  }

  /** Whether a reindex job is still running (no SQL: the indexer asks after every block). */
  boolean reindexPending() {
    return current.reindexing();
  }

  /**
   * Runs one batch of the first running job: the next resources it covers get the parameter's rows. When the job is
   * done, the parameter becomes searchable here.
   *
   * @return whether a job is still running after this batch
   */
  boolean reindexStep() {
    final Snapshot snapshot = current;
    final ReindexJobs.Job job = jobs.all().stream().filter(j -> !j.done() && snapshot.activeByUrl().containsKey(j.url())).findFirst().orElse(null);
    if (job == null) {
      return false;
    }
    final RuntimeSearchParam param = snapshot.activeByUrl().get(job.url());
    final SearchParamExtractor one = new SearchParamExtractor(snapshot.registry().onlyExtracting(param.getName()));
    final List<IndexedVersion> batch = jobs.nextBatch(job, REINDEX_BATCH);
    final Map<IndexedVersion, List<IndexedParam>> rows = new LinkedHashMap<>();
    for (final IndexedVersion v : batch) {
      final byte[] json;
      try {
        json = content.read(org.fhirledger.ledger.dag.ContentId.parse(v.contentId()));
      } catch (final org.fhirledger.ledger.dag.DagException e) {
        // as the live indexer does: content nobody can serve any more gets no rows rather than stopping the job
        LOG.warn("content not readable, reindexed without rows resource={}/{} reason={}", v.resourceType(), v.resourceId(), e.getMessage());
        rows.put(v, List.of());
        continue;
      }
      final List<IndexedParam> values = one.extract(IndexingBlockListener.parse(json)).stream()
          .filter(p -> p.name().equals(param.getName()) || p.name().startsWith(param.getName() + ":")).toList();
      rows.put(v, values);
    }
    final boolean last = batch.size() < REINDEX_BATCH;
    final ReindexJobs.Job moved = jobs.writeBatch(job, rows, last, index.indexedHeight());
    if (last) {
      LOG.info("reindex done param={} url={} resources={} activationHeight={}", job.code(), job.url(), moved.resourcesDone(), job.activationHeight());
      publish(snapshot.activeByUrl());
    }
    return reindexPending();
  }

  /** What of a parameter's definition decides its rows: a change of any of it restarts its reindex. */
  static String fingerprint(final RuntimeSearchParam sp) {
    final StringBuilder s = new StringBuilder().append(sp.getName()).append('\n').append(sp.getParamType()).append('\n')
        .append(String.join(",", sp.getBase())).append('\n').append(sp.getPath()).append('\n')
        .append(String.join(",", new java.util.TreeSet<>(sp.getTargets())));
    for (final RuntimeSearchParam.Component c : sp.getComponents()) {
      s.append('\n').append(c.getReference()).append(' ').append(c.getExpression());
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (final NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
