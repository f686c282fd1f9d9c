package org.fhirledger.ledger.kademlia;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.fhirledger.ledger.dag.ContentId;

/** {@link LocalChunks} in a concurrent map: simulations, tests and nodes without a disk store for DHT chunks. */
public final class InMemoryLocalChunks implements LocalChunks {
  private final ConcurrentHashMap<ContentId, byte[]> chunks = new ConcurrentHashMap<>();

  @Override
  public Optional<byte[]> get(final ContentId id) {
    return Optional.ofNullable(chunks.get(id));
  }

  @Override
  public boolean has(final ContentId id) {
    return chunks.containsKey(id);
  }

  @Override
  public void put(final ContentId id, final byte[] data) {
    chunks.putIfAbsent(id, data);
  }

  @Override
  public Collection<ContentId> ids() {
    return List.copyOf(chunks.keySet());
  }

  /** Replaces a chunk's bytes without any check: tests make a lying holder with it. */
  public void corrupt(final ContentId id, final byte[] wrong) {
    chunks.put(id, wrong);
  }

  public long bytes() {
    return chunks.values().stream().mapToLong(b -> b.length).sum();
  }
}
