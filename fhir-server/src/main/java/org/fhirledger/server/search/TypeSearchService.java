package org.fhirledger.server.search;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import java.util.Map;
import org.fhirledger.ledger.node.LedgerNode;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.dao.LedgerResourceDao;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.SearchIndex;
import org.fhirledger.server.index.SearchQuery;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Type-level search on the PostgreSQL index ({@code GET [type]?...}). A search is pinned to the block height
 * indexed when it ran: its total and all of its pages (HAPI's paging provider keeps the bundle provider, so
 * next/previous links come back here) read the index as of that height, so concurrent writes never shift them.
 */
public final class TypeSearchService {
  private static final Logger LOG = LoggerFactory.getLogger(TypeSearchService.class);

  private final SearchIndex index;
  private final LedgerNode ledger;
  private final LedgerResourceDao dao;
  private final SearchRequestParser parser;
  /** {@code _total=estimate} counts exactly up to this many matches, and asks PostgreSQL's planner above. */
  static final int EXACT_ESTIMATE_UP_TO = 1000;

  public TypeSearchService(final SearchIndex index, final LedgerNode ledger, final LedgerResourceDao dao) {
    this(index, ledger, dao, () -> SearchParamRegistry.base(FhirContexts.r4()));
  }

  /** A search service over the parameters {@code registry} gives at each search (custom ones come and go). */
  public TypeSearchService(final SearchIndex index, final LedgerNode ledger, final LedgerResourceDao dao,
      final java.util.function.Supplier<SearchParamRegistry> registry) {
    this.index = index;
    this.ledger = ledger;
    this.dao = dao;
    this.parser = new SearchRequestParser(registry);
  }

  /** Every current resource of a type, newest first. */
  public IBundleProvider allOfType(final String type) {
    return search(type, Map.of(), false);
  }

  /**
   * A search with the request's query parameters.
   *
   * @param lenient skip unsupported parameters rather than answering 400 ({@code Prefer: handling=lenient})
   */
  public IBundleProvider search(final String type, final Map<String, String[]> parameters, final boolean lenient) {
    final long height = index.indexedHeightAfter(ledger.store().height());
    final SearchRequestParser.ParsedSearch parsed = parser.parse(type, parameters, lenient, height);
    if (!parsed.ignored().isEmpty()) {
      // the client asked for this (Prefer: handling=lenient), yet it may not know that its criteria were dropped
      LOG.warn("search parameters ignored under handling=lenient type={} params={}", type, parsed.ignored());
    }
    final SearchQuery query = parsed.query();
    return new SearchPages(total(parsed), index, query, parsed.includes(), parsed.countOnly(), this::load);
  }

  private Integer total(final SearchRequestParser.ParsedSearch parsed) {
    if (parsed.accurateTotal()) {
      return Math.toIntExact(index.count(parsed.query()));
    }
    if (parsed.total() == SearchRequestParser.TotalMode.ESTIMATE) {
      return Math.toIntExact(Math.min(Integer.MAX_VALUE, index.estimateCount(parsed.query(), EXACT_ESTIMATE_UP_TO)));
    }
    return null;
  }

  private Resource load(final IndexedVersion v) {
    return dao.load(ledger.store().version(v.resourceType(), v.resourceId(), v.version()).orElseThrow());
  }
}
