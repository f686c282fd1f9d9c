package org.fhirledger.ledger.store.rocksdb;

import java.util.Collection;
import java.util.Optional;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.kademlia.LocalChunks;

/**
 * The DHT's chunks of one node in its RocksDB store: what it holds for the DHT lives in the {@code dht_chunks}
 * column family (so it survives a restart, and republish knows which ids are its own), and reads also find the
 * chunks blocks carried (the interior nodes of large content, every small resource), so a peer's FIND_VALUE and
 * this node's own fetcher see every chunk the node has. Reads are checked against the id by the store.
 */
public final class RocksDbLocalChunks implements LocalChunks {
  private final RocksDbLedgerStore store;

  public RocksDbLocalChunks(final RocksDbLedgerStore store) {
    this.store = store;
  }

  @Override
  public Optional<byte[]> get(final ContentId id) {
    final Optional<byte[]> held = store.dhtChunk(id);
    return held.isPresent() ? held : store.chunk(id);
  }

  @Override
  public boolean has(final ContentId id) {
    return store.hasDhtChunk(id) || store.hasChunk(id);
  }

  @Override
  public void put(final ContentId id, final byte[] data) {
    store.putDhtChunk(id, data);
  }

  /** Only the chunks held for the DHT: those are what republish and repair look after. */
  @Override
  public Collection<ContentId> ids() {
    return store.dhtChunkIds();
  }
}
