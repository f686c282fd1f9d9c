package org.fhirledger.server.search;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fhirledger.server.config.FhirContexts;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * Search parameter extraction with the walk of simple paths against the FHIRPath engine alone, by this thread's CPU
 * time (not wall time: on a machine shared with other work, waiting for a core is not the code's cost). Rounds
 * alternate the two so that both see the same JIT state and the same neighbours. Arguments: folders of FHIR Bundles
 * (e.g. ../shared/data/synthea/smart-r4-synthea-2.4; none: the create workload's Patient, 20,000 times) and
 * optionally {@code --rounds N}. Not a JMH benchmark but
 * compiled with them (src/jmh/java, {@code -Pjmh}); docs/benchmarks.md gives the command.
 */
public final class ExtractionCpuComparison {
  private ExtractionCpuComparison() {}

  public static void main(final String[] args) throws IOException {
    final FhirContext fhir = FhirContexts.r4();
    final List<Resource> resources = new ArrayList<>();
    int rounds = 10;
    for (int i = 0; i < args.length; i++) {
      if ("--rounds".equals(args[i])) {
        rounds = Integer.parseInt(args[++i]);
        continue;
      }
      try (Stream<Path> files = Files.list(Path.of(args[i]))) {
        for (final Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
          fhir.newJsonParser().parseResource(Bundle.class, Files.readString(file)).getEntry().forEach(e -> resources.add(e.getResource()));
        }
      }
    }
    if (resources.isEmpty()) {
      // no folder: the create workload's small Patient, as every node indexes it per create
      final Resource patient = (Resource) fhir.newJsonParser().parseResource(org.fhirledger.server.bench.IndexExtractionBenchmark.PATIENT);
      for (int i = 0; i < 20_000; i++) {
        resources.add(patient);
      }
    }
    final SearchParamExtractor walking = new SearchParamExtractor(fhir);
    final SearchParamExtractor engineOnly = new SearchParamExtractor(fhir, false);
    final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    System.out.printf("resources=%d rounds=%d (CPU µs per resource; the first rounds include JIT warm-up)%n", resources.size(), rounds);
    for (int round = 1; round <= rounds; round++) {
      final long rowsEngine;
      final long rowsWalk;
      long t0 = threads.getCurrentThreadCpuTime();
      rowsEngine = extractAll(engineOnly, resources);
      final double engineMicros = (threads.getCurrentThreadCpuTime() - t0) / 1e3 / resources.size();
      t0 = threads.getCurrentThreadCpuTime();
      rowsWalk = extractAll(walking, resources);
      final double walkMicros = (threads.getCurrentThreadCpuTime() - t0) / 1e3 / resources.size();
      System.out.printf("round %2d  engine %8.1f µs  walk %8.1f µs  ratio %5.1f  rows %d/%d%n", round, engineMicros, walkMicros,
          engineMicros / walkMicros, rowsEngine, rowsWalk);
    }
  }

  private static long extractAll(final SearchParamExtractor extractor, final List<Resource> resources) {
    long rows = 0;
    for (final Resource r : resources) {
      rows += extractor.extract(r).size();
    }
    return rows;
  }
}
