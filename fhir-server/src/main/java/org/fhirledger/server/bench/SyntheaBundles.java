package org.fhirledger.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Bundles of a folder of Synthea output: batch Bundles (Synthea's hospital and practitioner files, with
 * {@code ifNoneExist}) are posted once before the run, because the patients' conditional references need
 * them; transaction Bundles (one patient each) are the workload, copied afresh for every post.
 */
public record SyntheaBundles(Path folder, List<NamedJson> batches, List<BundleTemplate> transactions) {
  /** A batch Bundle's file name and its JSON text as read. */
  public record NamedJson(String name, String json) {}

  /** Where the project keeps its small Synthea sample, relative to the repository root or to fhir-server/. */
  static final List<Path> DEFAULT_FOLDERS = List.of(Path.of("fhir-server/src/test/resources/synthea"), Path.of("src/test/resources/synthea"));

  public static Optional<Path> defaultFolder() {
    return DEFAULT_FOLDERS.stream().filter(Files::isDirectory).findFirst();
  }

  public static SyntheaBundles load(final Path folder, final ObjectMapper mapper) throws IOException {
    final List<Path> files;
    try (Stream<Path> s = Files.list(folder)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    final List<NamedJson> batches = new ArrayList<>();
    final List<BundleTemplate> transactions = new ArrayList<>();
    for (final Path f : files) {
      final String text = Files.readString(f);
      final JsonNode json = mapper.readTree(text);
      if (!"Bundle".equals(json.path("resourceType").asText())) {
        continue;
      }
      final String type = json.path("type").asText();
      if ("batch".equals(type)) {
        batches.add(new NamedJson(f.getFileName().toString(), text));
      } else if ("transaction".equals(type)) {
        transactions.add(BundleTemplate.of(f.getFileName().toString(), json, mapper));
      }
    }
    if (transactions.isEmpty()) {
      throw new IllegalArgumentException("no transaction Bundle in " + folder);
    }
    return new SyntheaBundles(folder, List.copyOf(batches), List.copyOf(transactions));
  }
}
