package org.fhirledger.server.index;

import java.util.List;

/** Gives the search parameter values of a live resource version (its content is read from the ledger). */
@FunctionalInterface
public interface SearchParamSource {
  /** The source of an index that keeps no search parameters (only type listing, _id and _lastUpdated). */
  SearchParamSource NONE = v -> List.of();

  List<IndexedParam> paramsOf(IndexedVersion version);
}
