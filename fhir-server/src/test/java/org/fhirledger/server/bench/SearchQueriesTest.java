package org.fhirledger.server.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SearchQueriesTest {
  private final ObjectMapper mapper = new ObjectMapper();

  private JsonNode json(final String text) throws Exception {
    return mapper.readTree(text.replace('\'', '"'));
  }

  /** A transaction of one Patient and two Observations, and the server's answer with the ids it gave them. */
  private SearchQueries loaded() throws Exception {
    final SearchQueries q = new SearchQueries();
    q.add(json("{'resourceType':'Bundle','type':'transaction','entry':["
            + "{'resource':{'resourceType':'Patient','name':[{'family':'Müller','given':['Ann']}]}},"
            + "{'resource':{'resourceType':'Observation','code':{'coding':[{'system':'http://loinc.org','code':'8302-2'}]},"
            + "'effectiveDateTime':'2019-03-14T10:00:00+01:00'}},"
            + "{'resource':{'resourceType':'Observation','code':{'text':'no coding'}}}]}"),
        json("{'resourceType':'Bundle','type':'transaction-response','entry':["
            + "{'response':{'status':'201 Created','location':'Patient/p1/_history/1'}},"
            + "{'response':{'status':'201 Created','location':'Observation/o1/_history/1'}},"
            + "{'response':{'status':'201 Created','location':'Observation/o2/_history/1'}}]}"));
    return q;
  }

  @Test
  void drawsEveryKindsValuesFromWhatTheTransactionCreated() throws Exception {
    final SearchQueries q = loaded();
    final SplittableRandom r = new SplittableRandom(1);
    assertThat(q.path(SearchKind.TOKEN, r)).isEqualTo("Observation?code=http%3A%2F%2Floinc.org%7C8302-2");
    assertThat(q.path(SearchKind.REFERENCE, r)).isEqualTo("Observation?subject=Patient/p1");
    assertThat(q.path(SearchKind.DATE, r)).isEqualTo("Observation?date=ge2019-03-01&date=lt2019-04-01");
    assertThat(q.path(SearchKind.CHAINED, r)).isEqualTo("Observation?subject:Patient.name=M%C3%BCller");
    assertThat(q.path(SearchKind.INCLUDE, r)).isEqualTo("Encounter?subject=Patient/p1&_include=Encounter:subject");
    assertThat(q.path(SearchKind.TOTAL, r)).as("Observation is the largest type").isEqualTo("Observation?_total=accurate&_count=10");
    assertThat(q.loaded("Observation")).isEqualTo(2);
    assertThat(q.total()).isEqualTo(3);
  }

  @Test
  void aKindWithoutValuesInTheDataIsRefusedBeforeTheRun() {
    final SearchQueries empty = new SearchQueries();
    assertThat(empty.supports(SearchKind.TOKEN)).isFalse();
    assertThat(empty.supports(SearchKind.PATIENTS)).isTrue();
    final Workloads w = new Workloads(java.util.List.of(java.net.URI.create("http://127.0.0.1:1/fhir")), java.util.List.of(), null, 1, 1, "t",
        java.time.Duration.ofSeconds(1), false, empty);
    assertThatThrownBy(() -> w.searchKind(SearchKind.TOKEN)).hasMessageContaining("token");
  }

  @Test
  void parsesKindListsAndAll() {
    assertThat(SearchKind.parseList("token, reference")).containsExactly(SearchKind.TOKEN, SearchKind.REFERENCE);
    assertThat(SearchKind.parseList("all")).hasSize(SearchKind.values().length);
    assertThatThrownBy(() -> SearchKind.parseList("fuzzy")).hasMessageContaining("unknown search kind 'fuzzy'");
  }
}
