package org.fhirledger.server.search;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.server.dao.LedgerResourceDao;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.SearchIndex;
import org.fhirledger.ledger.node.LedgerNode;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.InstantType;

/**
 * Type-level search on the PostgreSQL index: every current resource of a type, newest first. The result is
 * pinned to the block height at which the search ran, so its pages do not shift under concurrent writes.
 */
public final class TypeSearchService {
  private final SearchIndex index;
  private final LedgerNode ledger;
  private final LedgerResourceDao dao;

  public TypeSearchService(final SearchIndex index, final LedgerNode ledger, final LedgerResourceDao dao) {
    this.index = index;
    this.ledger = ledger;
    this.dao = dao;
  }

  public IBundleProvider allOfType(final String type) {
    final long height = index.indexedHeight();
    final int total = (int) index.countCurrent(type, height);
    final Date published = new Date();
    return new IBundleProvider() {
      @Override
      public IPrimitiveType<Date> getPublished() {
        return new InstantType(published);
      }

      @Override
      public List<IBaseResource> getResources(final int from, final int to) {
        final List<IBaseResource> out = new ArrayList<>();
        for (final IndexedVersion v : index.currentResources(type, from, Math.max(0, to - from), height)) {
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
}
