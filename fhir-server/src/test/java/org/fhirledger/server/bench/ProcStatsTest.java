package org.fhirledger.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ProcStatsTest {
  /** A real line's shape, with a command name that holds a space and a parenthesis. */
  private static final String STAT =
      "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 51234 0 12 0 1234 567 89 10 20 0 42 0 7777 5000000000 80000 18446744073709551615";

  @Test
  void cpuIsUserPlusSystemTicksCountedFromTheLastParenthesis() {
    // utime 1234 + stime 567 ticks of 10 ms
    assertThat(ProcStats.parseCpuMillis(STAT, false)).isEqualTo(18_010);
    // plus cutime 89 + cstime 10 of reaped children
    assertThat(ProcStats.parseCpuMillis(STAT, true)).isEqualTo(19_000);
    assertThat(ProcStats.parseSystemCpuMillis(STAT)).isEqualTo(5_670);
  }

  @Test
  void peakRssIsVmHwmInKib() {
    final String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmHWM:\t  523412 kB\nVmRSS:\t  400000 kB\n";
    assertThat(ProcStats.parseVmHwmKib(status)).isEqualTo(OptionalLong.of(523_412));
    assertThat(ProcStats.parseVmHwmKib("Name:\tkthreadd\n")).isEmpty();
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void readsThisJvmsOwnCounters() {
    final long pid = ProcessHandle.current().pid();
    assertThat(ProcStats.cpuMillis(pid).orElseThrow()).isPositive();
    assertThat(ProcStats.peakRssKib(pid).orElseThrow()).isGreaterThan(10_000);
    assertThat(ProcStats.cpuMillis(Long.MAX_VALUE)).isEmpty();
  }
}
