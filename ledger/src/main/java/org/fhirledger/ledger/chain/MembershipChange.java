package org.fhirledger.ledger.chain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;

/**
 * An ADD_VALIDATOR or REMOVE_VALIDATOR request of the trusted manager, as it travels inside a
 * {@link Transaction}: one {@link ResourceChange} of type {@value #RESOURCE_TYPE} whose id is the member's
 * public key in hex and whose content is one raw chunk holding the member record
 * ({@code u8 version(1), string name, key publicKey, string host, i32 p2pPort}). Carried this way, a membership
 * change needs no new transaction encoding, travels with its block like any content and is verified against
 * its content id like any content. A removal carries the record too; only its key counts.
 */
public record MembershipChange(Operation operation, Validator member) {
  public static final String RESOURCE_TYPE = "ledger-validator";
  public static final int RECORD_VERSION = 1;
  private static final int MAX_RECORD_BYTES = 1024;

  public MembershipChange {
    Objects.requireNonNull(operation);
    Objects.requireNonNull(member);
    if (!isMembership(operation)) {
      throw new IllegalArgumentException("not a membership operation: " + operation);
    }
  }

  public static MembershipChange add(final Validator member) {
    return new MembershipChange(Operation.ADD_VALIDATOR, member);
  }

  /** A removal names the key only; the record's name and endpoint are left empty. */
  public static MembershipChange remove(final PublicKey key) {
    return new MembershipChange(Operation.REMOVE_VALIDATOR, new Validator("", key, "", 0));
  }

  public static boolean isMembership(final Operation operation) {
    return operation == Operation.ADD_VALIDATOR || operation == Operation.REMOVE_VALIDATOR;
  }

  /** The member record as one raw chunk: the content of the change. */
  public Chunk chunk() {
    final ByteWriter out = new ByteWriter(128);
    out.u8(RECORD_VERSION);
    member.write(out);
    final byte[] record = out.toByteArray();
    return Chunk.wrap(ContentId.of(ContentId.CODEC_RAW, record), record);
  }

  public ResourceChange resourceChange() {
    final Chunk chunk = chunk();
    return new ResourceChange(operation, RESOURCE_TYPE, member.publicKey().toHex(), 1, 0, chunk.id(), chunk.size());
  }

  /** The manager's signed transaction carrying this change alone. */
  public Transaction sign(final String chainId, final Signer manager, final String clientId, final long timestamp, final long nonce) {
    return Transaction.sign(chainId, manager, clientId, timestamp, nonce, List.of(resourceChange()));
  }

  /**
   * Reads the change a resource change carries, its record fetched by content id. Fails (with the reason) when
   * the change is not a well-formed membership change: wrong type, version numbers, missing or malformed
   * record, or a record whose key is not the one the change names.
   */
  public static MembershipChange from(final ResourceChange change, final Function<ContentId, Optional<byte[]>> content) {
    if (!isMembership(change.operation())) {
      throw new IllegalArgumentException(change.operation() + " is not a membership change");
    }
    if (!RESOURCE_TYPE.equals(change.resourceType()) || change.versionId() != 1 || change.expectedPrevious() != 0) {
      throw new IllegalArgumentException("a membership change is " + RESOURCE_TYPE + ", version 1 after 0");
    }
    if (change.content().codec() != ContentId.CODEC_RAW) {
      throw new IllegalArgumentException("a member record is one raw chunk");
    }
    final byte[] record = content.apply(change.content())
        .orElseThrow(() -> new IllegalArgumentException("member record " + change.content() + " is missing"));
    if (!change.content().matches(record) || record.length != change.contentSize() || record.length > MAX_RECORD_BYTES) {
      throw new IllegalArgumentException("member record does not match its content id and size");
    }
    final Validator member;
    try {
      final ByteReader in = new ByteReader(record);
      in.expectVersion(RECORD_VERSION, "member record");
      member = Validator.read(in);
      in.expectEnd();
    } catch (final DecodingException | IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed member record: " + e.getMessage());
    }
    if (!member.publicKey().toHex().equals(change.resourceId())) {
      throw new IllegalArgumentException("member record is for " + member.publicKey().toShortHex() + ", the change names " + change.resourceId());
    }
    return new MembershipChange(change.operation(), member);
  }
}
