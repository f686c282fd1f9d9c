package org.fhirledger.ledger.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Binary is never held in memory whole: a child JVM with a 64 MiB heap streams generated content through
 * the DAG builder into a real RocksDB store and back through the reader, and reports its peak heap. 128 MiB by
 * default (a few seconds); the 1 GiB (about 35 s here, and 1 GiB of disk) with
 * {@code -Dfhirledger.largeTests=true} or {@code -Plarge-tests}.
 */
class LargeContentStreamingTest {
  private static final long SIZE = ChunkDedupTest.LARGE ? 1L << 30 : 128L << 20;
  private static final String HEAP = "64m";
  private static final long HEAP_BYTES = 64L << 20;

  @TempDir
  Path dir;

  @Test
  void contentStreamsIntoTheStoreAndBackInACappedHeap() throws IOException, InterruptedException {
    final Path log = dir.resolve("probe.log");
    final List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + HEAP, "-XX:+UseG1GC",
        "-cp", System.getProperty("java.class.path"),
        StreamingProbe.class.getName(), dir.resolve("store").toString(), String.valueOf(SIZE), "11"));
    final Process probe = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    final boolean finished = probe.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      probe.destroyForcibly();
    }
    final String output = Files.readString(log);
    assertThat(finished).as("probe finished in time: %s", output).isTrue();
    assertThat(probe.exitValue()).as(output).isZero();

    final Map<String, String> result = result(output);
    System.out.println("streaming: " + result);
    assertThat(Long.parseLong(result.get("size"))).isEqualTo(SIZE);
    assertThat(Long.parseLong(result.get("read"))).isEqualTo(SIZE);
    assertThat(result.get("outSha")).isEqualTo(result.get("inSha"));
    // the store holds all of it (content-defined leaves plus their interior nodes), the heap never more than a sliver
    assertThat(Long.parseLong(result.get("chunkBytes"))).isGreaterThanOrEqualTo(SIZE);
    assertThat(Long.parseLong(result.get("maxHeap"))).isLessThanOrEqualTo(HEAP_BYTES);
    assertThat(Long.parseLong(result.get("peakHeap"))).isLessThan(HEAP_BYTES).isLessThan(SIZE / 2);
    // more content than heap passed through, so collections ran and measured what stayed live
    assertThat(Long.parseLong(result.get("maxLiveAfterGc"))).isPositive().isLessThan(32L << 20);
  }

  private static Map<String, String> result(final String output) {
    final String line = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
        .orElseThrow(() -> new AssertionError("no RESULT line in probe output:\n" + output));
    final Map<String, String> values = new HashMap<>();
    for (final String pair : line.substring("RESULT ".length()).split(" ")) {
      final int eq = pair.indexOf('=');
      values.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return values;
  }
}
