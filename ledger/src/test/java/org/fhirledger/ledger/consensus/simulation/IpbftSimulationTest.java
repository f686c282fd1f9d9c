package org.fhirledger.ledger.consensus.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Random seeds through the cluster simulator. Agreement and certificate validity are asserted inside the
 * simulator after every finalization, lossy network or not; here each run must also be live: every honest
 * validator reaches the target height within a bounded virtual time after the network heals. A failing seed
 * prints the one command that replays it.
 */
class IpbftSimulationTest {
  private static final long TARGET_HEIGHT = 8;
  private static final long DEADLINE_MILLIS = 10 * 60_000;
  /** Seeds per configuration in the default run: 21 configurations x 120 = 2,520 runs (the campaign profile: 8,400 each). */
  private static final int SEEDS = 120;
  /** Longer runs when validators crash, so that crashes fall inside open heights. */
  private static final long CRASH_TARGET_HEIGHT = 30;
  /** Long enough for the join, the removal three heights later, and the joiner's turns as proposer after both. */
  private static final long MEMBERSHIP_TARGET_HEIGHT = 30;

  @ParameterizedTest(name = "n={0} loss={1} silent={2} equivocating={3}")
  @CsvSource({
      "4, 0.0, 0, false",
      "4, 0.1, 1, false",
      "4, 0.2, 0, false",
      "4, 0.05, 0, true",
      "7, 0.1, 2, false",
      "7, 0.05, 1, true",
      "13, 0.1, 4, false",
      "16, 0.05, 4, true",
  })
  void randomSeedsStaySafeAndLive(final int n, final double loss, final int silent, final boolean equivocating) {
    final int seeds = Integer.getInteger("sim.seeds", SEEDS);
    for (long seed = 1; seed <= seeds; seed++) {
      final ClusterSimulator sim = new ClusterSimulator(seed * 7919 + n, n, new ClusterSimulator.Faults(loss, 0.05, 40, silent, equivocating));
      assertThat(sim.run(TARGET_HEIGHT, DEADLINE_MILLIS)).as("liveness; %s%s", sim.replayHint(), sim.describe()).isTrue();
    }
  }

  /** Twins: validator 0's key runs twice, on both sides of a partition that heals after a minute. */
  @ParameterizedTest(name = "twins n={0} loss={1}")
  @CsvSource({"4, 0.0", "4, 0.1", "7, 0.05"})
  void twinsNeverBreakAgreementAndTheNetworkRecoversAfterHealing(final int n, final double loss) {
    final int seeds = Integer.getInteger("sim.seeds", SEEDS);
    for (long seed = 1; seed <= seeds; seed++) {
      final ClusterSimulator sim = new ClusterSimulator(seed * 104_729 + n, n, new ClusterSimulator.Faults(loss, 0.05, 40, 0, false, true));
      assertThat(sim.run(TARGET_HEIGHT, DEADLINE_MILLIS)).as("liveness; %s%s", sim.replayHint(), sim.describe()).isTrue();
    }
  }

  /** One Byzantine validator with each strategy, at n = 4, 7 and 10: safe, live, and caught where it leaves evidence. */
  @ParameterizedTest(name = "byzantine {2} n={0} loss={1}")
  @CsvSource({
      "4, 0.05, DOUBLE_VOTER", "7, 0.05, DOUBLE_VOTER",
      "4, 0.05, FORGER", "4, 0.05, REPLAYER", "4, 0.05, FLOODER",
      "10, 0.05, FORGER", "10, 0.0, FLOODER",
  })
  void aByzantineValidatorCannotBreakAgreementOrStopTheOthers(final int n, final double loss, final ClusterSimulator.Strategy strategy) {
    final int seeds = Integer.getInteger("sim.seeds", SEEDS);
    int evidence = 0;
    for (long seed = 1; seed <= seeds; seed++) {
      final ClusterSimulator sim = new ClusterSimulator(seed * 32_452_843L + n, n,
          new ClusterSimulator.Faults(loss, 0.05, 40, 0, false, false, false, strategy));
      assertThat(sim.run(TARGET_HEIGHT, DEADLINE_MILLIS)).as("liveness; %s%s", sim.replayHint(), sim.describe()).isTrue();
      evidence += sim.honestEvidence();
    }
    if (strategy == ClusterSimulator.Strategy.DOUBLE_VOTER) {
      assertThat(evidence).as("double votes are kept as evidence").isPositive();
    }
  }

  /**
   * Validators crash (at most f at a time) and restart from their persisted state: the chain and the vote
   * journal. No honest validator may ever sign two blocks at one (height, round, kind), across restarts.
   */
  @ParameterizedTest(name = "crashes n={0} loss={1}")
  @CsvSource({"4, 0.0", "4, 0.1", "7, 0.05"})
  void crashedValidatorsRestartFromTheirJournalAndNeverVoteTwice(final int n, final double loss) {
    final int seeds = Integer.getInteger("sim.seeds", SEEDS);
    for (long seed = 1; seed <= seeds; seed++) {
      final ClusterSimulator sim = new ClusterSimulator(seed * 15_485_863L + n, n,
          new ClusterSimulator.Faults(loss, 0.05, 40, 0, false, false, true));
      assertThat(sim.run(CRASH_TARGET_HEIGHT, DEADLINE_MILLIS)).as("liveness; %s%s", sim.replayHint(), sim.describe()).isTrue();
    }
  }

  /** The same crashes with amnesia (no journal): some restarted proposer signs a second block for a round it already used. */
  @Test
  void withoutTheJournalARestartedValidatorSignsTwiceAtOneRound() {
    int caught = 0;
    for (long seed = 1; seed <= 60 && caught == 0; seed++) {
      final ClusterSimulator sim = new ClusterSimulator(seed * 15_485_863L + 4, 4,
          new ClusterSimulator.Faults(0.0, 0.05, 40, 0, false, false, true)).withoutVoteJournals();
      try {
        sim.run(CRASH_TARGET_HEIGHT, DEADLINE_MILLIS);
      } catch (final AssertionError e) {
        assertThat(e).hasMessageContaining("signed two blocks");
        caught++;
      }
    }
    assertThat(caught).as("the double-vote check fires when votes are forgotten").isPositive();
  }

  /**
   * Membership mid-run: a fifth node joins by an ADD_VALIDATOR of the manager, then another validator is removed.
   * Certificates are checked against the set each node's own chain puts in force at each height (catch-up
   * included), the joiner must take its turn as proposer, and its seals must count in certificates.
   */
  @ParameterizedTest(name = "membership n={0} loss={1}")
  @CsvSource({"4, 0.0", "4, 0.1", "7, 0.05"})
  void aValidatorJoinsAndAnotherLeavesMidRunWithoutBreakingAgreementOrLiveness(final int n, final double loss) {
    final int seeds = Integer.getInteger("sim.seeds", SEEDS);
    long sealedByJoiner = 0;
    for (long seed = 1; seed <= seeds; seed++) {
      final ClusterSimulator sim = new ClusterSimulator(seed * 49_979_687L + n, n,
          new ClusterSimulator.Faults(loss, 0.05, 40, 0, false)).withMembershipChanges();
      assertThat(sim.run(MEMBERSHIP_TARGET_HEIGHT, DEADLINE_MILLIS)).as("liveness; %s%s", sim.replayHint(), sim.describe()).isTrue();
      assertThat(sim.finalValidators().size()).as("joined one, removed one; %s", sim.replayHint()).isEqualTo(n);
      assertThat(sim.blocksProposedByJoiner()).as("the joiner proposes in its turn; %s", sim.replayHint()).isPositive();
      sealedByJoiner += sim.certificatesSealedByJoiner();
    }
    assertThat(sealedByJoiner).as("the joiner's seals count in certificates").isPositive();
  }

  @Test
  void replaysOneSeed() {
    final Long seed = Long.getLong("sim.seed");
    final int n = Integer.getInteger("sim.n", 4);
    final long s = seed == null ? 42 : seed;
    final ClusterSimulator sim = new ClusterSimulator(s, n, new ClusterSimulator.Faults(
        Double.parseDouble(System.getProperty("sim.loss", "0.1")), 0.05, 40, Integer.getInteger("sim.silent", 1),
        Boolean.getBoolean("sim.equivocating"), Boolean.getBoolean("sim.twins"), Boolean.getBoolean("sim.crashes"),
        ClusterSimulator.Strategy.valueOf(System.getProperty("sim.strategy", "NONE"))));
    if (Boolean.getBoolean("sim.membership")) {
      sim.withMembershipChanges();
      assertThat(sim.run(MEMBERSHIP_TARGET_HEIGHT, DEADLINE_MILLIS)).as("%s%s", sim.replayHint(), sim.describe()).isTrue();
      return;
    }
    assertThat(sim.run(TARGET_HEIGHT, DEADLINE_MILLIS)).as("%s%s", sim.replayHint(), sim.describe()).isTrue();
  }
}
