package org.fhirledger.server.search;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.node.LedgerNode;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.server.dao.LedgerResourceDao;
import org.fhirledger.server.index.HistoryIndex;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.SearchIndex;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The history interactions (instance, type, system) over the index's version table, pinned to the block height
 * the first page was read at so that paging through {@code next} links never shifts. HAPI pages a history by
 * calling the method again with {@code _offset}; the pinned height travels in the page links as
 * {@link #HEIGHT_PARAM} (added by the REST layer). Each version comes back as the
 * resource it was, marked with the interaction that wrote it ({@link HistoryEntries}); a deletion comes back as an
 * empty placeholder of its type, which the response shapes into a DELETE entry without a resource.
 */
public final class HistoryService {
  /** The page-link parameter that pins a history to a block height. */
  public static final String HEIGHT_PARAM = "ledger-height";

  /**
   * Which page of a history is asked for.
   *
   * @param pinnedHeight the height of the first page, null for a first page
   * @param offset versions to skip
   */
  public record Paging(Long pinnedHeight, int offset) {
    public static final Paging FIRST = new Paging(null, 0);
  }

  /** One page's versions, and the block height the whole history is read at. */
  public interface Result extends IBundleProvider {
    long asOfHeight();
  }
  private final SearchIndex index;
  private final LedgerNode ledger;
  private final LedgerResourceDao dao;

  public HistoryService(final SearchIndex index, final LedgerNode ledger, final LedgerResourceDao dao) {
    this.index = index;
    this.ledger = ledger;
    this.dao = dao;
  }

  /** {@code GET [type]/[id]/_history}: 404 for an id that never existed. */
  public Result instance(final String type, final String id, final Date since, final DateRangeParam at, final Paging paging) {
    final HistoryIndex.Query q = query(type, id, since, at, paging);
    if (ledger.store().version(type, id, 1).isEmpty()) {
      throw new ResourceNotFoundException(new IdType(type, id));
    }
    return provider(q, paging.offset());
  }

  /** {@code GET [type]/_history}. */
  public Result type(final String type, final Date since, final DateRangeParam at, final Paging paging) {
    return provider(query(type, null, since, at, paging), paging.offset());
  }

  /** {@code GET /_history}. */
  public Result system(final Date since, final DateRangeParam at, final Paging paging) {
    return provider(query(null, null, since, at, paging), paging.offset());
  }

  private HistoryIndex.Query query(final String type, final String id, final Date since, final DateRangeParam at, final Paging paging) {
    final long indexed = index.indexedHeightAfter(ledger.store().height());
    final long height = paging.pinnedHeight() == null ? indexed : paging.pinnedHeight();
    if (height < 0 || height > indexed) {
      throw new InvalidRequestException(HEIGHT_PARAM + " " + height + " is not a block height this node has indexed (0.." + indexed + ")");
    }
    Instant atStart = null;
    Instant atEnd = null;
    if (at != null && (at.getLowerBound() != null || at.getUpperBound() != null)) {
      if (at.getLowerBound() == null || at.getUpperBound() == null) {
        throw new InvalidRequestException("_at must be one date or dateTime (a period), without a prefix");
      }
      // DateRangeParam gives the inclusive ends of the period the value names (e.g. a whole day for 2024-05-01).
      atStart = at.getLowerBoundAsInstant().toInstant();
      atEnd = at.getUpperBoundAsInstant().toInstant().plusMillis(1);
    }
    return new HistoryIndex.Query(type, id, since == null ? null : since.toInstant(), atStart, atEnd, height);
  }

  // HAPI asks an offset-paged history for getResources(0, pageSize): the offset is applied here.
  private Result provider(final HistoryIndex.Query q, final int offset) {
    final HistoryIndex history = index.historyIndex();
    final int total = Math.toIntExact(history.count(q));
    return new HistoryPages(total, q.asOfHeight()) {
      @Override
      List<IndexedVersion> page(final int from, final int count) {
        return history.page(q, offset + from, count);
      }

      @Override
      Resource load(final IndexedVersion v) {
        return HistoryService.this.load(v);
      }
    };
  }

  /** History pages, which also say the height they were read at (it travels in the page links). */
  private abstract static class HistoryPages extends IndexedPages implements Result {
    private final long asOfHeight;

    HistoryPages(final int total, final long asOfHeight) {
      super(total);
      this.asOfHeight = asOfHeight;
    }

    @Override
    public long asOfHeight() {
      return asOfHeight;
    }
  }

  private Resource load(final IndexedVersion v) {
    final ResourceVersion rv = ledger.store().version(v.resourceType(), v.resourceId(), v.version()).orElseThrow();
    final Resource r;
    if (rv.deleted()) {
      r = dao.placeholder(rv.resourceType());
      r.setId(new IdType(rv.resourceType(), rv.resourceId(), String.valueOf(rv.versionId())));
      r.getMeta().setVersionId(String.valueOf(rv.versionId()));
      r.getMeta().setLastUpdatedElement(new InstantType(new Date(rv.timestamp())));
    } else {
      r = dao.load(rv);
    }
    HistoryEntries.mark(r, rv.operation() == Operation.DELETE ? HistoryEntries.Kind.DELETE
        : rv.operation() == Operation.CREATE ? HistoryEntries.Kind.CREATE : HistoryEntries.Kind.UPDATE,
        rv.versionId() == 1 || previousWasDeleted(rv));
    return r;
  }

  private boolean previousWasDeleted(final ResourceVersion rv) {
    return rv.versionId() > 1 && rv.operation() != Operation.DELETE
        && ledger.store().version(rv.resourceType(), rv.resourceId(), rv.versionId() - 1).map(ResourceVersion::deleted).orElse(false);
  }
}
