package org.fhirledger.server.search;

import java.util.Date;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Resource;

/**
 * How one version appears in a history Bundle (R4 http.html#history): {@code request} holds the interaction that
 * wrote it (POST [type], PUT [type]/[id] or DELETE [type]/[id]) and {@code response} its outcome; a deletion has
 * no resource. HAPI's bundle factory fills {@code request.url} with the absolute, versioned id, so the entries are
 * shaped here, after the factory, from a mark each loaded version carries.
 */
public final class HistoryEntries {
  private static final String KEY = HistoryEntries.class.getName();

  /** The interaction that wrote a version. */
  public enum Kind { CREATE, UPDATE, DELETE }

  private record Mark(Kind kind, boolean created) {}

  private HistoryEntries() {}

  /** Marks a loaded version with the interaction that wrote it; {@code created}: it brought the resource (back) into being. */
  static void mark(final Resource r, final Kind kind, final boolean created) {
    r.setUserData(KEY, new Mark(kind, created));
  }

  /** Shapes the entries of a history Bundle whose resources were marked; entries without a mark are left alone. */
  public static void shape(final Bundle bundle) {
    for (final BundleEntryComponent e : bundle.getEntry()) {
      if (e.getResource() == null || !(e.getResource().getUserData(KEY) instanceof Mark)) {
        continue;
      }
      final Resource r = e.getResource();
      final Mark mark = (Mark) r.getUserData(KEY);
      final String type = r.fhirType();
      final String typeAndId = type + "/" + r.getIdElement().getIdPart();
      final String version = r.getMeta().getVersionId();
      final Date lastUpdated = r.getMeta().getLastUpdated();
      final Bundle.BundleEntryRequestComponent request = new Bundle.BundleEntryRequestComponent();
      final Bundle.BundleEntryResponseComponent response = new Bundle.BundleEntryResponseComponent();
      if (mark.kind() == Kind.DELETE) {
        request.setMethod(Bundle.HTTPVerb.DELETE).setUrl(typeAndId);
        response.setStatus("204 No Content");
        e.setResource(null);
      } else if (mark.kind() == Kind.CREATE) {
        request.setMethod(Bundle.HTTPVerb.POST).setUrl(type);
        response.setStatus("201 Created").setLocation(typeAndId + "/_history/" + version);
      } else {
        request.setMethod(Bundle.HTTPVerb.PUT).setUrl(typeAndId);
        response.setStatus(mark.created() ? "201 Created" : "200 OK");
        if (mark.created()) {
          response.setLocation(typeAndId + "/_history/" + version);
        }
      }
      response.setEtag("W/\"" + version + "\"");
      if (lastUpdated != null) {
        response.setLastModified(lastUpdated);
      }
      e.setRequest(request);
      e.setResponse(response);
      e.setSearch(null);
    }
  }
}
