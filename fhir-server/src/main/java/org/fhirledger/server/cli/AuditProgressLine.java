package org.fhirledger.server.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.fhirledger.ledger.audit.ChainAuditor;

/**
 * The one-line progress display of {@code verify}: the chunk scan, then a bar over the heights, redrawn in
 * place with a carriage return at most every {@link #REDRAW_NANOS} (and at the last height), and ended with
 * a newline so the summary starts on a clean line.
 */
final class AuditProgressLine implements ChainAuditor.Progress {
  static final long REDRAW_NANOS = 200_000_000L;
  private static final int BAR_WIDTH = 30;
  private final PrintWriter err;
  private final LongSupplier nanoClock;
  private final long started;
  private long lastDrawn;
  private boolean drawn;

  AuditProgressLine(final PrintWriter err, final LongSupplier nanoClock) {
    this.err = err;
    this.nanoClock = nanoClock;
    this.started = nanoClock.getAsLong();
    this.lastDrawn = started;
  }

  @Override
  public void chunkScanned(final long chunks, final long bytes) {
    if (due(false)) {
      draw(String.format(Locale.ROOT, "scanning chunks: %,d (%s)", chunks, VerifyCommand.bytes(bytes)));
    }
  }

  @Override
  public void heightVerified(final long height, final long chainHeight) {
    if (due(height == chainHeight)) {
      final double done = chainHeight == 0 ? 1 : (double) height / chainHeight;
      final int filled = (int) Math.round(done * BAR_WIDTH);
      draw(String.format(Locale.ROOT, "verifying [%s%s] %3d%% %,d/%,d heights %.1f s", "#".repeat(filled), "-".repeat(BAR_WIDTH - filled),
          Math.round(done * 100), height, chainHeight, (nanoClock.getAsLong() - started) / 1e9));
    }
  }

  /** Ends the line if anything was drawn. */
  void finish() {
    if (drawn) {
      err.println();
      err.flush();
    }
  }

  private boolean due(final boolean last) {
    final long now = nanoClock.getAsLong();
    if (!last && now - lastDrawn < REDRAW_NANOS) {
      return false;
    }
    lastDrawn = now;
    return true;
  }

  private void draw(final String line) {
    // pad so a shorter line wipes the end of a longer one
    err.print("\r" + String.format(Locale.ROOT, "%-79s", line));
    err.flush();
    drawn = true;
  }
}
