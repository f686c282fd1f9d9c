package org.fhirledger.server.search;

import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.fhirledger.server.index.Include;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.SearchIndex;
import org.fhirledger.server.index.SearchQuery;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * The pages of one type search: its matches (search mode {@code match}) followed by what the page's
 * {@code _include}/{@code _revinclude} add (mode {@code include}), all read as of the search's height. The
 * offsets HAPI pages by count matches only, so includes never push a match onto another page.
 */
final class SearchPages extends IndexedPages {
  private final SearchIndex index;
  private final SearchQuery query;
  private final List<Include> includes;
  private final boolean countOnly;
  private final Function<IndexedVersion, Resource> loader;

  SearchPages(final Integer total, final SearchIndex index, final SearchQuery query, final List<Include> includes, final boolean countOnly,
      final Function<IndexedVersion, Resource> loader) {
    super(total);
    this.index = index;
    this.query = query;
    this.includes = List.copyOf(includes);
    this.countOnly = countOnly;
    this.loader = loader;
  }

  @Override
  List<IndexedVersion> page(final int offset, final int count) {
    return countOnly ? List.of() : index.search(query, offset, count);
  }

  @Override
  Resource load(final IndexedVersion version) {
    return loader.apply(version);
  }

  @Override
  public List<IBaseResource> getResources(final int from, final int to) {
    final List<IndexedVersion> matches = page(from, Math.max(0, to - from));
    final List<IBaseResource> out = new ArrayList<>();
    for (final IndexedVersion v : matches) {
      out.add(marked(load(v), BundleEntrySearchModeEnum.MATCH));
    }
    for (final IndexedVersion v : new IncludeResolver(index.referenceIndex()).included(matches, includes, query.asOfHeight())) {
      out.add(marked(load(v), BundleEntrySearchModeEnum.INCLUDE));
    }
    return out;
  }

  private static Resource marked(final Resource r, final BundleEntrySearchModeEnum mode) {
    ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(r, mode);
    return r;
  }
}
