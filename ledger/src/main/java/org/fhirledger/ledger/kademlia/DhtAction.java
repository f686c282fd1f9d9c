package org.fhirledger.ledger.kademlia;

import java.util.List;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.dag.ContentId;

/** What {@link KademliaProtocol} asks its shell to do or tells it has finished. */
public sealed interface DhtAction {
  /** Send this message to that member. */
  record Send(PublicKey to, DhtMessage message) implements DhtAction {}

  /** A FIND_NODE lookup ended: the closest contacts that answered, closest first. */
  record LookupFinished(long op, NodeId target, List<Contact> closest, int rounds, int queries)
      implements DhtAction {}

  /** A FIND_VALUE lookup found the chunk (verified against its id). */
  record ValueFound(long op, ContentId id, byte[] data, Contact from, int rounds) implements DhtAction {}

  /** A FIND_VALUE lookup ended without finding the chunk. */
  record ValueNotFound(long op, ContentId id, int rounds) implements DhtAction {}

  /** A placement ended: the receipts of the holders that took the chunk (self included when it is one). */
  record StoreFinished(long op, ContentId id, List<StorageReceipt> receipts, List<Contact> refusedOrFailed)
      implements DhtAction {}

  /** A direct STORE to one holder ended: its verified receipt, or null when it refused or failed. */
  record StoredAt(long op, ContentId id, PublicKey holder, StorageReceipt receipt) implements DhtAction {}

  /**
   * A direct FIND_VALUE to one holder answered with bytes, which are NOT yet checked: the fetcher checks them
   * on its own threads, off the event loop.
   */
  record ChunkReceived(long op, ContentId id, Contact from, byte[] data) implements DhtAction {}

  /** A direct FIND_VALUE to one holder failed: it does not hold the chunk, or did not answer in time. */
  record ChunkMissing(long op, ContentId id, Contact from, boolean timedOut) implements DhtAction {}
}
