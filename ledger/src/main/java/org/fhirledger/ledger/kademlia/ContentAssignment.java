package org.fhirledger.ledger.kademlia;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.fhirledger.ledger.chain.ContentPlacement;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.dag.ContentId;

/**
 * Who must hold each leaf of placed content, computed alike by the placing node and by every validator: the
 * r = 2f+1 members of the validator set closest (XOR) to the leaf's key, closest first. A pure function of the
 * set and the id, unlike a DHT lookup (which answers by one node's view), so a block's receipts can be checked
 * by anyone holding the chain.
 */
public final class ContentAssignment {
  private final List<Contact> members;
  private final int replication;

  public ContentAssignment(final ValidatorSet validators) {
    this.members = validators.validators().stream().map(Validator::publicKey).map(Contact::of).toList();
    this.replication = Math.min(DhtConfig.replicationFor(validators.size()), validators.size());
  }

  /** r: the holders of each leaf. */
  public int replication() {
    return replication;
  }

  /** The leaf's holders, closest to its key first. */
  public List<PublicKey> holders(final ContentId leaf) {
    final NodeId key = NodeId.ofContent(leaf);
    final List<Contact> sorted = new ArrayList<>(members);
    sorted.sort(Contact.byDistanceTo(key).thenComparing(Contact::id, Comparator.naturalOrder()));
    return sorted.subList(0, replication).stream().map(Contact::key).toList();
  }

  /**
   * Checks a placement's receipts against the leaves: exactly {@code leaves x r} signatures, the i-th leaf's
   * j-th signature by its j-th holder over {@link StorageReceipt#signedBytes}. Null when every one verifies,
   * else why not (the first bad one).
   */
  public String check(final List<ContentId> leaves, final ContentPlacement placement, final SignatureVerifier verifier) {
    final long expected = (long) leaves.size() * replication;
    if (placement.size() != expected) {
      return "placement of change " + placement.change() + " has " + placement.size() + " receipts, its " + leaves.size()
          + " leaves on " + replication + " holders need " + expected;
    }
    int i = 0;
    for (final ContentId leaf : leaves) {
      for (final PublicKey holder : holders(leaf)) {
        if (!verifier.verify(holder, StorageReceipt.signedBytes(leaf, holder), placement.signature(i))) {
          return "receipt " + i + " of change " + placement.change() + " (chunk " + leaf + ", holder " + holder.toShortHex()
              + ") does not verify";
        }
        i++;
      }
    }
    return null;
  }
}
