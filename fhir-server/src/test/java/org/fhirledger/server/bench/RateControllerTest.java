package org.fhirledger.server.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fhirledger.server.bench.RateController.Decision;
import org.fhirledger.server.bench.RateController.StepResult;
import org.junit.jupiter.api.Test;

class RateControllerTest {
  private static final RateController.Settings SETTINGS = new RateController.Settings(100, 1.25, 0.95, 500, 100_000);

  /** A network that keeps up to its capacity and commits at most that beyond it. */
  private static StepResult network(final double offered, final double capacity) {
    final double committed = Math.min(offered, capacity);
    final double p99 = offered <= capacity ? 40 : 2_000;
    return new StepResult(offered, committed, p99, 0, offered <= capacity ? 5 : (long) (offered - capacity));
  }

  @Test
  void raisesTheRateByTheFactorUntilTheNetworkFallsBehindAndKeepsTheLastSustainableRate() {
    final RateController rc = new RateController(SETTINGS);
    final List<Double> offered = new ArrayList<>();
    double rate = rc.firstRate();
    while (true) {
      offered.add(rate);
      final Decision d = rc.next(network(rate, 300));
      if (d.nextRate().isEmpty()) {
        assertThat(d.sustainable()).isFalse();
        break;
      }
      rate = d.nextRate().get();
    }
    assertThat(offered).containsExactly(100.0, 125.0, 156.25, 195.3125, 244.140625, 305.17578125);
    assertThat(rc.bestSustainableRate()).contains(244.140625);
    assertThat(rc.steps()).hasSize(6);
  }

  @Test
  void aStepIsNotSustainableWithErrorsALongTailOrABacklog() {
    assertThat(new RateController(SETTINGS).next(new StepResult(100, 100, 40, 1, 0)).reason()).contains("error");
    assertThat(new RateController(SETTINGS).next(new StepResult(100, 100, 900, 0, 0)).reason()).contains("p99");
    assertThat(new RateController(SETTINGS).next(new StepResult(100, 90, 40, 0, 0)).reason()).contains("committed");
    // 100/s with 500 ms allowed: more than 50 in flight at the end means the latency already passed the bound
    assertThat(new RateController(SETTINGS).next(new StepResult(100, 100, 40, 0, 51)).reason()).contains("in flight");
    assertThat(new RateController(SETTINGS).next(new StepResult(100, 100, 40, 0, 50)).sustainable()).isTrue();
  }

  @Test
  void halvesTheRateWhenEvenTheFirstStepIsTooMuch() {
    final RateController rc = new RateController(SETTINGS);
    final Decision first = rc.next(network(100, 30));
    assertThat(first.nextRate()).contains(50.0);
    final Decision second = rc.next(network(50, 30));
    assertThat(second.nextRate()).contains(25.0);
    final Decision third = rc.next(network(25, 30));
    assertThat(third.sustainable()).isTrue();
    assertThat(rc.bestSustainableRate()).contains(25.0);
  }

  @Test
  void stopsAtTheMaximumRate() {
    final RateController rc = new RateController(new RateController.Settings(100, 2, 0.95, 500, 300));
    assertThat(rc.next(network(100, 1e9)).nextRate()).contains(200.0);
    assertThat(rc.next(network(200, 1e9)).nextRate()).isEqualTo(Optional.empty());
    assertThat(rc.bestSustainableRate()).contains(200.0);
  }

  @Test
  void pacesOperationsEvenlyFromTheStart() {
    assertThat(RateController.dueNanos(1_000, 0, 200)).isEqualTo(1_000);
    assertThat(RateController.dueNanos(1_000, 1, 200)).isEqualTo(1_000 + 5_000_000);
    assertThat(RateController.dueNanos(0, 1_000, 250)).isEqualTo(4_000_000_000L);
  }

  @Test
  void refusesSettingsThatCannotSearch() {
    assertThatThrownBy(() -> new RateController.Settings(100, 1.0, 0.95, 500, 1000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateController.Settings(0, 1.25, 0.95, 500, 1000)).isInstanceOf(IllegalArgumentException.class);
  }
}
