package org.fhirledger.server.rest;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.fhirledger.server.search.HistoryService;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Paging of history Bundles. HAPI pages a history by offset, calling the method again for each page, and builds
 * the page links from the request's own parameters; to keep every page of one history at the block height of
 * its first page, that height is added to the links as {@code ledger-height} and read back here. HAPI also offers
 * a {@code next} link from the last page when it has a paging provider; that link is dropped.
 */
final class HistoryPages {
  private static final String HEIGHT_KEY = HistoryPages.class.getName() + ".height";

  private HistoryPages() {}

  static HistoryService.Paging paging(final RequestDetails request) {
    final Long height = number(request, HistoryService.HEIGHT_PARAM);
    final Long offset = number(request, "_offset");
    return new HistoryService.Paging(height, offset == null ? 0 : Math.toIntExact(offset));
  }

  /** Remembers the height a history was read at, for {@link #shapeLinks}. */
  static IBundleProvider remember(final RequestDetails request, final HistoryService.Result result) {
    request.getUserData().put(HEIGHT_KEY, result.asOfHeight());
    return result;
  }

  static void shapeLinks(final RequestDetails request, final Bundle bundle) {
    final Object height = request.getUserData().get(HEIGHT_KEY);
    if (!(height instanceof Long)) {
      return;
    }
    final int offset = paging(request).offset();
    if (bundle.hasTotal() && offset + bundle.getEntry().size() >= bundle.getTotal()) {
      bundle.getLink().removeIf(l -> "next".equals(l.getRelation()));
    }
    for (final Bundle.BundleLinkComponent link : bundle.getLink()) {
      if (link.getUrl() != null && !link.getUrl().contains(HistoryService.HEIGHT_PARAM + "=")) {
        link.setUrl(link.getUrl() + (link.getUrl().contains("?") ? "&" : "?") + HistoryService.HEIGHT_PARAM + "=" + height);
      }
    }
  }

  private static Long number(final RequestDetails request, final String name) {
    final String[] values = request.getParameters().get(name);
    if (values == null || values.length == 0 || values[0] == null || values[0].isBlank()) {
      return null;
    }
    try {
      final long v = Long.parseLong(values[0].trim());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (final NumberFormatException e) {
      throw new InvalidRequestException(name + " must be a non-negative integer, got '" + values[0] + "'");
    }
  }
}
