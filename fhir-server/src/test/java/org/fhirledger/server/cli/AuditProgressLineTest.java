package org.fhirledger.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuditProgressLineTest {
  private final StringWriter err = new StringWriter();
  private final AtomicLong now = new AtomicLong(1_000);
  private final AuditProgressLine line = new AuditProgressLine(new PrintWriter(err), now::get);

  @Test
  void redrawsAtMostEveryFifthOfASecondButAlwaysAtTheLastHeight() {
    for (long h = 1; h <= 1_000; h++) {
      now.addAndGet(1_000_000); // 1 ms per height: one redraw per 200 heights
      line.heightVerified(h, 1_000);
    }
    line.finish();
    final String drawn = err.toString();
    assertThat(drawn.chars().filter(c -> c == '\r').count()).isBetween(5L, 6L);
    assertThat(drawn).contains("[######------------------------]  20% 200/1,000 heights")
        .contains("[##############################] 100% 1,000/1,000 heights 1.0 s")
        .endsWith(System.lineSeparator());
  }

  @Test
  void nothingIsDrawnOrEndedForAnAuditFasterThanOneRedraw() {
    line.chunkScanned(10, 10_000);
    line.finish();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void theChunkScanShowsCountAndBytes() {
    now.addAndGet(AuditProgressLine.REDRAW_NANOS);
    line.chunkScanned(12_345, 3L << 30);
    assertThat(err.toString()).startsWith("\rscanning chunks: 12,345 (3.0 GiB)");
  }
}
