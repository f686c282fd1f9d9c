package org.fhirledger.ledger.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.junit.jupiter.api.Test;

/** Algorithm 1 of the paper, step by step, on a table with buckets of 2. */
class RoutingTableTest {
  private final Contact self = Contact.of(Ed25519Keys.generate(DhtSimulation.seeded(1)).publicKey());
  private final RoutingTable table = new RoutingTable(self.id(), 2);
  /** Contacts in the farthest bucket (159): half of all keys land there. */
  private final List<Contact> far = farContacts(4);

  private List<Contact> farContacts(final int count) {
    final List<Contact> out = new ArrayList<>();
    final var random = DhtSimulation.seeded(2);
    while (out.size() < count) {
      final Contact c = Contact.of(Ed25519Keys.generate(random).publicKey());
      if (self.id().bucketIndex(c.id()) == 159) {
        out.add(c);
      }
    }
    return out;
  }

  @Test
  void aNewContactIsAppendedWhileItsBucketHasRoom() {
    assertThat(table.seen(far.get(0), 1)).isEmpty();
    assertThat(table.seen(far.get(1), 2)).isEmpty();
    assertThat(table.bucket(159)).containsExactly(far.get(0), far.get(1));
  }

  @Test
  void aContactSeenAgainMovesToTheTail() {
    table.seen(far.get(0), 1);
    table.seen(far.get(1), 2);
    table.seen(far.get(0), 3);
    assertThat(table.bucket(159)).containsExactly(far.get(1), far.get(0));
  }

  @Test
  void aFullBucketPingsItsLeastRecentlySeenContactAndKeepsItWhenItAnswers() {
    table.seen(far.get(0), 1);
    table.seen(far.get(1), 2);
    assertThat(table.seen(far.get(2), 3)).contains(far.get(0));
    assertThat(table.seen(far.get(3), 4)).as("one ping per bucket at a time").isEmpty();
    table.seen(far.get(0), 5); // the PONG
    assertThat(table.bucket(159)).containsExactly(far.get(1), far.get(0));
    assertThat(table.pinging(far.get(0))).isEmpty();
  }

  @Test
  void aFullBucketEvictsItsLeastRecentlySeenContactWhenThePingFailsAndTakesTheNewcomer() {
    table.seen(far.get(0), 1);
    table.seen(far.get(1), 2);
    final Contact head = table.seen(far.get(2), 3).orElseThrow();
    assertThat(table.failed(head)).isTrue();
    assertThat(table.bucket(159)).containsExactly(far.get(1), far.get(2));
  }

  @Test
  void aRemovedMemberIsForgottenAndReplacedFromTheCache() {
    table.seen(far.get(0), 1);
    table.seen(far.get(1), 2);
    table.seen(far.get(2), 3);
    assertThat(table.remove(far.get(1).key())).isTrue();
    assertThat(table.bucket(159)).containsExactly(far.get(0), far.get(2));
    assertThat(table.contains(far.get(1))).isFalse();
  }

  @Test
  void closestIsOrderedByXorDistance() {
    final SplittableRandom random = new SplittableRandom(3);
    final RoutingTable big = new RoutingTable(self.id(), 20);
    final List<Contact> all = new ArrayList<>();
    final var keys = DhtSimulation.seeded(4);
    for (int i = 0; i < 40; i++) {
      final Contact c = Contact.of(Ed25519Keys.generate(keys).publicKey());
      all.add(c);
      big.seen(c, i);
    }
    final NodeId target = NodeId.hashOf(new byte[] {(byte) random.nextInt()});
    final List<Contact> closest = big.closest(target, 5);
    assertThat(closest).isSortedAccordingTo(Contact.byDistanceTo(target));
    assertThat(all.stream().filter(big::contains).sorted(Contact.byDistanceTo(target)).limit(5).toList())
        .isEqualTo(closest);
  }

  @Test
  void aRandomIdInABucketFallsInThatBucket() {
    final SplittableRandom random = new SplittableRandom(5);
    for (int bucket = 0; bucket < NodeId.BITS; bucket++) {
      assertThat(self.id().bucketIndex(self.id().randomInBucket(bucket, random))).isEqualTo(bucket);
    }
    assertThat(self.id().bucketIndex(self.id())).isEqualTo(-1);
  }
}
