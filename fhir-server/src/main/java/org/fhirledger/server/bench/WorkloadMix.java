package org.fhirledger.server.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;

/**
 * Weighted choice among workload kinds, as given by {@code --mix create=6,read=3,update=1}. A single workload
 * is a mix of one kind. Each client draws from its own seeded random, so a run's sequence is reproducible.
 */
public final class WorkloadMix {
  private final Map<WorkloadKind, Integer> weights;
  private final WorkloadKind[] kinds;
  private final int[] cumulative;

  private WorkloadMix(final Map<WorkloadKind, Integer> weights) {
    this.weights = Collections.unmodifiableMap(new EnumMap<>(weights));
    final List<WorkloadKind> ks = new ArrayList<>();
    final List<Integer> cum = new ArrayList<>();
    int total = 0;
    for (final Map.Entry<WorkloadKind, Integer> e : this.weights.entrySet()) {
      if (e.getValue() > 0) {
        total += e.getValue();
        ks.add(e.getKey());
        cum.add(total);
      }
    }
    this.kinds = ks.toArray(WorkloadKind[]::new);
    this.cumulative = cum.stream().mapToInt(Integer::intValue).toArray();
  }

  public static WorkloadMix single(final WorkloadKind kind) {
    return new WorkloadMix(Map.of(kind, 1));
  }

  /**
   * Parses {@code kind=weight,...}; weights are non-negative integers and at least one is positive. A kind
   * without {@code =weight} counts 1.
   */
  public static WorkloadMix parse(final String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty mix: give e.g. create=6,read=3,update=1");
    }
    final Map<WorkloadKind, Integer> weights = new EnumMap<>(WorkloadKind.class);
    for (final String part : spec.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      final String[] kv = part.split("=", 2);
      final WorkloadKind kind = WorkloadKind.parse(kv[0]);
      final int weight;
      try {
        weight = kv.length == 2 ? Integer.parseInt(kv[1].trim()) : 1;
      } catch (final NumberFormatException e) {
        throw new IllegalArgumentException("weight of " + kind.label() + " is not a whole number: '" + kv[1].trim() + "'", e);
      }
      if (weight < 0) {
        throw new IllegalArgumentException("weight of " + kind.label() + " is negative");
      }
      if (weights.put(kind, weight) != null) {
        throw new IllegalArgumentException(kind.label() + " appears twice in the mix");
      }
    }
    if (weights.values().stream().mapToInt(Integer::intValue).sum() <= 0) {
      throw new IllegalArgumentException("every weight in the mix is zero");
    }
    return new WorkloadMix(weights);
  }

  /** The next kind, drawn with probability weight / total. */
  public WorkloadKind pick(final SplittableRandom random) {
    if (kinds.length == 1) {
      return kinds[0];
    }
    final int r = random.nextInt(cumulative[cumulative.length - 1]);
    for (int i = 0; i < cumulative.length; i++) {
      if (r < cumulative[i]) {
        return kinds[i];
      }
    }
    throw new AssertionError("unreachable");
  }

  public boolean contains(final WorkloadKind kind) {
    return weights.getOrDefault(kind, 0) > 0;
  }

  /** Kinds with a positive weight, with their weights. */
  public Map<WorkloadKind, Integer> weights() {
    return weights;
  }

  /** {@code create=6,read=3,update=1}, or just {@code create} for a single kind. */
  @Override
  public String toString() {
    if (kinds.length == 1) {
      return kinds[0].label();
    }
    final StringJoiner j = new StringJoiner(",");
    for (final WorkloadKind k : kinds) {
      j.add(k.label() + "=" + weights.get(k));
    }
    return j.toString();
  }
}
