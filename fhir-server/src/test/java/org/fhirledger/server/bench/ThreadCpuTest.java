package org.fhirledger.server.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ThreadCpuTest {
  /** /proc/<pid>/task/<tid>/stat lines of a node JVM under load (captured 2026-12-06, tails cut). */
  private static final String C2 = "18331 (C2 CompilerThre) S 18202 18153 366 0 -1 4194368 22960 23046 0 1 3264 96 61 54 20 0 108 0 2157026 4310216704";
  private static final String C1 = "18332 (C1 CompilerThre) S 18202 18153 366 0 -1 4194368 11047 23046 0 1 509 70 61 54 20 0 108 0 2157026 4310216704";
  private static final String G1 = "18322 (G1 Conc#0) S 18202 18153 366 0 -1 4194368 2373 23046 0 1 34 2 61 54 20 0 108 0 2157018 4310216704";
  private static final String HTTP = "18805 (http-nio-127.0.) S 18202 18153 366 0 -1 4194368 207 23046 0 1 527 767 61 54 20 0 108 0 2158861 4310216704";
  private static final String LEDGER = "18705 (ledger-hospital) R 18202 18153 366 0 -1 4194368 94766 23046 0 1 6617 1377 61 54 20 0 108 0 2158430 4310216704";
  private static final String TIMERS = "18706 (ledger-timers-h) S 18202 18153 366 0 -1 4194368 34 23046 0 1 130 67 61 54 20 0 108 0 2158430 4310216704";
  private static final String INDEXER = "18989 (indexer-hospita) S 18202 18153 366 0 -1 4194368 4776 23046 0 1 1801 351 61 54 20 0 108 0 2159210 4310216704";
  private static final String P2P = "18704 (p2p-1df497a1bc8) S 18202 18153 366 0 -1 4194368 22 23046 0 1 1 0 61 54 20 0 108 0 2158430 4310216704";
  /** zonky's PostgreSQL log reader: an unbalanced '(' in the name. */
  private static final String PG_LOG = "18536 (postgres:pid(18) S 18202 18153 366 0 -1 4194368 17 23046 0 1 3 1 61 54 20 0 108 0 2157770 4310216704";

  @Test
  void aTaskStatLineGivesTidNameAndUserPlusSystemMillis() {
    assertThat(ThreadCpu.parseTaskStat(C2)).isEqualTo(new ThreadCpu.ThreadSample(18331, "C2 CompilerThre", (3264 + 96) * 10L));
    assertThat(ThreadCpu.parseTaskStat(PG_LOG)).isEqualTo(new ThreadCpu.ThreadSample(18536, "postgres:pid(18", 40));
    // a name that holds ") R " and spaces: fields are counted from the last ')'
    assertThat(ThreadCpu.parseTaskStat("77 (a) R (b c)) S 1 2 3 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 9 9"))
        .isEqualTo(new ThreadCpu.ThreadSample(77, "a) R (b c)", 110));
    assertThatThrownBy(() -> ThreadCpu.parseTaskStat("garbage")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void threadsAreGroupedByWhatTheyDo() {
    assertThat(ThreadCpu.groupOf("C2 CompilerThre")).isEqualTo(ThreadCpu.Group.JIT);
    assertThat(ThreadCpu.groupOf("C1 CompilerThre")).isEqualTo(ThreadCpu.Group.JIT);
    assertThat(ThreadCpu.groupOf("G1 Conc#0")).isEqualTo(ThreadCpu.Group.GC);
    assertThat(ThreadCpu.groupOf("GC Thread#1")).isEqualTo(ThreadCpu.Group.GC);
    assertThat(ThreadCpu.groupOf("VM Thread")).isEqualTo(ThreadCpu.Group.GC);
    assertThat(ThreadCpu.groupOf("http-nio-127.0.")).isEqualTo(ThreadCpu.Group.HTTP);
    assertThat(ThreadCpu.groupOf("ledger-hospital")).isEqualTo(ThreadCpu.Group.LEDGER);
    assertThat(ThreadCpu.groupOf("ledger-timers-h")).isEqualTo(ThreadCpu.Group.TIMERS);
    assertThat(ThreadCpu.groupOf("indexer-hospita")).isEqualTo(ThreadCpu.Group.INDEXER);
    assertThat(ThreadCpu.groupOf("p2p-1df497a1bc8")).isEqualTo(ThreadCpu.Group.P2P);
    assertThat(ThreadCpu.groupOf("dht-1df497a1bc8")).isEqualTo(ThreadCpu.Group.P2P);
    assertThat(ThreadCpu.groupOf("TioSystemTimer")).isEqualTo(ThreadCpu.Group.P2P);
    assertThat(ThreadCpu.groupOf("rocksdb:low")).isEqualTo(ThreadCpu.Group.ROCKSDB);
    assertThat(ThreadCpu.groupOf("postgres:pid(18")).isEqualTo(ThreadCpu.Group.OTHER_JVM);
    assertThat(ThreadCpu.groupOf("Catalina-utilit")).isEqualTo(ThreadCpu.Group.OTHER_JVM);
  }

  @Test
  void theDeltaPerGroupCountsNewThreadsFromZeroAndPutsWhatEndedThreadsUsedUnderOther() {
    final Map<Long, ThreadCpu.ThreadSample> before = samples(C2, LEDGER, HTTP);
    final Map<Long, ThreadCpu.ThreadSample> after = new HashMap<>();
    after.put(18331L, new ThreadCpu.ThreadSample(18331, "C2 CompilerThre", 33_600 + 500));
    after.put(18705L, new ThreadCpu.ThreadSample(18705, "ledger-hospital", 79_940 + 2_000));
    // the HTTP thread ended; an indexer thread started with 300 ms
    after.put(18989L, new ThreadCpu.ThreadSample(18989, "indexer-hospita", 300));
    // the process used 3,000 ms in all: 200 ms of it on the thread that ended
    final Map<ThreadCpu.Group, Long> groups = ThreadCpu.byGroup(before, after, 3_000);
    assertThat(groups.get(ThreadCpu.Group.JIT)).isEqualTo(500);
    assertThat(groups.get(ThreadCpu.Group.LEDGER)).isEqualTo(2_000);
    assertThat(groups.get(ThreadCpu.Group.INDEXER)).isEqualTo(300);
    assertThat(groups.get(ThreadCpu.Group.OTHER_JVM)).isEqualTo(200);
    assertThat(groups.get(ThreadCpu.Group.HTTP)).isZero();
    assertThat(groups.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(3_000);
  }

  @Test
  void theBreakdownAddsPostgresAndTheClientAndGivesSharesAndMillisPerOperation() {
    final NodeProbe probe = new NodeProbe("hospital-0", Long.MAX_VALUE, null);
    final NodeProbe.Sample before = new NodeProbe.Sample(OptionalLong.of(10_000), OptionalLong.empty(), OptionalLong.of(1_000), OptionalLong.empty(),
        Optional.of(samples(C2, C1, G1, LEDGER, TIMERS, INDEXER, P2P)));
    final Map<Long, ThreadCpu.ThreadSample> later = new HashMap<>(samples(C2, C1, G1, LEDGER, TIMERS, INDEXER, P2P));
    later.put(18331L, new ThreadCpu.ThreadSample(18331, "C2 CompilerThre", 33_600 + 1_000));
    later.put(18705L, new ThreadCpu.ThreadSample(18705, "ledger-hospital", 79_940 + 3_000));
    final NodeProbe.Sample after = new NodeProbe.Sample(OptionalLong.of(14_000), OptionalLong.empty(), OptionalLong.of(5_000), OptionalLong.empty(),
        Optional.of(later));
    final List<CpuBreakdown.Row> rows = CpuBreakdown.of(List.of(probe), List.of(before), List.of(after), 2_000, 1_000);
    assertThat(rows).extracting(CpuBreakdown.Row::group).contains("JIT compiler", CpuBreakdown.POSTGRES, CpuBreakdown.CLIENT);
    final Map<String, CpuBreakdown.Row> byName = new HashMap<>();
    rows.forEach(r -> byName.put(r.group(), r));
    // 1 s JIT + 3 s ledger (= the JVM's 4 s) + 4 s PostgreSQL + 2 s client = 10 s
    assertThat(byName.get("JIT compiler").shareOfTotal()).isEqualTo(0.1);
    assertThat(byName.get("JIT compiler").msPerOperation()).isEqualTo(1.0);
    assertThat(byName.get(CpuBreakdown.POSTGRES).cpuSeconds()).isEqualTo(4.0);
    assertThat(byName.get(CpuBreakdown.CLIENT).shareOfTotal()).isEqualTo(0.2);
    assertThat(byName.get(ThreadCpu.Group.OTHER_JVM.label()).cpuSeconds()).isZero();
    // the JIT's share of the nodes' 8 s, as --warmup auto judges it
    assertThat(CpuBreakdown.compilerShareOfNodes(rows)).isEqualTo(0.125);
  }

  @Test
  void withoutThreadsThereIsNoBreakdown() {
    final NodeProbe probe = new NodeProbe("hospital-0", Long.MAX_VALUE, null);
    final NodeProbe.Sample none = new NodeProbe.Sample(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
        Optional.empty());
    assertThat(CpuBreakdown.of(List.of(probe), List.of(none), List.of(none), 100, 10)).isEmpty();
    assertThat(CpuBreakdown.compilerShareOfNodes(List.of())).isEqualTo(-1);
    assertThat(ThreadCpu.read(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void readsTheThreadsOfThisJvm() {
    final Map<Long, ThreadCpu.ThreadSample> threads = ThreadCpu.read(ProcessHandle.current().pid()).orElseThrow();
    assertThat(threads.values()).extracting(ThreadCpu.ThreadSample::name).anyMatch(n -> ThreadCpu.groupOf(n) == ThreadCpu.Group.JIT);
    assertThat(threads.values().stream().mapToLong(ThreadCpu.ThreadSample::cpuMillis).sum()).isPositive();
  }

  private static Map<Long, ThreadCpu.ThreadSample> samples(final String... lines) {
    final Map<Long, ThreadCpu.ThreadSample> out = new HashMap<>();
    for (final String l : lines) {
      final ThreadCpu.ThreadSample s = ThreadCpu.parseTaskStat(l);
      out.put(s.tid(), s);
    }
    return out;
  }
}
