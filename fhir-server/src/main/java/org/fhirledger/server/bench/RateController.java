package org.fhirledger.server.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The search of {@code --find-max} (paper, section 7, steps 1-2): offer an open-loop rate for one step,
 * judge whether the network kept up, raise the rate by a factor while it does, and stop at the first step it
 * did not. Pure: the driver runs the steps and feeds their results in.
 *
 * <p>A step is sustainable when nothing failed, the committed rate reached {@code minCommittedRatio} of the
 * offered rate, the requests still in flight at the end of the step were no more than {@code maxP99Millis}
 * worth of offered load (by Little's law, more means the mean latency already passed that bound), and p99
 * stayed under {@code maxP99Millis}. If the very first step is not sustainable the rate is halved (a few
 * times) so a slow machine still yields a figure.
 */
public final class RateController {
  /** How the search proceeds. */
  public record Settings(double startRate, double stepFactor, double minCommittedRatio, double maxP99Millis, double maxRate) {
    public Settings {
      if (startRate <= 0 || stepFactor <= 1 || minCommittedRatio <= 0 || minCommittedRatio > 1 || maxP99Millis <= 0 || maxRate < startRate) {
        throw new IllegalArgumentException("bad find-max settings: " + this);
      }
    }
  }

  /** What one step measured. {@code inFlightAtEnd}: requests sent but not answered when the step ended. */
  public record StepResult(double offeredRate, double committedRate, double p99Millis, long errors, long inFlightAtEnd) {}

  /** The verdict on a step and what to do next: {@code nextRate} is empty when the search is over. */
  public record Decision(boolean sustainable, String reason, Optional<Double> nextRate) {}

  private static final int MAX_HALVINGS = 4;

  private final Settings settings;
  private final List<StepResult> steps = new ArrayList<>();
  private double best;
  private int halvings;

  public RateController(final Settings settings) {
    this.settings = settings;
  }

  public double firstRate() {
    return settings.startRate();
  }

  public Decision next(final StepResult step) {
    steps.add(step);
    final String problem = problem(step);
    if (problem == null) {
      best = Math.max(best, step.offeredRate());
      final double raised = step.offeredRate() * settings.stepFactor();
      if (raised > settings.maxRate()) {
        return new Decision(true, "reached --max-rate", Optional.empty());
      }
      return new Decision(true, "kept up", Optional.of(raised));
    }
    if (best == 0 && halvings < MAX_HALVINGS) {
      halvings++;
      return new Decision(false, problem, Optional.of(step.offeredRate() / 2));
    }
    return new Decision(false, problem, Optional.empty());
  }

  /** Why the step was not sustainable, or null when it was. */
  private String problem(final StepResult s) {
    if (s.errors() > 0) {
      return s.errors() + " error(s)";
    }
    if (s.committedRate() < settings.minCommittedRatio() * s.offeredRate()) {
      return String.format("committed %.0f/s < %.0f%% of offered %.0f/s", s.committedRate(), settings.minCommittedRatio() * 100, s.offeredRate());
    }
    if (s.inFlightAtEnd() > s.offeredRate() * settings.maxP99Millis() / 1000.0) {
      return s.inFlightAtEnd() + " requests still in flight at the end of the step";
    }
    if (s.p99Millis() > settings.maxP99Millis()) {
      return String.format("p99 %.0f ms > %.0f ms", s.p99Millis(), settings.maxP99Millis());
    }
    return null;
  }

  /** The highest offered rate that was sustainable, or empty when none was. */
  public Optional<Double> bestSustainableRate() {
    return best > 0 ? Optional.of(best) : Optional.empty();
  }

  public List<StepResult> steps() {
    return List.copyOf(steps);
  }

  /**
   * Open-loop pacing: the time operation {@code index} is due, {@code startNanos + index / rate}. Latency is
   * measured from this time, not from when the request actually left, so a stalled client cannot hide
   * queueing (coordinated omission).
   */
  public static long dueNanos(final long startNanos, final long index, final double ratePerSecond) {
    return startNanos + (long) (index * 1_000_000_000.0 / ratePerSecond);
  }
}
