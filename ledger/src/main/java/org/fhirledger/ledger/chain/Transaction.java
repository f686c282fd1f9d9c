package org.fhirledger.ledger.chain;

import java.util.List;
import java.util.Objects;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.crypto.Signer;

/**
 * A ledger transaction: one or more resource changes that commit together or not at all (a FHIR
 * transaction Bundle is one of these), signed by the origin node. The hash covers everything but the
 * signature; the signature covers the hash.
 */
public final class Transaction {
  public static final int ENCODING_VERSION = 1;
  public static final int MAX_CHANGES = 10_000;
  public static final int MAX_CONDITIONS = 1_000;
  /**
   * The writer asks the ledger to keep references whole for this transaction: every reference it writes
   * must point at a live resource, and a delete must leave no live resource pointing at what it deletes.
   * A flag of the signed transaction rather than a node setting, so every node decides alike.
   */
  public static final int FLAG_REFERENTIAL_INTEGRITY = 1;
  /**
   * The transaction carries {@link ContentPlacement}s after its conditions: the storage receipts of the holders
   * of its large content. Without the flag the encoding ends after the conditions, exactly as before it existed.
   */
  public static final int FLAG_PLACED_CONTENT = 2;
  private static final int KNOWN_FLAGS = FLAG_REFERENTIAL_INTEGRITY | FLAG_PLACED_CONTENT;
  private static final int MAX_CLIENT_ID = 512;
  private static final int MIN_CHANGE_BYTES = 30;

  private final String chainId;
  private final PublicKey origin;
  private final String clientId;
  private final long timestamp;
  private final long nonce;
  private final List<ResourceChange> changes;
  private final int flags;
  private final List<Condition> conditions;
  private final List<ContentPlacement> placements;
  private final byte[] signature;
  private final Hash32 hash;

  private Transaction(
      final String chainId,
      final PublicKey origin,
      final String clientId,
      final long timestamp,
      final long nonce,
      final List<ResourceChange> changes,
      final int flags,
      final List<Condition> conditions,
      final List<ContentPlacement> placements,
      final byte[] signature,
      final Hash32 knownHash) {
    this.chainId = Objects.requireNonNull(chainId);
    this.origin = Objects.requireNonNull(origin);
    this.clientId = Objects.requireNonNull(clientId);
    ResourceChange.checkEncodedLength("chain id", chainId, ResourceChange.MAX_NAME);
    ResourceChange.checkEncodedLength("client id", clientId, MAX_CLIENT_ID);
    this.timestamp = timestamp;
    this.nonce = nonce;
    this.changes = List.copyOf(changes);
    if ((flags & ~KNOWN_FLAGS) != 0) {
      throw new IllegalArgumentException("unknown transaction flags " + Integer.toHexString(flags));
    }
    this.flags = flags;
    this.conditions = List.copyOf(conditions);
    if (this.conditions.size() > MAX_CONDITIONS) {
      throw new IllegalArgumentException("a transaction holds at most " + MAX_CONDITIONS + " conditions");
    }
    this.placements = List.copyOf(placements);
    checkPlacements(this.flags, this.changes, this.placements);
    this.signature = signature.clone();
    // Known when signing (computed once for the signature) or decoding (hashed from the received bytes).
    this.hash = knownHash != null ? knownHash : Hash32.sha256(unsignedBytes());
  }

  /** Builds and signs a transaction at its origin node. */
  public static Transaction sign(
      final String chainId,
      final Signer origin,
      final String clientId,
      final long timestamp,
      final long nonce,
      final List<ResourceChange> changes) {
    return sign(chainId, origin, clientId, timestamp, nonce, changes, 0, List.of());
  }

  /** Builds and signs a transaction with flags and conditions on the world state. */
  public static Transaction sign(
      final String chainId,
      final Signer origin,
      final String clientId,
      final long timestamp,
      final long nonce,
      final List<ResourceChange> changes,
      final int flags,
      final List<Condition> conditions) {
    return sign(chainId, origin, clientId, timestamp, nonce, changes, flags, conditions, List.of());
  }

  /**
   * Builds and signs a transaction that also carries the placements of its large content; with placements,
   * {@link #FLAG_PLACED_CONTENT} is set here.
   */
  public static Transaction sign(
      final String chainId,
      final Signer origin,
      final String clientId,
      final long timestamp,
      final long nonce,
      final List<ResourceChange> changes,
      final int requestedFlags,
      final List<Condition> conditions,
      final List<ContentPlacement> placements) {
    final int flags = placements.isEmpty() ? requestedFlags & ~FLAG_PLACED_CONTENT : requestedFlags | FLAG_PLACED_CONTENT;
    if (changes.isEmpty() || changes.size() > MAX_CHANGES) {
      throw new IllegalArgumentException("a transaction holds 1.." + MAX_CHANGES + " changes");
    }
    final Transaction unsigned = new Transaction(chainId, origin.publicKey(), clientId, timestamp, nonce, changes, flags,
        conditions, placements, new byte[0], null);
    return new Transaction(chainId, origin.publicKey(), clientId, timestamp, nonce, changes, flags, conditions, placements,
        origin.sign(unsigned.hash.toArray()), unsigned.hash);
  }

  /** Placements only with the flag, at least one then, in increasing change order, each for a change with content. */
  private static void checkPlacements(final int flags, final List<ResourceChange> changes, final List<ContentPlacement> placements) {
    if (((flags & FLAG_PLACED_CONTENT) != 0) == placements.isEmpty()) {
      throw new IllegalArgumentException("content placements go with the placed-content flag, and only with it");
    }
    int last = -1;
    for (final ContentPlacement p : placements) {
      if (p.change() <= last || p.change() >= changes.size()) {
        throw new IllegalArgumentException("placement of change " + p.change() + " out of order or out of range");
      }
      if (changes.get(p.change()).content() == null) {
        throw new IllegalArgumentException("placement of change " + p.change() + ", which has no content");
      }
      last = p.change();
    }
  }

  public boolean hasValidSignature(final SignatureVerifier verifier) {
    return verifier.verify(origin, hash.toArray(), signature);
  }

  public Hash32 hash() {
    return hash;
  }

  public String chainId() {
    return chainId;
  }

  public PublicKey origin() {
    return origin;
  }

  public String clientId() {
    return clientId;
  }

  public long timestamp() {
    return timestamp;
  }

  public long nonce() {
    return nonce;
  }

  public List<ResourceChange> changes() {
    return changes;
  }

  public int flags() {
    return flags;
  }

  public boolean enforcesReferentialIntegrity() {
    return (flags & FLAG_REFERENTIAL_INTEGRITY) != 0;
  }

  public List<Condition> conditions() {
    return conditions;
  }

  /** The receipts of the holders of this transaction's large content (empty for small content). */
  public List<ContentPlacement> placements() {
    return placements;
  }

  /** The placement of change {@code index}, if its content was placed. */
  public java.util.Optional<ContentPlacement> placementOf(final int index) {
    return placements.stream().filter(p -> p.change() == index).findFirst();
  }

  public byte[] signature() {
    return signature.clone();
  }

  private byte[] unsignedBytes() {
    final ByteWriter out = new ByteWriter(128 + 96 * changes.size() + 64 * placementSignatures());
    writeUnsigned(out);
    return out.toByteArray();
  }

  private void writeUnsigned(final ByteWriter out) {
    out.u8(ENCODING_VERSION).string(chainId).key(origin).string(clientId).i64(timestamp).i64(nonce);
    out.i32(changes.size());
    for (final ResourceChange c : changes) {
      c.write(out);
    }
    out.i32(flags).i32(conditions.size());
    for (final Condition c : conditions) {
      c.write(out);
    }
    if ((flags & FLAG_PLACED_CONTENT) != 0) {
      out.i32(placements.size());
      for (final ContentPlacement p : placements) {
        p.write(out);
      }
    }
  }

  public void write(final ByteWriter out) {
    writeUnsigned(out);
    out.bytes(signature);
  }

  public byte[] encode() {
    final ByteWriter out = new ByteWriter(200 + 96 * changes.size() + 64 * placementSignatures());
    write(out);
    return out.toByteArray();
  }

  private int placementSignatures() {
    return placements.stream().mapToInt(ContentPlacement::size).sum();
  }

  public static Transaction read(final ByteReader in) {
    final int start = in.position();
    in.expectVersion(ENCODING_VERSION, "transaction");
    final String chainId = in.string(ResourceChange.MAX_NAME);
    final PublicKey origin = in.key();
    final String clientId = in.string(MAX_CLIENT_ID);
    final long timestamp = in.i64();
    final long nonce = in.i64();
    final int n = in.count(MAX_CHANGES, MIN_CHANGE_BYTES);
    if (n == 0) {
      throw new DecodingException("a transaction holds at least one change");
    }
    final ResourceChange[] changes = new ResourceChange[n];
    for (int i = 0; i < n; i++) {
      changes[i] = ResourceChange.read(in);
    }
    final int flags = in.i32();
    if ((flags & ~KNOWN_FLAGS) != 0) {
      throw new DecodingException("unknown transaction flags " + Integer.toHexString(flags));
    }
    final int nConditions = in.count(MAX_CONDITIONS, Condition.MIN_BYTES);
    final Condition[] conditions = new Condition[nConditions];
    for (int i = 0; i < nConditions; i++) {
      conditions[i] = Condition.read(in);
    }
    final List<ContentPlacement> placements = new java.util.ArrayList<>();
    if ((flags & FLAG_PLACED_CONTENT) != 0) {
      final int nPlacements = in.count(n, 8);
      for (int i = 0; i < nPlacements; i++) {
        placements.add(ContentPlacement.read(in));
      }
    }
    // The hash covers exactly the bytes read so far: hash them rather than encode the transaction again.
    final Hash32 hash = in.hashSince(start);
    final byte[] sig = in.bytes(64);
    try {
      return new Transaction(chainId, origin, clientId, timestamp, nonce, List.of(changes), flags, List.of(conditions), placements,
          sig, hash);
    } catch (final IllegalArgumentException e) {
      throw new DecodingException("invalid transaction: " + e.getMessage());
    }
  }

  public static Transaction decode(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    final Transaction tx = read(in);
    in.expectEnd();
    return tx;
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof Transaction t && t.hash.equals(hash) && java.util.Arrays.equals(t.signature, signature);
  }

  @Override
  public int hashCode() {
    return hash.hashCode();
  }

  @Override
  public String toString() {
    return "Transaction[" + hash.toShortHex() + ", origin=" + origin + ", changes=" + changes.size() + "]";
  }
}
