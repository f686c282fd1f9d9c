package org.fhirledger.server.index;

import java.util.Objects;

/** A logical resource: its type and id. */
public record ResourceKey(String type, String id) {
  public ResourceKey {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
  }

  public static ResourceKey of(final IndexedVersion v) {
    return new ResourceKey(v.resourceType(), v.resourceId());
  }
}
