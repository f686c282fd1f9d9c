package org.fhirledger.ledger.chain;

import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;

/**
 * The proof that the leaves of one change's large content are held: the holders' storage receipt signatures
 * (Ed25519, 64 bytes each), in assignment order: for each distinct leaf of the DAG in the order of first
 * appearance, the signature of each of its r assigned holders, closest first. Ids and holders are not carried:
 * every validator recomputes them from the DAG's interior nodes and the validator set of the block's height
 * ({@code kademlia.ContentAssignment}), so a receipt cannot name a holder of the placer's choosing.
 *
 * @param change the index of the change in its transaction
 * @param signatures the receipt signatures, {@code leaves x r} of them
 */
public record ContentPlacement(int change, List<byte[]> signatures) {
  public static final int SIGNATURE_BYTES = 64;
  /** 4 GiB of 16 KiB leaves on 43 holders would be far more; a transaction's receipts stay below 64 MiB frames. */
  public static final int MAX_SIGNATURES = 1 << 20;

  public ContentPlacement {
    if (change < 0 || change >= Transaction.MAX_CHANGES) {
      throw new IllegalArgumentException("change index out of range: " + change);
    }
    final List<byte[]> copy = new ArrayList<>(signatures.size());
    for (final byte[] s : signatures) {
      if (s.length != SIGNATURE_BYTES) {
        throw new IllegalArgumentException("a receipt signature has " + SIGNATURE_BYTES + " bytes");
      }
      copy.add(s.clone());
    }
    if (copy.size() > MAX_SIGNATURES) {
      throw new IllegalArgumentException("at most " + MAX_SIGNATURES + " receipts per change");
    }
    signatures = List.copyOf(copy);
  }

  /** The i-th signature (a copy). */
  public byte[] signature(final int i) {
    return signatures.get(i).clone();
  }

  @Override
  public List<byte[]> signatures() {
    return signatures.stream().map(byte[]::clone).toList();
  }

  public int size() {
    return signatures.size();
  }

  void write(final ByteWriter out) {
    out.i32(change).i32(signatures.size());
    for (final byte[] s : signatures) {
      out.raw(s);
    }
  }

  static ContentPlacement read(final ByteReader in) {
    final int change = in.i32();
    final int n = in.count(MAX_SIGNATURES, SIGNATURE_BYTES);
    final List<byte[]> signatures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      signatures.add(in.raw(SIGNATURE_BYTES));
    }
    try {
      return new ContentPlacement(change, signatures);
    } catch (final IllegalArgumentException e) {
      throw new DecodingException("invalid content placement: " + e.getMessage());
    }
  }
}
