package org.fhirledger.ledger.consensus.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The lock rule under the adversary of {@link SplitQuorumSimulator}, which splits a PREPARE quorum across two
 * rounds at most heights. With the rule, no seed forks and every run is live after the adversary stops; without it
 * (switched off in every validator), the same schedules fork within a few seeds. So this test fails if the lock
 * rule is removed, which the random schedules of {@link IpbftSimulationTest} do not.
 */
class SplitQuorumScheduleTest {
  private static final long TARGET_HEIGHT = 8;
  private static final long DEADLINE_MILLIS = 10 * 60_000;
  private static final int SEEDS = 250;
  /** Without the lock rule, a fork must turn up within this many seeds. */
  private static final int SEEDS_TO_FIND_A_FORK = 20;

  @ParameterizedTest(name = "n={0} byzantine proposer={1}")
  @CsvSource({"4, false", "4, true", "7, false", "7, true"})
  void withTheLockRuleNoSplitQuorumScheduleForks(final int n, final boolean byzantineProposer) {
    final int seeds = Integer.getInteger("sim.seeds", SEEDS);
    int challenged = 0;
    int evidence = 0;
    for (long seed = 1; seed <= seeds; seed++) {
      final SplitQuorumSimulator sim = new SplitQuorumSimulator(seed * 7_919 + n, n, byzantineProposer, true);
      assertThat(sim.run(TARGET_HEIGHT, DEADLINE_MILLIS)).as("liveness after the adversary stops; %s%s", sim.replayHint(), sim.describe())
          .isTrue();
      challenged += sim.lockChallenges() > 0 ? 1 : 0;
      evidence += sim.honestEvidence();
    }
    // The schedules must really put locked validators in front of another block, or passing proves nothing.
    assertThat(challenged).as("runs in which a locked validator was offered an unjustified other block").isGreaterThan(seeds / 2);
    if (byzantineProposer) {
      assertThat(evidence).as("the Byzantine proposer's double PREPAREs are kept as evidence").isPositive();
    }
  }

  @ParameterizedTest(name = "n={0} byzantine proposer={1}")
  @CsvSource({"4, false", "4, true", "7, false", "7, true"})
  void withoutTheLockRuleTheSameSchedulesFork(final int n, final boolean byzantineProposer) {
    String firstFork = null;
    for (long seed = 1; seed <= SEEDS_TO_FIND_A_FORK && firstFork == null; seed++) {
      final SplitQuorumSimulator sim = new SplitQuorumSimulator(seed * 7_919 + n, n, byzantineProposer, false);
      try {
        sim.run(TARGET_HEIGHT, DEADLINE_MILLIS);
      } catch (final AssertionError e) {
        assertThat(e).hasMessageContaining("AGREEMENT VIOLATED");
        firstFork = e.getMessage();
      }
    }
    assertThat(firstFork).as("a fork within %d seeds once locked validators may prepare anything", SEEDS_TO_FIND_A_FORK).isNotNull();
  }

  @Test
  void replaysOneSeed() {
    final SplitQuorumSimulator sim = new SplitQuorumSimulator(Long.getLong("sim.seed", 42L), Integer.getInteger("sim.n", 4),
        Boolean.getBoolean("sim.byzantine"), Boolean.parseBoolean(System.getProperty("sim.lockRule", "true")));
    assertThat(sim.run(TARGET_HEIGHT, DEADLINE_MILLIS)).as("%s%s", sim.replayHint(), sim.describe()).isTrue();
  }
}
