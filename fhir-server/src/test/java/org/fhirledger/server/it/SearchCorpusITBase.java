package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.fhirledger.server.cli.LocalNetwork;
import org.fhirledger.server.it.corpus.CorpusGenerator;
import org.fhirledger.server.it.corpus.CorpusLoader;
import org.fhirledger.server.it.corpus.CorpusResources;
import org.fhirledger.server.it.corpus.SearchCase;
import org.fhirledger.server.it.corpus.Supplement;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The search corpus against a 4-hospital network: Synthea Bundles loaded through HAPI's generic client spread over
 * the nodes, then every search of {@link CorpusGenerator} run at node {@code i mod 4}, all its pages followed, and
 * its matches (set, order where it sorts), includes per page and totals compared with what the test computed by
 * walking the loaded resources. Subclasses say which Bundles to load.
 */
abstract class SearchCorpusITBase {
  /** What the corpus must exercise at least once (issue 7 item 5). */
  static final List<String> REQUIRED_FEATURES = List.of("type:string", "type:token", "type:date", "type:number", "type:quantity",
      "type:reference", "type:uri", "type:composite", "prefix:eq", "prefix:ne", "prefix:gt", "prefix:lt", "prefix:ge", "prefix:le",
      "prefix:sa", "prefix:eb", "prefix:ap", "modifier:exact", "modifier:contains", "modifier:missing", "modifier:not", "modifier:text",
      "modifier:of-type", "modifier:identifier", "modifier:below", "modifier:above", "modifier:Type", "and", "or", "chain:1", "chain:2",
      "has", "include", "revinclude", "iterate", "sort", "sort:desc", "sort:multi", "paging", "total", "summary:count");
  static final int MIN_CORPUS = 150;
  private static final int PAGE_SIZE = 200;
  private static final long SLOW_MILLIS = 3000;

  static LocalNetwork network;
  static CorpusResources data;
  static List<SearchCase> corpus;
  static Duration loadTime;

  /** Starts the network in {@code dir}, loads {@code files} and the supplement, waits for every index, builds the corpus. */
  static void load(final Path dir, final List<Path> files) throws IOException, InterruptedException {
    network = Hospitals.start(dir, Map.of());
    final long started = System.nanoTime();
    final List<IGenericClient> clients = IntStream.range(0, 4).mapToObj(i -> Hospitals.client(network, i)).toList();
    final CorpusLoader loader = new CorpusLoader(Hospitals.FHIR, clients);
    final List<Resource> loaded = new ArrayList<>(loader.load(files));
    final List<String> patients = loaded.stream().filter(Patient.class::isInstance).map(CorpusResources::ref).sorted().toList();
    loaded.addAll(loader.post(1, Supplement.transaction(patients)));
    final long height = network.nodes().stream().mapToLong(n -> n.node().ledger().store().height()).max().orElseThrow();
    await().atMost(Duration.ofMinutes(5)).until(() -> network.nodes().stream().allMatch(n -> n.node().index().indexedHeight() >= height));
    loadTime = Duration.ofNanos(System.nanoTime() - started);
    data = new CorpusResources(loaded);
    corpus = CorpusGenerator.generate(data, Instant.now());
    System.out.printf("search corpus: %d files, %d resources %s loaded and indexed at 4 nodes in %d s; %d searches%n", files.size(),
        data.size(), data.countsByType(), loadTime.toSeconds(), corpus.size());
  }

  /** The folder {@code relative} to the repository root (the parent of this module's base dir). */
  static Path fromRepositoryRoot(final String relative) {
    final Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    final Path root = Files.exists(module.resolve("fhir-server")) ? module : module.getParent();
    return root.resolve(relative).normalize();
  }

  @AfterAll
  static void stopNetwork() {
    if (network != null) {
      network.close();
      network = null;
    }
  }

  @TestFactory
  Stream<DynamicTest> everySearchOfTheCorpusAnswersWhatTheOracleComputed() {
    return IntStream.range(0, corpus.size()).mapToObj(i -> DynamicTest.dynamicTest("node " + i % 4 + ": " + corpus.get(i).query(),
        () -> check(Hospitals.client(network, i % 4), corpus.get(i))));
  }

  @Test
  void corpusCoversEveryTypePrefixModifierAndNavigationAndMostSearchesFindSomething() {
    final Map<String, Integer> coverage = new TreeMap<>();
    corpus.forEach(c -> c.features().forEach(f -> coverage.merge(f, 1, Integer::sum)));
    final long nonTrivial = corpus.stream().filter(c -> !c.matches().isEmpty()
        && c.matches().size() < data.all(c.resourceType()).size()).count();
    System.out.printf("search corpus: %d searches, %d find some but not all of their type; coverage %s%n", corpus.size(), nonTrivial, coverage);
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(MIN_CORPUS);
    assertThat(coverage.keySet()).containsAll(REQUIRED_FEATURES);
    assertThat(nonTrivial).as("searches that find some but not all").isGreaterThanOrEqualTo(corpus.size() * 3L / 4);
    assertThat(corpus.stream().map(SearchCase::query).distinct().count()).isEqualTo(corpus.size());
  }

  /** Runs {@code c} at one node, follows every page, and compares with the oracle. */
  static void check(final IGenericClient client, final SearchCase c) {
    final String url = encoded(c.query() + (c.setsCount() || c.summaryCount() ? "" : "&_count=" + PAGE_SIZE));
    final long started = System.nanoTime();
    Bundle page = client.search().byUrl(url).returnBundle(Bundle.class).execute();
    if (c.summaryCount()) {
      assertThat(page.getTotal()).as("total of " + c).isEqualTo(c.matches().size());
      assertThat(page.getEntry()).as("entries of " + c).isEmpty();
      return;
    }
    final List<String> matches = new ArrayList<>();
    for (int pages = 1; ; pages++) {
      final List<String> pageMatches = new ArrayList<>();
      final List<String> pageIncludes = new ArrayList<>();
      for (final Bundle.BundleEntryComponent e : page.getEntry()) {
        final String ref = e.getResource().getIdElement().toUnqualifiedVersionless().getValue();
        (e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE ? pageIncludes : pageMatches).add(ref);
      }
      if (c.query().contains("_total=none")) {
        assertThat(page.hasTotal()).as("_total=none: no Bundle.total in " + c).isFalse();
      }
      if (page.hasTotal()) {
        assertThat(page.getTotal()).as("Bundle.total of " + c + " on page " + pages).isEqualTo(c.matches().size());
      }
      if (c.includes() != null) {
        assertThat(new HashSet<>(pageIncludes)).as("includes of page " + pages + " of " + c).hasSize(pageIncludes.size())
            .isEqualTo(c.includes().apply(new TreeSet<>(pageMatches)));
      } else {
        assertThat(pageIncludes).as("includes of " + c).isEmpty();
      }
      matches.addAll(pageMatches);
      if (page.getLink(Bundle.LINK_NEXT) == null || pageMatches.isEmpty()) {
        break;
      }
      assertThat(pages).as("pages of " + c).isLessThan(2000);
      page = client.loadPage().next(page).execute();
    }
    assertThat(new HashSet<>(matches)).as("no match twice in " + c).hasSize(matches.size());
    final Set<String> got = new TreeSet<>(matches);
    if (!got.equals(c.matches())) {
      final Set<String> missing = new TreeSet<>(c.matches());
      missing.removeAll(got);
      final Set<String> extra = new TreeSet<>(got);
      extra.removeAll(c.matches());
      throw new AssertionError(c + ": expected " + c.matches().size() + " matches, got " + got.size() + "; missing " + first(missing)
          + ", unexpected " + first(extra));
    }
    if (c.order() != null) {
      assertThat(matches).as("order of " + c).containsExactlyElementsOf(c.order());
    }
    final long millis = (System.nanoTime() - started) / 1_000_000;
    if (millis > SLOW_MILLIS) {
      System.out.printf("search corpus: slow search (%d ms, %d matches): %s%n", millis, matches.size(), c);
    }
  }

  /**
   * The query with each value percent-encoded ({@code %}, braces and non-ASCII appear in the data's units and names;
   * HAPI's {@code byUrl} leaves a {@code %...} escape as it is).
   */
  static String encoded(final String query) {
    final int q = query.indexOf('?');
    final StringBuilder out = new StringBuilder(query.substring(0, q + 1));
    final String[] params = query.substring(q + 1).split("&");
    for (int i = 0; i < params.length; i++) {
      final int eq = params[i].indexOf('=');
      out.append(i == 0 ? "" : "&").append(params[i], 0, eq + 1)
          .append(java.net.URLEncoder.encode(params[i].substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  private static String first(final Set<String> s) {
    return s.size() + " " + s.stream().limit(5).toList();
  }
}
