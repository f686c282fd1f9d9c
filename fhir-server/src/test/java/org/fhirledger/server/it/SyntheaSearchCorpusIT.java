package org.fhirledger.server.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.fhirledger.server.it.corpus.CorpusLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search corpus on all of the shared Synthea data ({@code ../shared/data/synthea} from the repository root, or
 * {@code -Dfhirledger.synthea.dir=...}): 36 patients, 38 Bundles, about 6,600 resources. Skipped, saying so, when the
 * folder is not there.
 */
class SyntheaSearchCorpusIT extends SearchCorpusITBase {
  static final String DEFAULT_FOLDER = "../shared/data/synthea";
  @TempDir
  static Path dir;

  @BeforeAll
  static void loadSharedSynthea() throws Exception {
    final String configured = System.getProperty("fhirledger.synthea.dir");
    final Path folder = configured != null ? Path.of(configured).toAbsolutePath() : fromRepositoryRoot(DEFAULT_FOLDER);
    assumeTrue(Files.isDirectory(folder), "the shared Synthea data is not at " + folder
        + " (set -Dfhirledger.synthea.dir=...): the full-data search corpus is skipped; SampleSearchCorpusIT runs the same corpus on the"
        + " sample in src/test/resources");
    load(dir, CorpusLoader.bundleFiles(folder));
  }
}
