package org.fhirledger.server.search;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.fhirledger.server.index.IndexedVersion;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The pages of a search or a history that the index answers as of one block height: HAPI asks for a range, the
 * index gives the versions in it, and each is loaded from the ledger store. Search and history differ only in
 * how they page the index and load a version.
 */
abstract class IndexedPages implements IBundleProvider {
  private final Date published = new Date();
  private final Integer total;

  /** @param total the number of results, or null when the client asked for no total */
  IndexedPages(final Integer total) {
    this.total = total;
  }

  /** The versions at positions {@code offset .. offset + count - 1}. */
  abstract List<IndexedVersion> page(int offset, int count);

  abstract Resource load(IndexedVersion version);

  @Override
  public IPrimitiveType<Date> getPublished() {
    return new InstantType(published);
  }

  @Override
  public List<IBaseResource> getResources(final int from, final int to) {
    final List<IBaseResource> out = new ArrayList<>();
    for (final IndexedVersion v : page(from, Math.max(0, to - from))) {
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
}
