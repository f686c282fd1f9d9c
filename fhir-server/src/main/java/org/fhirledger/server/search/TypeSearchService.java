package org.fhirledger.server.search;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.fhirledger.ledger.node.LedgerNode;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.dao.LedgerResourceDao;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.SearchIndex;
import org.fhirledger.server.index.SearchQuery;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.InstantType;
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
  private final SearchRequestParser parser = new SearchRequestParser(FhirContexts.r4());

  public TypeSearchService(final SearchIndex index, final LedgerNode ledger, final LedgerResourceDao dao) {
    this.index = index;
    this.ledger = ledger;
    this.dao = dao;
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
    final long height = indexedHeightAfterOwnWrites();
    final SearchRequestParser.ParsedSearch parsed = parser.parse(type, parameters, lenient, height);
    if (!parsed.ignored().isEmpty()) {
      LOG.debug("search parameters ignored (lenient) type={} params={}", type, parsed.ignored());
    }
    final SearchQuery query = parsed.query();
    final Integer total = parsed.accurateTotal() ? Integer.valueOf((int) index.count(query)) : null;
    final Date published = new Date();
    return new IBundleProvider() {
      @Override
      public IPrimitiveType<Date> getPublished() {
        return new InstantType(published);
      }

      @Override
      public List<IBaseResource> getResources(final int from, final int to) {
        final List<IBaseResource> out = new ArrayList<>();
        for (final IndexedVersion v : index.search(query, from, Math.max(0, to - from))) {
          final ResourceVersion rv = ledger.store().version(v.resourceType(), v.resourceId(), v.version()).orElseThrow();
          out.add(dao.load(rv));
        }
        return out;
      }

      @Override
      public String getUuid() {
        return null;
      }

      @Override
      public Integer preferredPageSize() {
        return null;
      }

      @Override
      public Integer size() {
        return total;
      }
    };
  }

  /**
   * The indexed height, once the index has caught up with what the ledger had applied when the request came in
   * (bounded): indexing runs behind the ledger, and a client must still find the write it just made here.
   */
  private long indexedHeightAfterOwnWrites() {
    index.awaitIndexed(ledger.store().height(), READ_YOUR_WRITES_WAIT_MILLIS);
    return index.indexedHeight();
  }

  private static final long READ_YOUR_WRITES_WAIT_MILLIS = 5_000;
}
