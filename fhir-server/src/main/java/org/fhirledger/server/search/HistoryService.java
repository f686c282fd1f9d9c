package org.fhirledger.server.search;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.node.LedgerNode;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.server.dao.LedgerResourceDao;
import org.fhirledger.server.index.HistoryIndex;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.SearchIndex;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The history interactions (instance, type, system) over the index's version table, pinned to the block height
 * the request started at so that paging through {@code next} links never shifts. Each version comes back as the
 * resource it was, marked with the interaction that wrote it ({@link HistoryEntries}); a deletion comes back as an
 * empty placeholder of its type, which the response shapes into a DELETE entry without a resource.
 */
public final class HistoryService {
  private final SearchIndex index;
  private final LedgerNode ledger;
  private final LedgerResourceDao dao;

  public HistoryService(final SearchIndex index, final LedgerNode ledger, final LedgerResourceDao dao) {
    this.index = index;
    this.ledger = ledger;
    this.dao = dao;
  }

  /** {@code GET [type]/[id]/_history}: 404 for an id that never existed. */
  public IBundleProvider instance(final String type, final String id, final Date since, final DateRangeParam at) {
    final HistoryIndex.Query q = query(type, id, since, at);
    if (ledger.store().version(type, id, 1).isEmpty()) {
      throw new ResourceNotFoundException(new IdType(type, id));
    }
    return provider(q);
  }

  /** {@code GET [type]/_history}. */
  public IBundleProvider type(final String type, final Date since, final DateRangeParam at) {
    return provider(query(type, null, since, at));
  }

  /** {@code GET /_history}. */
  public IBundleProvider system(final Date since, final DateRangeParam at) {
    return provider(query(null, null, since, at));
  }

  private HistoryIndex.Query query(final String type, final String id, final Date since, final DateRangeParam at) {
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
    return new HistoryIndex.Query(type, id, since == null ? null : since.toInstant(), atStart, atEnd, index.indexedHeight());
  }

  private IBundleProvider provider(final HistoryIndex.Query q) {
    final HistoryIndex history = index.historyIndex();
    final int total = Math.toIntExact(history.count(q));
    final Date published = new Date();
    return new IBundleProvider() {
      @Override
      public IPrimitiveType<Date> getPublished() {
        return new InstantType(published);
      }

      @Override
      public List<IBaseResource> getResources(final int from, final int to) {
        final List<IBaseResource> out = new ArrayList<>();
        for (final IndexedVersion v : history.page(q, from, Math.max(0, to - from))) {
          out.add(load(v));
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
