package org.fhirledger.ledger.kademlia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.ContentPlacement;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.Dag;
import org.fhirledger.ledger.dag.DagBuilder;
import org.fhirledger.ledger.dag.DagReader;
import org.fhirledger.ledger.kademlia.TioDhtNetwork.Member;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Placement of large content on the holders the validator set assigns, over real t-io sockets on 127.0.0.1:
 * every leaf lands on exactly its r = 2f+1 assigned members, the receipts verify against the assignment, the
 * placing node keeps only its own share, and the content is read byte-identical at a member missing leaves,
 * also after one holder is stopped. A dead holder makes the placement fail rather than go without its receipt.
 */
class ContentPlacerTest {
  private static final int PAYLOAD_BYTES = 5 * 1024 * 1024;

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {4, 8})
  void leavesGoToTheirAssignedHoldersAndAreReadBackAfterAHolderStops(final int n) throws Exception {
    final DhtConfig config = DhtConfig.forMembers(n).withTimeouts(10_000, 3_600_000, 3_600_000); // placement, not timing: a loaded CI machine can stall a STORE for seconds
    try (TioDhtNetwork net = new TioDhtNetwork(n, 70 + n, config)) {
      for (int i = 0; i < n; i++) {
        net.start(i);
      }
      net.awaitMesh();
      final ValidatorSet validators = new ValidatorSet(net.members());
      final ContentAssignment assignment = new ContentAssignment(validators);
      assertThat(assignment.replication()).isEqualTo(DhtConfig.replicationFor(n));

      final byte[] payload = new byte[PAYLOAD_BYTES];
      new java.util.SplittableRandom(n).nextBytes(payload);
      final Dag dag = new DagBuilder().build(payload);
      final Map<ContentId, byte[]> all = new HashMap<>();
      dag.chunks().forEach(c -> all.put(c.id(), c.data()));
      final Member origin = net.members.get(0);
      final ContentPlacement placement = new ContentPlacer(origin.dht).place(0, dag.root(), dag.size(), all, validators);

      final List<ContentId> leaves = DagReader.leafIds(dag.root(), dag.size(), id -> Optional.ofNullable(all.get(id)));
      assertThat(assignment.check(leaves, placement, Ed25519Keys.verifier())).isNull();
      for (final ContentId leaf : leaves) {
        final List<PublicKey> holders = assignment.holders(leaf);
        for (final Member m : net.members) {
          assertThat(m.chunks.has(leaf)).as("%s at %s", leaf, m.signer.publicKey().toShortHex())
              .isEqualTo(holders.contains(m.signer.publicKey()));
        }
      }

      // the reader: a member missing some leaves, with the interior nodes a block would have brought it
      final int readerIndex = readerMissingLeaves(net, leaves, assignment);
      final Member reader = net.members.get(readerIndex);
      dag.chunks().stream().filter(c -> c.id().codec() == ContentId.CODEC_DAG_NODE).forEach(c -> reader.chunks.put(c.id(), c.data()));
      try (ChunkFetcher fetcher = new ChunkFetcher(reader.dht, 8, 2)) {
        assertThat(fetcher.fetchContent(dag.root()).get(60, TimeUnit.SECONDS)).isEqualTo(payload);
      }
      // stop a holder of a leaf the reader lacks (never the reader itself)
      final ContentId missing = leaves.stream().filter(l -> !reader.chunks.has(l)).findFirst().orElseThrow();
      final PublicKey victim = assignment.holders(missing).get(0);
      final int victimIndex = indexOf(net, victim);
      net.stop(victimIndex);
      try (ChunkFetcher fetcher = new ChunkFetcher(reader.dht, 8, 2)) {
        assertThat(fetcher.fetchContent(dag.root()).get(60, TimeUnit.SECONDS)).isEqualTo(payload);
      }
    }
  }

  @Test
  void aHolderThatIsDownMakesThePlacementFailInsteadOfGoingWithoutItsReceipt() throws Exception {
    final DhtConfig config = DhtConfig.forMembers(4).withTimeouts(1_000, 3_600_000, 3_600_000);
    try (TioDhtNetwork net = new TioDhtNetwork(4, 91, config)) {
      for (int i = 0; i < 3; i++) {
        net.start(i);
      }
      net.awaitMesh();
      final byte[] payload = new byte[2 * 1024 * 1024];
      new java.util.SplittableRandom(3).nextBytes(payload);
      final Dag dag = new DagBuilder().build(payload);
      final Map<ContentId, byte[]> all = new HashMap<>();
      for (final Chunk c : dag.chunks()) {
        all.put(c.id(), c.data());
      }
      final ContentPlacer placer = new ContentPlacer(net.members.get(0).dht);
      assertThatThrownBy(() -> placer.place(0, dag.root(), dag.size(), all, new ValidatorSet(net.members())))
          .isInstanceOf(ContentPlacer.PlacementFailedException.class)
          .hasMessageContaining(net.members.get(3).signer.publicKey().toShortHex());
    }
  }

  private static int readerMissingLeaves(final TioDhtNetwork net, final List<ContentId> leaves, final ContentAssignment assignment) {
    for (int i = net.members.size() - 1; i >= 1; i--) {
      final PublicKey key = net.members.get(i).signer.publicKey();
      if (leaves.stream().anyMatch(l -> !assignment.holders(l).contains(key))) {
        return i;
      }
    }
    throw new IllegalStateException("every member holds every leaf");
  }

  private static int indexOf(final TioDhtNetwork net, final PublicKey key) {
    for (int i = 0; i < net.members.size(); i++) {
      if (net.members.get(i).signer.publicKey().equals(key)) {
        return i;
      }
    }
    throw new IllegalArgumentException("not a member: " + key);
  }
}
