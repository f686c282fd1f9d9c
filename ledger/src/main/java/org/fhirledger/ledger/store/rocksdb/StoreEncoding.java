package org.fhirledger.ledger.store.rocksdb;

import java.nio.charset.StandardCharsets;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.store.ContentTerms;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.ledger.store.TransactionOutcome;

/**
 * Keys and values of the RocksDB store, in the ledger's deterministic encoding. Integers in keys are
 * big-endian so RocksDB's bytewise order is numeric order (heights, versions). A resource key starts with
 * the length-prefixed type and id, so the versions of one resource are one contiguous, prefix-free range.
 */
final class StoreEncoding {
  static final int VERSION_VALUE_VERSION = 1;
  static final int OUTCOME_VALUE_VERSION = 1;
  static final int TERMS_VALUE_VERSION = 1;
  private static final int MAX_TERM = 4096;
  private static final int MAX_NAME = 256;
  private static final int MAX_REJECTION = 1 << 20;

  private StoreEncoding() {}

  static byte[] longKey(final long v) {
    return new ByteWriter(8).i64(v).toByteArray();
  }

  static long readLong(final byte[] b) {
    final ByteReader in = new ByteReader(b);
    final long v = in.i64();
    in.expectEnd();
    return v;
  }

  static byte[] resourceKey(final String type, final String id) {
    return new ByteWriter(16 + type.length() + id.length()).string(type).string(id).toByteArray();
  }

  /** The (type, id) of a resource key, refusing anything else (e.g. a version key). */
  static String[] decodeResourceKey(final byte[] key) {
    final ByteReader in = new ByteReader(key);
    final String[] typeAndId = {in.string(MAX_NAME), in.string(MAX_NAME)};
    in.expectEnd();
    return typeAndId;
  }

  static byte[] versionKey(final String type, final String id, final long version) {
    return new ByteWriter(24 + type.length() + id.length()).string(type).string(id).i64(version).toByteArray();
  }

  /** A condition key of a live resource: 'k', type, key, id. The first three are the lookup prefix. */
  static byte[] keyTermKey(final String type, final String key, final String id) {
    final ByteWriter w = new ByteWriter(48 + key.length()).u8('k').string(type).string(key);
    return id == null ? w.toByteArray() : w.string(id).toByteArray();
  }

  /** A reference from a live resource: 'r', target type, target id, source type, source id. */
  static byte[] referenceTermKey(final String targetType, final String targetId, final String sourceType, final String sourceId) {
    final ByteWriter w = new ByteWriter(48 + targetId.length()).u8('r').string(targetType).string(targetId);
    return sourceType == null ? w.toByteArray() : w.string(sourceType).string(sourceId).toByteArray();
  }

  /** The last length-prefixed strings of a term key, after its prefix. */
  static java.util.List<String> suffixStrings(final byte[] key, final int prefixLength, final int count) {
    final ByteReader in = new ByteReader(key, prefixLength, key.length - prefixLength);
    final java.util.List<String> out = new java.util.ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(in.string(MAX_TERM));
    }
    in.expectEnd();
    return out;
  }

  static byte[] encode(final ContentTerms terms) {
    final ByteWriter out = new ByteWriter(64).u8(TERMS_VALUE_VERSION).i32(terms.keys().size());
    terms.keys().forEach(out::string);
    out.i32(terms.references().size());
    terms.references().forEach(out::string);
    return out.toByteArray();
  }

  static ContentTerms decodeTerms(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    in.expectVersion(TERMS_VALUE_VERSION, "content terms");
    final int nKeys = in.count(Integer.MAX_VALUE, 4);
    final java.util.List<String> keys = new java.util.ArrayList<>(nKeys);
    for (int i = 0; i < nKeys; i++) {
      keys.add(in.string(MAX_TERM));
    }
    final int nRefs = in.count(Integer.MAX_VALUE, 4);
    final java.util.List<String> refs = new java.util.ArrayList<>(nRefs);
    for (int i = 0; i < nRefs; i++) {
      refs.add(in.string(MAX_TERM));
    }
    in.expectEnd();
    return new ContentTerms(keys, refs);
  }

  static byte[] metadataKey(final char namespace, final String key) {
    final byte[] k = key.getBytes(StandardCharsets.UTF_8);
    final byte[] out = new byte[k.length + 1];
    out[0] = (byte) namespace;
    System.arraycopy(k, 0, out, 1, k.length);
    return out;
  }

  static byte[] encode(final ResourceVersion v) {
    final ByteWriter out = new ByteWriter(200);
    out.u8(VERSION_VALUE_VERSION).string(v.resourceType()).string(v.resourceId()).i64(v.versionId()).u8(v.operation().code());
    out.bool(v.content() != null);
    if (v.content() != null) {
      v.content().write(out);
    }
    out.i64(v.contentSize()).i64(v.timestamp()).i64(v.height()).i32(v.txIndex()).hash(v.txHash()).key(v.origin());
    return out.toByteArray();
  }

  static ResourceVersion decodeVersion(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    in.expectVersion(VERSION_VALUE_VERSION, "resource version");
    final String type = in.string(MAX_NAME);
    final String id = in.string(MAX_NAME);
    final long version = in.i64();
    final Operation op = Operation.fromCode(in.u8());
    final ContentId content = in.bool() ? ContentId.read(in) : null;
    final ResourceVersion v = new ResourceVersion(type, id, version, op, content, in.i64(), in.i64(), in.i64(), in.i32(), in.hash(), in.key());
    in.expectEnd();
    return v;
  }

  static byte[] encode(final TransactionOutcome o) {
    final ByteWriter out = new ByteWriter(64);
    out.u8(OUTCOME_VALUE_VERSION).hash(o.txHash()).i64(o.height()).i32(o.txIndex()).bool(o.committed());
    out.bool(o.rejection() != null);
    if (o.rejection() != null) {
      out.string(o.rejection());
    }
    return out.toByteArray();
  }

  static TransactionOutcome decodeOutcome(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    in.expectVersion(OUTCOME_VALUE_VERSION, "transaction outcome");
    final TransactionOutcome o = new TransactionOutcome(in.hash(), in.i64(), in.i32(), in.bool(), in.bool() ? in.string(MAX_REJECTION) : null);
    in.expectEnd();
    return o;
  }
}
