package org.fhirledger.ledger.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.Dag;
import org.fhirledger.ledger.dag.DagBuilder;
import org.fhirledger.ledger.kademlia.TioDhtNetwork.Member;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DHT over real t-io sockets on 127.0.0.1 (4, 8 and 16 members): a multi-MiB payload's chunks placed on the r = 2f+1 XOR-closest
 * members, then read byte-identical at a member that holds none of them (it was offline during the placement):
 * with every holder honest, with one holder serving forged bytes, with one holder silent, and after one is killed.
 */
class TioDhtFetchTest {
  private static final int PAYLOAD_BYTES = 6 * 1024 * 1024;

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {4, 8, 16})
  void aPayloadPlacedOnTheRClosestIsReadByteIdenticalAtANodeHoldingNoneAlsoAfterAHolderDies(final int n)
      throws Exception {
    final DhtConfig config = DhtConfig.forMembers(n).withTimeouts(10_000, 3_600_000, 3_600_000); // placement, not timing: a loaded CI machine can stall a STORE for seconds
    final int r = config.replication();
    try (TioDhtNetwork net = new TioDhtNetwork(n, 42 + n, config)) {
      final int reader = n - 1;
      for (int i = 0; i < reader; i++) {
        net.start(i);
      }
      net.awaitMesh();

      final byte[] payload = new byte[PAYLOAD_BYTES];
      new java.util.SplittableRandom(n).nextBytes(payload);
      final Dag dag = new DagBuilder().build(payload);
      final Member origin = net.members.get(0);
      final List<CompletableFuture<DhtAction.StoreFinished>> placements = new ArrayList<>();
      for (final Chunk c : dag.chunks()) {
        origin.chunks.put(c.id(), c.data());
        placements.add(origin.dht.store(c.id()));
      }
      final List<PublicKey> online = net.members.subList(0, reader).stream().map(m -> m.signer.publicKey()).toList();
      for (int i = 0; i < placements.size(); i++) {
        final DhtAction.StoreFinished done = placements.get(i).get(30, TimeUnit.SECONDS);
        final ContentId id = dag.chunks().get(i).id();
        assertThat(done.receipts()).as("receipts of %s", id).hasSize(r)
            .allSatisfy(rc -> assertThat(rc.verify(Ed25519Keys.verifier())).isTrue());
        final List<PublicKey> closest = online.stream().map(Contact::of)
            .sorted(Contact.byDistanceTo(NodeId.ofContent(id))).limit(r).map(Contact::key).toList();
        assertThat(done.receipts().stream().map(StorageReceipt::holder).toList())
            .containsExactlyInAnyOrderElementsOf(closest);
        for (final PublicKey holder : closest) {
          assertThat(net.members.stream().filter(m -> m.signer.publicKey().equals(holder)).findFirst().orElseThrow()
              .chunks.has(id)).isTrue();
        }
      }

      // a member sending malformed DHT payloads is dropped message by message, counted, and nothing else breaks
      final Member target = net.members.get(1);
      final long droppedBefore = target.dht.droppedMessages();
      origin.transport.send(target.signer.publicKey(), new byte[] {DhtMessage.TYPE_PING, 9, 1});
      origin.transport.send(target.signer.publicKey(), new byte[] {DhtMessage.TYPE_NODES, 1, 0, 0, 0, 0, 0, 0, 0, 1,
          0x7f, 0, 0, 0});
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> target.dht.droppedMessages() == droppedBefore + 2);

      net.start(reader);
      net.awaitMesh();
      final Member readerNode = net.members.get(reader);
      assertThat(dag.chunks()).noneMatch(c -> readerNode.chunks.has(c.id()));
      try (ChunkFetcher fetcher = new ChunkFetcher(readerNode.dht, 8, 2)) {
        assertThat(fetcher.fetchContent(dag.root()).get(60, TimeUnit.SECONDS)).isEqualTo(payload);
        assertThat(fetcher.chunksFetched()).isEqualTo(dag.chunks().size());
      }

      // a holder forges every chunk it holds: each is caught by its id and fetched from another holder
      final Member liar = net.members.get(2);
      for (final Chunk c : dag.chunks()) {
        if (liar.chunks.has(c.id())) {
          liar.chunks.corrupt(c.id(), ("forged " + c.id()).getBytes());
        }
      }
      try (ChunkFetcher fetcher = new ChunkFetcher(readerNode.dht, 8, 2)) {
        assertThat(fetcher.fetchContent(dag.root()).get(60, TimeUnit.SECONDS)).isEqualTo(payload);
        assertThat(fetcher.badChunks()).isGreaterThan(0);
        assertThat(fetcher.retries()).isGreaterThanOrEqualTo(fetcher.badChunks());
      }
      for (final Chunk c : dag.chunks()) {
        if (liar.chunks.has(c.id())) {
          liar.chunks.corrupt(c.id(), c.data()); // honest again
        }
      }

      // the same holder stops answering while its connection stays up: its requests time out, others serve
      liar.dht.close();
      try (ChunkFetcher fetcher = new ChunkFetcher(readerNode.dht, 8, 2)) {
        assertThat(fetcher.fetchContent(dag.root()).get(60, TimeUnit.SECONDS)).isEqualTo(payload);
        assertThat(fetcher.retries()).isGreaterThan(0);
      }

      // and another holder dies (not the origin, which keeps its copies): the read still completes
      net.stop(1);
      try (ChunkFetcher fetcher = new ChunkFetcher(readerNode.dht, 8, 2)) {
        assertThat(fetcher.fetchContent(dag.root()).get(60, TimeUnit.SECONDS)).isEqualTo(payload);
      }
    }
  }
}
