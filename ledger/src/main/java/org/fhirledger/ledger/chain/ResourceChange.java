package org.fhirledger.ledger.chain;

import java.util.Objects;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.dag.ContentId;

/**
 * One resource version written by a transaction. {@code versionId} is the version this change creates;
 * {@code expectedPrevious} is the version the writer saw (0 = none), checked when the block is applied so
 * that a stale write fails identically on every node. {@code content} is the Merkle-DAG root of the
 * canonical JSON, absent for a delete.
 */
public record ResourceChange(
    Operation operation,
    String resourceType,
    String resourceId,
    long versionId,
    long expectedPrevious,
    ContentId content,
    long contentSize) {

  static final int MAX_NAME = 256;

  public ResourceChange {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(resourceType, "resourceType");
    Objects.requireNonNull(resourceId, "resourceId");
    // what read() would refuse must never be built, or a signed transaction could not be decoded by peers
    checkEncodedLength("resource type", resourceType, MAX_NAME);
    checkEncodedLength("resource id", resourceId, MAX_NAME);
    if (versionId < 1 || expectedPrevious < 0 || expectedPrevious >= versionId) {
      throw new IllegalArgumentException("version " + versionId + " cannot follow " + expectedPrevious);
    }
    if ((operation == Operation.DELETE) != (content == null)) {
      throw new IllegalArgumentException("a delete has no content and every other change has");
    }
  }

  static void checkEncodedLength(final String what, final String value, final int max) {
    if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > max) {
      throw new IllegalArgumentException(what + " longer than " + max + " UTF-8 bytes");
    }
  }

  public String versionedId() {
    return resourceType + "/" + resourceId + "/_history/" + versionId;
  }

  void write(final ByteWriter out) {
    out.u8(operation.code()).string(resourceType).string(resourceId).i64(versionId).i64(expectedPrevious);
    out.bool(content != null);
    if (content != null) {
      content.write(out);
    }
    out.i64(contentSize);
  }

  static ResourceChange read(final ByteReader in) {
    final Operation op = Operation.fromCode(in.u8());
    final String type = in.string(MAX_NAME);
    final String id = in.string(MAX_NAME);
    final long version = in.i64();
    final long previous = in.i64();
    final ContentId content = in.bool() ? ContentId.read(in) : null;
    final long size = in.i64();
    try {
      return new ResourceChange(op, type, id, version, previous, content, size);
    } catch (final IllegalArgumentException e) {
      throw new org.fhirledger.ledger.codec.DecodingException("invalid resource change: " + e.getMessage());
    }
  }
}
