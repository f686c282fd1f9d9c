package org.fhirledger.server.search;

import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import java.util.List;
import java.util.Map;
import org.fhirledger.ledger.node.LedgerNode;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.dao.LedgerResourceDao;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.ReferenceIndex;
import org.fhirledger.server.index.ResourceKey;
import org.fhirledger.server.index.SearchIndex;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code Patient/[id]/$everything}: the patient and every resource in its compartment (R4 CompartmentDefinition
 * "Patient", as HAPI's FhirContext carries it), found through the reference index rows as of the block height
 * indexed when the operation ran, and paged like a search (its page links keep that height).
 */
public final class EverythingService {
  private static final Map<String, List<String>> PATIENT_COMPARTMENT = PatientCompartment.membership(FhirContexts.r4());

  private final SearchIndex index;
  private final LedgerNode ledger;
  private final LedgerResourceDao dao;

  public EverythingService(final SearchIndex index, final LedgerNode ledger, final LedgerResourceDao dao) {
    this.index = index;
    this.ledger = ledger;
    this.dao = dao;
  }

  /** 404 for a patient that never existed, 410 for a deleted one. */
  public IBundleProvider patient(final String id) {
    final long height = index.indexedHeightAfter(ledger.store().height());
    dao.read("Patient", id);
    final ResourceKey owner = new ResourceKey("Patient", id);
    final ReferenceIndex references = index.referenceIndex();
    final int total = Math.toIntExact(references.compartmentSize(owner, PATIENT_COMPARTMENT, height));
    return new IndexedPages(total) {
      @Override
      List<IndexedVersion> page(final int offset, final int count) {
        return references.compartment(owner, PATIENT_COMPARTMENT, height, offset, count);
      }

      @Override
      Resource load(final IndexedVersion v) {
        final Resource r = dao.load(ledger.store().version(v.resourceType(), v.resourceId(), v.version()).orElseThrow());
        ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(r, BundleEntrySearchModeEnum.MATCH);
        return r;
      }
    };
  }
}
