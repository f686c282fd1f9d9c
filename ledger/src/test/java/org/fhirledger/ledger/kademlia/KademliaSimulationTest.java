package org.fhirledger.ledger.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.kademlia.DhtSimulation.SimNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 64 Kademlia nodes on the seeded in-memory network: convergence of lookups, placement, retrieval, repair and
 * a lying holder. Each test runs a few seeds; a failing seed is replayed by running that seed alone.
 */
class KademliaSimulationTest {
  private static final int N = 64;
  private static final int MAX_ROUNDS = (int) Math.ceil(Math.log(N) / Math.log(2)) + 2;

  private static DhtConfig config(final int k, final int r) {
    return DhtConfig.defaults().withK(k).withReplication(r).withTimeouts(500, 3_600_000, 600_000);
  }

  private static DhtSimulation network(final long seed, final int k, final int r) {
    final DhtSimulation sim = new DhtSimulation(N, config(k, r), seed);
    sim.bootstrap();
    return sim;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void everyLookupConvergesWithinLog2NPlus2RoundsAndFindsTheTrueKClosest(final long seed) {
    final DhtSimulation sim = network(seed, DhtConfig.DEFAULT_K, 3);
    final SplittableRandom random = new SplittableRandom(seed);
    for (int op = 0; op < 100; op++) {
      final SimNode asker = sim.nodes.get(random.nextInt(N));
      final NodeId target = NodeId.hashOf(new byte[] {(byte) op, (byte) seed, 7});
      sim.apply(asker, asker.protocol.findNode(sim.now(), op, target, DhtConfig.DEFAULT_K));
      final DhtAction.LookupFinished done = sim.awaitResult(asker, DhtAction.LookupFinished.class, op);
      assertThat(done.rounds()).as("rounds of lookup %d", op).isBetween(1, MAX_ROUNDS);
      final List<Contact> expected = sim.alive().stream().map(SimNode::contact).filter(c -> !c.equals(asker.contact()))
          .sorted(Contact.byDistanceTo(target)).limit(DhtConfig.DEFAULT_K).toList();
      assertThat(done.closest()).as("closest of lookup %d", op).containsExactlyElementsOf(expected);
    }
    // every lookup: the joins' self-lookups and the ones above
    assertThat(sim.nodes).allSatisfy(n -> assertThat(n.protocol.stats().maxRounds).isLessThanOrEqualTo(MAX_ROUNDS));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {4, 5, 6})
  void withSmallBucketsLookupsStillConvergeWithinLog2NPlus2Rounds(final long seed) {
    final int k = 4;
    final DhtSimulation sim = network(seed, k, 3);
    final SplittableRandom random = new SplittableRandom(seed);
    int exact = 0;
    for (int op = 0; op < 100; op++) {
      final SimNode asker = sim.nodes.get(random.nextInt(N));
      final NodeId target = NodeId.hashOf(new byte[] {(byte) op, (byte) seed, 9});
      sim.apply(asker, asker.protocol.findNode(sim.now(), op, target, k));
      final DhtAction.LookupFinished done = sim.awaitResult(asker, DhtAction.LookupFinished.class, op);
      assertThat(done.rounds()).isBetween(1, MAX_ROUNDS);
      final List<Contact> expected = sim.alive().stream().map(SimNode::contact).filter(c -> !c.equals(asker.contact()))
          .sorted(Contact.byDistanceTo(target)).limit(k).toList();
      exact += done.closest().equals(expected) ? 1 : 0;
    }
    // tables of 4 per bucket hold about a quarter of the network, yet the lookups end at the right nodes
    assertThat(exact).as("lookups that found exactly the k closest").isGreaterThanOrEqualTo(95);
    assertThat(sim.nodes).allSatisfy(n -> assertThat(n.protocol.stats().maxRounds).isLessThanOrEqualTo(MAX_ROUNDS));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7, 8})
  void chunksArePlacedOnTheRClosestFoundFromEveryNodeAndSpreadEvenly(final long seed) {
    final int r = 3;
    final DhtSimulation sim = network(seed, DhtConfig.DEFAULT_K, r);
    final List<ContentId> ids = placeChunks(sim, 640, r, seed);
    final SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < ids.size(); i += 8) {
      final ContentId id = ids.get(i);
      final SimNode asker = pick(sim, random, n -> !n.chunks.has(id));
      sim.apply(asker, asker.protocol.findValue(sim.now(), 10_000 + i, id));
      final DhtAction.ValueFound found = sim.awaitResult(asker, DhtAction.ValueFound.class, 10_000 + i);
      assertThat(id.matches(found.data())).isTrue();
      assertThat(found.rounds()).isLessThanOrEqualTo(MAX_ROUNDS);
    }
    final Spread spread = Spread.of(sim, ids);
    System.out.printf("placement seed=%d n=%d r=%d chunks=%d per node: %s%n", seed, N, r, ids.size(), spread);
    assertThat(spread.min).as("every node holds some chunks").isGreaterThan(0);
    assertThat((double) spread.max).as("no node holds more than 3.5x the mean").isLessThanOrEqualTo(3.5 * spread.mean);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {10, 11})
  void withRTwoFPlusOneEveryChunkHasTwoFPlusOneCopies(final long seed) {
    final int r = DhtConfig.replicationFor(N); // 43 of 64
    final DhtSimulation sim = network(seed, DhtConfig.forMembers(N).k(), r);
    final List<ContentId> ids = placeChunks(sim, 64, r, seed);
    final Spread spread = Spread.of(sim, ids);
    System.out.printf("placement seed=%d n=%d r=%d chunks=%d per node: %s%n", seed, N, r, ids.size(), spread);
    assertThat((double) spread.max).isLessThanOrEqualTo(2 * spread.mean);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {12, 13})
  void holdersThatLeaveAreReplacedByTheNextClosestSoRCopiesExistAgain(final long seed) {
    final int r = 3;
    final DhtSimulation sim = network(seed, DhtConfig.DEFAULT_K, r);
    final List<ContentId> ids = placeChunks(sim, 300, r, seed);
    final List<SimNode> leaving = busiest(sim, ids, 6);
    final long repairsBefore = totalRepairs(sim);
    leaving.forEach(n -> sim.kill(n, false)); // they go at once...
    leaving.forEach(n -> sim.kill(n, true)); // ...and the membership change reaches everyone afterwards
    sim.runQuiet();
    assertThat(totalRepairs(sim)).isGreaterThan(repairsBefore);
    assertEveryChunkOnItsRClosestLiveNodes(sim, ids, r);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {14, 15})
  void crashedHoldersAreReplacedByRepublishOnceTheirSilenceEvictsThem(final long seed) {
    final int r = 3;
    final DhtSimulation sim = new DhtSimulation(N, config(DhtConfig.DEFAULT_K, r).withTimeouts(500, 60_000, 30_000), seed);
    sim.bootstrap();
    final List<ContentId> ids = placeChunks(sim, 300, r, seed);
    for (final SimNode n : busiest(sim, ids, 4)) {
      sim.kill(n, false); // no announcement: only timeouts tell
    }
    // the first republish probes the dead (time-outs evict them), the second one stores on the new closest
    sim.runFor(3 * 30_000 + 1_000);
    assertEveryChunkOnItsRClosestLiveNodes(sim, ids, r);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {16, 17})
  void aLyingHolderIsCaughtByTheContentIdAndTheRightBytesComeFromAnHonestOne(final long seed) {
    final int r = 3;
    final DhtSimulation sim = network(seed, DhtConfig.DEFAULT_K, r);
    final List<ContentId> ids = placeChunks(sim, 40, r, seed);
    final SplittableRandom random = new SplittableRandom(seed);
    long op = 20_000;
    for (final ContentId id : ids) {
      final List<SimNode> holders = sim.trueClosest(NodeId.ofContent(id), r).stream().map(sim::node).toList();
      holders.get(0).chunks.corrupt(id, ("forged " + id).getBytes());
      holders.get(1).chunks.corrupt(id, ("forged too " + id).getBytes());
      final SimNode asker = pick(sim, random, n -> !n.chunks.has(id));
      sim.apply(asker, asker.protocol.findValue(sim.now(), op, id));
      final DhtAction.ValueFound found = sim.awaitResult(asker, DhtAction.ValueFound.class, op++);
      assertThat(id.matches(found.data())).isTrue();
      assertThat(found.from().key()).isNotIn(holders.get(0).key(), holders.get(1).key());
    }
    assertThat(sim.nodes.stream().mapToLong(n -> n.protocol.stats().badValues).sum())
        .as("forged values detected").isGreaterThan(0);
    // all three lie: the lookup ends without a value rather than with wrong bytes
    final ContentId id = ids.get(0);
    sim.trueClosest(NodeId.ofContent(id), r).forEach(k -> sim.node(k).chunks.corrupt(id, "forged".getBytes()));
    final SimNode asker = pick(sim, random, n -> !n.chunks.has(id));
    sim.apply(asker, asker.protocol.findValue(sim.now(), op, id));
    assertThat(sim.awaitValueResult(asker, op)).isInstanceOf(DhtAction.ValueNotFound.class);
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  /** Chunks of random bytes placed from random nodes; each placement must end with r verified receipts from the r closest. */
  private static List<ContentId> placeChunks(final DhtSimulation sim, final int count, final int r, final long seed) {
    final SplittableRandom random = new SplittableRandom(seed * 31);
    final List<ContentId> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      final byte[] data = new byte[64 + random.nextInt(512)];
      random.nextBytes(data);
      final ContentId id = ContentId.of(ContentId.CODEC_RAW, data);
      final SimNode origin = sim.nodes.get(random.nextInt(sim.nodes.size()));
      origin.chunks.put(id, data);
      sim.apply(origin, origin.protocol.store(sim.now(), i, id));
      final DhtAction.StoreFinished done = sim.awaitResult(origin, DhtAction.StoreFinished.class, i);
      assertThat(done.receipts()).hasSize(r);
      assertThat(done.receipts()).allSatisfy(rc -> assertThat(rc.verify(Ed25519Keys.verifier())).isTrue());
      assertThat(done.receipts().stream().map(StorageReceipt::holder).toList())
          .containsExactlyInAnyOrderElementsOf(sim.trueClosest(NodeId.ofContent(id), r));
      ids.add(id);
    }
    return ids;
  }

  private static void assertEveryChunkOnItsRClosestLiveNodes(final DhtSimulation sim, final List<ContentId> ids, final int r) {
    for (final ContentId id : ids) {
      assertThat(sim.trueClosest(NodeId.ofContent(id), r))
          .as("r closest live nodes of %s hold it", id)
          .allSatisfy(k -> assertThat(sim.node(k).chunks.has(id)).isTrue());
    }
  }

  /**
   * The nodes designated for the most chunks, up to {@code count}, never all r holders of one chunk (r copies
   * survive r-1 losses, not r).
   */
  private static List<SimNode> busiest(final DhtSimulation sim, final List<ContentId> ids, final int count) {
    final int r = sim.nodes.get(0).protocol.config().replication();
    final Map<SimNode, Integer> held = new HashMap<>();
    final Map<ContentId, List<SimNode>> holders = new HashMap<>();
    for (final ContentId id : ids) {
      final List<SimNode> set = sim.trueClosest(NodeId.ofContent(id), r).stream().map(sim::node).toList();
      holders.put(id, set);
      set.forEach(n -> held.merge(n, 1, Integer::sum));
    }
    final List<SimNode> chosen = new ArrayList<>();
    for (final SimNode candidate : held.entrySet().stream()
        .sorted(Map.Entry.<SimNode, Integer>comparingByValue().reversed()).map(Map.Entry::getKey).toList()) {
      final boolean wipesOneOut = holders.values().stream()
          .anyMatch(set -> set.contains(candidate) && set.stream().filter(chosen::contains).count() == r - 1);
      if (!wipesOneOut) {
        chosen.add(candidate);
      }
      if (chosen.size() == count) {
        break;
      }
    }
    return chosen;
  }

  private static long totalRepairs(final DhtSimulation sim) {
    return sim.nodes.stream().mapToLong(n -> n.protocol.stats().repairs).sum();
  }

  private static SimNode pick(final DhtSimulation sim, final SplittableRandom random,
      final java.util.function.Predicate<SimNode> filter) {
    final List<SimNode> eligible = sim.alive().stream().filter(filter).toList();
    return eligible.get(random.nextInt(eligible.size()));
  }

  /** Chunks per node among their r closest (the designated holders), over the live nodes. */
  record Spread(int min, int max, double mean, double stddev) {
    static Spread of(final DhtSimulation sim, final List<ContentId> ids) {
      final int r = sim.nodes.get(0).protocol.config().replication();
      final Map<SimNode, Integer> held = new HashMap<>();
      sim.alive().forEach(n -> held.put(n, 0));
      for (final ContentId id : ids) {
        sim.trueClosest(NodeId.ofContent(id), r).forEach(k -> held.merge(sim.node(k), 1, Integer::sum));
      }
      final int min = held.values().stream().min(Comparator.naturalOrder()).orElse(0);
      final int max = held.values().stream().max(Comparator.naturalOrder()).orElse(0);
      final double mean = held.values().stream().mapToInt(Integer::intValue).average().orElse(0);
      final double var = held.values().stream().mapToDouble(v -> (v - mean) * (v - mean)).average().orElse(0);
      return new Spread(min, max, mean, Math.sqrt(var));
    }

    @Override
    public String toString() {
      return String.format("min=%d max=%d mean=%.1f stddev=%.1f max/mean=%.2f", min, max, mean, stddev, max / mean);
    }
  }
}
