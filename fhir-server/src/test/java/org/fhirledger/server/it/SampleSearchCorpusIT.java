package org.fhirledger.server.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.server.it.corpus.CorpusLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search corpus on the Synthea sample kept in this module's test resources (three patients, their hospitals and
 * practitioners: about 270 resources), so `mvn verify` always runs it; {@link SyntheaSearchCorpusIT} runs the same
 * corpus on all of the shared Synthea data when it is there.
 */
class SampleSearchCorpusIT extends SearchCorpusITBase {
  @TempDir
  static Path dir;

  @BeforeAll
  static void loadSample() throws Exception {
    final List<Path> files = new ArrayList<>(CorpusLoader.bundleFiles(fromRepositoryRoot("fhir-server/src/test/resources/synthea")));
    files.addAll(CorpusLoader.bundleFiles(fromRepositoryRoot("fhir-server/src/test/resources/search-corpus")));
    load(dir, CorpusLoader.batchesFirst(files));
  }
}
