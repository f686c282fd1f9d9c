package org.fhirledger.server.bench;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.index.IndexedParam;
import org.fhirledger.server.search.SearchParamExtractor;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the indexer thread does per resource on every node: parse the canonical JSON with HAPI, then compute the
 * search parameter rows ({@link SearchParamExtractor}). Resources: the small Patient of {@code bench --workload
 * create}, and the 60 entries of the Synthea sample Bundle (one operation = the whole Bundle). Average time, µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class IndexExtractionBenchmark {
  /** The create workload's Patient (bench.Workloads.newPatientJson), as the DAO stores it. */
  public static final String PATIENT = "{\"resourceType\":\"Patient\",\"id\":\"0b6f3c0e-4a6e-4c52-9d8e-1f2a3b4c5d6e\",\"meta\":{\"versionId\":\"1\","
      + "\"lastUpdated\":\"2026-12-06T07:00:00.000+00:00\",\"source\":\"urn:fhirledger:node:ab12\"},\"identifier\":[{\"system\":"
      + "\"urn:fhirledger:bench\",\"value\":\"run-42\"}],\"active\":true,\"name\":[{\"family\":\"Bench42\",\"given\":[\"Load\"]}],"
      + "\"gender\":\"female\",\"birthDate\":\"1980-01-01\"}";

  private final FhirContext fhir = FhirContexts.r4();
  private final SearchParamExtractor extractor = new SearchParamExtractor(fhir);
  private Resource patient;
  private List<String> syntheaJson;
  private List<Resource> synthea;

  @Setup
  public void resources() throws IOException {
    patient = parse(PATIENT);
    final String bundleJson;
    try (InputStream in = IndexExtractionBenchmark.class.getResourceAsStream("/synthea/patient-bundle.json")) {
      bundleJson = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    syntheaJson = new ArrayList<>();
    synthea = new ArrayList<>();
    for (final Bundle.BundleEntryComponent e : fhir.newJsonParser().parseResource(Bundle.class, bundleJson).getEntry()) {
      final String json = fhir.newJsonParser().encodeResourceToString(e.getResource());
      syntheaJson.add(json);
      synthea.add(parse(json));
    }
  }

  private Resource parse(final String json) {
    return (Resource) fhir.newJsonParser().parseResource(json);
  }

  @Benchmark
  public Resource parsePatient() {
    return parse(PATIENT);
  }

  @Benchmark
  public List<IndexedParam> extractPatient() {
    return extractor.extract(patient);
  }

  @Benchmark
  public List<IndexedParam> parseAndExtractPatient() {
    return extractor.extract(parse(PATIENT));
  }

  /** The 60 resources of the Synthea sample, parsed and extracted (divide by 60 for one resource). */
  @Benchmark
  public void parseAndExtractSynthea60(final Blackhole bh) {
    for (final String json : syntheaJson) {
      bh.consume(extractor.extract(parse(json)));
    }
  }

  /** The 60 resources of the Synthea sample, extracted from parsed models. */
  @Benchmark
  public void extractSynthea60(final Blackhole bh) {
    for (final Resource r : synthea) {
      bh.consume(extractor.extract(r));
    }
  }
}
