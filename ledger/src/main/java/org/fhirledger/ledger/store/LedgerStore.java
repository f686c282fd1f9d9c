package org.fhirledger.ledger.store;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.dag.ContentId;

/**
 * A node's chain and world state. {@link #apply} writes a whole block at once or nothing (one RocksDB
 * WriteBatch with the WAL on), so after any crash the store is at a block boundary.
 */
public interface LedgerStore extends ChunkStore, AutoCloseable {
  /** The genesis this store was initialised with, if any. */
  Optional<Genesis> genesis();

  /** Records the genesis (height 0) of a new store; refuses a different genesis for an existing one. */
  void initGenesis(Genesis genesis);

  /** Height of the last applied block; 0 when only the genesis is known. */
  long height();

  /** Hash of the block at the height; the genesis hash at height 0. */
  Optional<Hash32> blockHash(long height);

  Optional<Block> block(long height);

  Optional<CommitCertificate> certificate(long height);

  Optional<Long> heightOf(Hash32 blockHash);

  Optional<TransactionOutcome> outcome(Hash32 txHash);

  /** The newest version of a resource (deleted ones included). */
  Optional<ResourceVersion> head(String resourceType, String resourceId);

  Optional<ResourceVersion> version(String resourceType, String resourceId, long versionId);

  /** All versions of one resource, oldest first. */
  List<ResourceVersion> history(String resourceType, String resourceId);

  /** Ids of the live resources of the type whose newest version carries the key (see {@link ContentTerms}). */
  List<String> idsWithKey(String resourceType, String key);

  /** {@code Type/id} of the live resources whose newest version references the resource. */
  List<String> referrers(String resourceType, String resourceId);

  /** The terms of a resource's newest version; none for a deleted or unknown resource. */
  ContentTerms terms(String resourceType, String resourceId);

  /** Applies the block at height() + 1 atomically; a block at any other height is refused. */
  void apply(AppliedBlock block);

  /**
   * Visits every resource head (type, id, newest version number) in key order. For audits and rebuilds:
   * it walks the whole world state.
   */
  void forEachHead(HeadVisitor visitor);

  /**
   * Visits every stored chunk as it lies on disk, id and bytes, without verifying them against each other
   * (the visitor does that: an audit must see a corrupt chunk, not an exception).
   */
  void forEachChunk(ChunkVisitor visitor);

  /**
   * The validators in force at the height: the genesis set, then the set each block's committed membership
   * changes left, from the height after that block. A height above the known chain gets the newest set.
   */
  ValidatorSet validatorsAt(long height);

  /** Every validator set of the chain by the first height it is in force at (the genesis set at 1). */
  NavigableMap<Long, ValidatorSet> validatorHistory();

  Optional<byte[]> metadata(String key);

  void putMetadata(String key, byte[] value);

  /** Writes all the entries at once or none of them, durably (one synced batch: one disk flush, not one per key). */
  void putMetadata(Map<String, byte[]> entries);

  @Override
  void close();

  /** Receives one resource head of {@link #forEachHead}. */
  @FunctionalInterface
  interface HeadVisitor {
    void visit(String resourceType, String resourceId, long versionId);
  }

  /** Receives one stored chunk of {@link #forEachChunk}; the bytes are the visitor's to keep. */
  @FunctionalInterface
  interface ChunkVisitor {
    void visit(ContentId id, byte[] data);
  }
}
