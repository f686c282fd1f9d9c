package org.fhirledger.ledger.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

final class BenchFiles {
  private BenchFiles() {}

  static void deleteRecursively(final Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (final Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
