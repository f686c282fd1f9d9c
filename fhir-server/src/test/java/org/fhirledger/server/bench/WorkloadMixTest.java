package org.fhirledger.server.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WorkloadMixTest {
  @Test
  void parsesWeightsAndPrintsThemBack() {
    final WorkloadMix mix = WorkloadMix.parse("create=6, read=3,update=1");
    assertThat(mix.weights()).containsExactly(Map.entry(WorkloadKind.CREATE, 6), Map.entry(WorkloadKind.UPDATE, 1), Map.entry(WorkloadKind.READ, 3));
    assertThat(mix.toString()).isEqualTo("create=6,update=1,read=3");
    assertThat(mix.contains(WorkloadKind.SEARCH)).isFalse();
  }

  @Test
  void aKindWithoutWeightCountsOneAndAZeroWeightIsNeverDrawn() {
    final WorkloadMix mix = WorkloadMix.parse("create,search=0");
    assertThat(mix.contains(WorkloadKind.CREATE)).isTrue();
    assertThat(mix.contains(WorkloadKind.SEARCH)).isFalse();
    final SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 100; i++) {
      assertThat(mix.pick(r)).isEqualTo(WorkloadKind.CREATE);
    }
  }

  @Test
  void drawsEachKindInProportionToItsWeight() {
    final WorkloadMix mix = WorkloadMix.parse("create=6,read=3,update=1");
    final Map<WorkloadKind, Integer> seen = new EnumMap<>(WorkloadKind.class);
    final SplittableRandom r = new SplittableRandom(42);
    final int n = 100_000;
    for (int i = 0; i < n; i++) {
      seen.merge(mix.pick(r), 1, Integer::sum);
    }
    assertThat(seen.get(WorkloadKind.CREATE) / (double) n).isCloseTo(0.6, org.assertj.core.data.Offset.offset(0.01));
    assertThat(seen.get(WorkloadKind.READ) / (double) n).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.01));
    assertThat(seen.get(WorkloadKind.UPDATE) / (double) n).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void theSameSeedDrawsTheSameSequence() {
    final WorkloadMix mix = WorkloadMix.parse("create=1,read=1,bundle=1");
    final SplittableRandom a = new SplittableRandom(7);
    final SplittableRandom b = new SplittableRandom(7);
    for (int i = 0; i < 1000; i++) {
      assertThat(mix.pick(a)).isEqualTo(mix.pick(b));
    }
  }

  @Test
  void refusesUnknownKindsBadWeightsDuplicatesAndAllZero() {
    assertThatThrownBy(() -> WorkloadMix.parse("create=1,delete=2")).hasMessageContaining("unknown workload 'delete'");
    assertThatThrownBy(() -> WorkloadMix.parse("create=x")).hasMessageContaining("not a whole number");
    assertThatThrownBy(() -> WorkloadMix.parse("create=-1,read=2")).hasMessageContaining("negative");
    assertThatThrownBy(() -> WorkloadMix.parse("read=1,read=2")).hasMessageContaining("twice");
    assertThatThrownBy(() -> WorkloadMix.parse("read=0")).hasMessageContaining("zero");
    assertThatThrownBy(() -> WorkloadMix.parse(" ")).hasMessageContaining("empty");
  }
}
