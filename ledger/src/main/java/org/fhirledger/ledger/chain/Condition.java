package org.fhirledger.ledger.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;

/**
 * A precondition on the world state that a transaction's writer relied on: "the live resources of
 * {@code resourceType} carrying every one of {@code keys} are exactly {@code expectedIds}". It is checked when
 * the block is applied, against the state left by the transactions before it, so a conditional create,
 * update or delete (and a conditional reference in a Bundle) is decided once, identically on every node.
 * A transaction whose condition no longer holds is rejected and its writer may resolve the condition again.
 * Keys are opaque to the ledger; the FHIR layer derives them from content (see ContentTermExtractor).
 */
public record Condition(String resourceType, List<String> keys, List<String> expectedIds) {
  public static final int MAX_KEYS = 16;
  public static final int MAX_IDS = 1_000;
  static final int MAX_KEY = 1024;
  static final int MIN_BYTES = 12;

  public Condition {
    Objects.requireNonNull(resourceType, "resourceType");
    ResourceChange.checkEncodedLength("resource type", resourceType, ResourceChange.MAX_NAME);
    keys = List.copyOf(keys);
    if (keys.isEmpty() || keys.size() > MAX_KEYS) {
      throw new IllegalArgumentException("a condition has 1.." + MAX_KEYS + " keys");
    }
    keys.forEach(k -> ResourceChange.checkEncodedLength("condition key", k, MAX_KEY));
    // sorted and distinct, so that one meaning has one encoding
    final List<String> ids = new ArrayList<>(new java.util.TreeSet<>(expectedIds));
    if (ids.size() > MAX_IDS) {
      throw new IllegalArgumentException("a condition expects at most " + MAX_IDS + " resources");
    }
    ids.forEach(i -> ResourceChange.checkEncodedLength("resource id", i, ResourceChange.MAX_NAME));
    expectedIds = List.copyOf(ids);
  }

  void write(final ByteWriter out) {
    out.string(resourceType).i32(keys.size());
    keys.forEach(out::string);
    out.i32(expectedIds.size());
    expectedIds.forEach(out::string);
  }

  static Condition read(final ByteReader in) {
    final String type = in.string(ResourceChange.MAX_NAME);
    final int nKeys = in.count(MAX_KEYS, 4);
    final List<String> keys = new ArrayList<>(nKeys);
    for (int i = 0; i < nKeys; i++) {
      keys.add(in.string(MAX_KEY));
    }
    final int nIds = in.count(MAX_IDS, 4);
    final List<String> ids = new ArrayList<>(nIds);
    String previous = null;
    for (int i = 0; i < nIds; i++) {
      final String id = in.string(ResourceChange.MAX_NAME);
      if (previous != null && previous.compareTo(id) >= 0) {
        throw new DecodingException("condition ids are not sorted and distinct");
      }
      ids.add(id);
      previous = id;
    }
    try {
      return new Condition(type, keys, ids);
    } catch (final IllegalArgumentException e) {
      throw new DecodingException("invalid condition: " + e.getMessage());
    }
  }
}
