package org.fhirledger.server.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.index.IndexedParam;
import org.fhirledger.server.index.IndexedVersion;
import org.fhirledger.server.index.ReindexJobs;
import org.fhirledger.server.index.SearchQuery;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The reindex of a custom parameter against a real PostgreSQL index: resources written up to the activation height
 * get its rows in batches, valid from that height; resources written after it got them from the live indexer.
 */
class ReindexJobsTest extends IndexedSearchTestBase {
  private static final String URL = "http://fhirledger.org/fhir/SearchParameter/patient-birthplace";
  private static final RuntimeSearchParam BIRTHPLACE = CustomSearchParams.fromIg(FhirContexts.r4()).stream()
      .map(sp -> CustomSearchParams.toRuntime(FhirContexts.r4(), sp)).filter(sp -> sp.getUri().equals(URL)).findFirst().orElseThrow();
  private static final SearchParamRegistry DONE = SearchParamRegistry.of(FhirContexts.r4(), List.of(BIRTHPLACE), Set.of());
  private static final SearchParamRegistry REINDEXING = SearchParamRegistry.of(FhirContexts.r4(), List.of(BIRTHPLACE), Set.of(URL));

  private final Map<String, Long> versions = new java.util.HashMap<>();
  private long blockHeight;

  private static Patient born(final String id, final String city) {
    final Patient p = new Patient();
    p.setId(id);
    if (city != null) {
      p.addExtension("http://hl7.org/fhir/StructureDefinition/patient-birthPlace", new Address().setCity(city));
    }
    return p;
  }

  /** One block of these resources, extracted with the parameters of {@code registry} (as the live indexer does). */
  private void block(final SearchParamRegistry registry, final Resource... resources) {
    blockHeight++;
    final SearchParamExtractor extractor = new SearchParamExtractor(registry);
    final Map<IndexedVersion, Resource> content = new LinkedHashMap<>();
    for (final Resource r : resources) {
      final long v = versions.merge(r.getIdElement().getIdPart(), 1L, Long::sum);
      content.put(new IndexedVersion(r.fhirType(), r.getIdElement().getIdPart(), v, false, IndexedSearchFixture.T0.plusSeconds(blockHeight),
          "bafy" + r.getIdElement().getIdPart() + v, blockHeight, "ab".repeat(32), "cd".repeat(32)), r);
    }
    index.applyBlock(blockHeight, String.format("%064x", blockHeight), List.copyOf(content.keySet()), v -> extractor.extract(content.get(v)));
  }

  private List<String> search(final SearchParamRegistry registry, final String qs) {
    final SearchQuery q = new SearchRequestParser(() -> registry).parse("Patient", query(qs + "&_sort=_id"), false, index.indexedHeight()).query();
    return index.search(q, 0, 100).stream().map(IndexedVersion::resourceId).toList();
  }

  /** One batch as NodeSearchParams runs it: the parameter's rows of each resource, from its current content. */
  private ReindexJobs.Job batch(final ReindexJobs jobs, final ReindexJobs.Job job, final int size, final Map<String, Patient> content) {
    final SearchParamExtractor one = new SearchParamExtractor(DONE.onlyExtracting("birthplace"));
    final List<IndexedVersion> next = jobs.nextBatch(job, size);
    final Map<IndexedVersion, List<IndexedParam>> rows = new LinkedHashMap<>();
    next.forEach(v -> rows.put(v, one.extract(content.get(v.resourceId()))));
    return jobs.writeBatch(job, rows, next.size() < size, index.indexedHeight());
  }

  @Test
  void resourcesWrittenBeforeTheActivationAreFoundOnceTheJobIsDone() {
    block(SearchParamRegistry.base(FhirContexts.r4()), born("p1", "Boston"), born("p2", "Denver"), born("p3", null), born("p4", "Boise"));
    final long activation = blockHeight; // the SearchParameter was written in this block
    final ReindexJobs jobs = index.reindexJobs();
    jobs.start(URL, "fp1", "birthplace", List.of("Patient"), activation);
    // after the activation the live indexer extracts it: p2 moves to Austin
    block(DONE, born("p2", "Austin"), born("p5", "Boulder"));

    ReindexJobs.Job job = jobs.all().get(0);
    assertThat(job.state()).isEqualTo(ReindexJobs.RUNNING);
    assertThat(job.resourcesTotal()).isEqualTo(4);
    assertThatThrownBy(() -> search(REINDEXING, "birthplace=bo")).isInstanceOf(InvalidRequestException.class);
    // before the reindex only the resources written after the activation have rows
    assertThat(search(DONE, "birthplace=bo")).containsExactly("p5");

    final Map<String, Patient> content = Map.of("p1", born("p1", "Boston"), "p3", born("p3", null), "p4", born("p4", "Boise"));
    job = batch(jobs, job, 2, content);
    assertThat(job.resourcesDone()).isEqualTo(2);
    assertThat(job.state()).isEqualTo(ReindexJobs.RUNNING);
    job = batch(jobs, job, 2, content);

    assertThat(job.state()).isEqualTo(ReindexJobs.DONE);
    assertThat(jobs.all()).singleElement().satisfies(j -> {
      assertThat(j.done()).isTrue();
      assertThat(j.resourcesDone()).isEqualTo(3);
      assertThat(j.resourcesTotal()).isEqualTo(3);
      assertThat(j.doneHeight()).isEqualTo(blockHeight);
    });
    assertThat(search(DONE, "birthplace=bo")).containsExactly("p1", "p4", "p5");
    assertThat(search(DONE, "birthplace=austin")).containsExactly("p2");
    assertThat(search(DONE, "birthplace=denver")).isEmpty();
    assertThat(search(DONE, "birthplace:missing=true")).containsExactly("p3");
  }

  @Test
  void aChangedDefinitionRestartsTheJobAndReplacesTheRowsItWrote() {
    block(SearchParamRegistry.base(FhirContexts.r4()), born("p1", "Boston"));
    final ReindexJobs jobs = index.reindexJobs();
    jobs.start(URL, "fp1", "birthplace", List.of("Patient"), blockHeight);
    batch(jobs, jobs.all().get(0), 10, Map.of("p1", born("p1", "Boston")));
    jobs.start(URL, "fp1", "birthplace", List.of("Patient"), blockHeight);
    assertThat(jobs.all().get(0).done()).as("the same definition keeps its finished job").isTrue();

    block(SearchParamRegistry.base(FhirContexts.r4()), born("other", null));
    jobs.start(URL, "fp2", "birthplace", List.of("Patient"), blockHeight);
    assertThat(jobs.all().get(0).state()).isEqualTo(ReindexJobs.RUNNING);
    // the new definition gives p1 another value: its old row is closed, not kept beside the new one
    batch(jobs, jobs.all().get(0), 10, Map.of("p1", born("p1", "Concord"), "other", born("other", null)));

    assertThat(search(DONE, "birthplace=boston")).isEmpty();
    assertThat(search(DONE, "birthplace=concord")).containsExactly("p1");
    jobs.retainOnly(Set.of());
    assertThat(jobs.all()).isEmpty();
  }
}
