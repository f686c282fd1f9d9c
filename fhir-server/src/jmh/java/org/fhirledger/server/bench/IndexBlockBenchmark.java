package org.fhirledger.server.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.index.EmbeddedPostgresServer;
import org.fhirledger.server.index.IndexedParam;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.SearchIndex;
import org.fhirledger.server.search.SearchParamExtractor;
import org.hl7.fhir.r4.model.Resource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SQL side of indexing: {@link SearchIndex#applyBlock} of one block of 30 new Patients (the create workload's
 * blocks hold ~30 transactions), their parameter rows computed beforehand, into an embedded PostgreSQL that is
 * durable as a node's is (fsync, synchronous commit). One operation = one resource; average time, µs. The JVM's
 * CPU is only part of the cost: PostgreSQL's own processes work too (compare wall time, not CPU).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class IndexBlockBenchmark {
  private static final int PER_BLOCK = 30;

  /** Whether each block's resources are new (creates) or new versions of the previous block's (updates). */
  @Param({"create", "update"})
  public String kind;

  private Path dir;
  private EmbeddedPostgresServer postgres;
  private SearchIndex index;
  private List<IndexedParam> params;
  private long height;
  private final Map<String, Long> versions = new HashMap<>();

  @Setup(Level.Trial)
  public void start() throws IOException {
    dir = Files.createTempDirectory("index-block-bench");
    postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), true);
    index = new SearchIndex(postgres.dataSourceFor("bench"));
    index.migrate();
    final Resource patient = (Resource) FhirContexts.r4().newJsonParser().parseResource(IndexExtractionBenchmark.PATIENT);
    params = new SearchParamExtractor(FhirContexts.r4()).extract(patient);
    height = index.indexedHeight();
  }

  @TearDown(Level.Trial)
  public void stop() {
    postgres.close();
  }

  @Benchmark
  @OperationsPerInvocation(PER_BLOCK)
  public boolean applyBlock() {
    height++;
    final List<IndexedVersion> block = new ArrayList<>(PER_BLOCK);
    for (int i = 0; i < PER_BLOCK; i++) {
      final String id = "create".equals(kind) ? "p" + height + "-" + i : "p" + i;
      final long version = versions.merge(id, 1L, Long::sum);
      block.add(new IndexedVersion("Patient", id, version, false, Instant.ofEpochSecond(height), "bafy" + id + "v" + version, height,
          "ab".repeat(32), "cd".repeat(32)));
    }
    return index.applyBlock(height, String.format("%064x", height), block, v -> params);
  }
}
