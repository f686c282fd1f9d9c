package org.fhirledger.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Parameter values for the search kinds, taken from the transaction Bundles the setup phase posted and the
 * ids the server gave their resources: the Observation codes, Patient ids and family names, and Observation
 * months that occur in the loaded data, and the type with the most resources. A request draws one value at
 * random, so the mix of selective and broad values follows the data (a frequent code is drawn as often as it
 * occurs).
 */
public final class SearchQueries {
  private final List<String> codes = new ArrayList<>();
  private final List<String> patientIds = new ArrayList<>();
  private final List<String> families = new ArrayList<>();
  private final List<LocalDate> months = new ArrayList<>();
  private final Map<String, Integer> countsByType = new HashMap<>();

  /**
   * Adds what one posted transaction Bundle created.
   *
   * @param request the Bundle as posted
   * @param response the server's transaction-response (its entries in the order of the request's)
   */
  public synchronized void add(final JsonNode request, final JsonNode response) {
    final JsonNode requested = request.path("entry");
    final JsonNode answered = response.path("entry");
    for (int i = 0; i < requested.size() && i < answered.size(); i++) {
      final JsonNode resource = requested.get(i).path("resource");
      final String type = resource.path("resourceType").asText("");
      final String location = answered.get(i).path("response").path("location").asText("");
      final String[] parts = location.split("/");
      if (type.isEmpty() || parts.length < 2 || !parts[0].equals(type)) {
        continue;
      }
      countsByType.merge(type, 1, Integer::sum);
      if (type.equals("Patient")) {
        patientIds.add(parts[1]);
        final String family = resource.path("name").path(0).path("family").asText("");
        if (!family.isEmpty()) {
          families.add(family);
        }
      } else if (type.equals("Observation")) {
        final JsonNode coding = resource.path("code").path("coding").path(0);
        if (coding.hasNonNull("system") && coding.hasNonNull("code")) {
          codes.add(coding.get("system").asText() + "|" + coding.get("code").asText());
        }
        final String effective = resource.path("effectiveDateTime").asText("");
        if (effective.length() >= 7) {
          months.add(LocalDate.parse(effective.substring(0, 7) + "-01"));
        }
      }
    }
  }

  /** Whether the loaded data has values for the kind. */
  public synchronized boolean supports(final SearchKind kind) {
    return switch (kind) {
      case PATIENTS, TOTAL -> true;
      case TOKEN -> !codes.isEmpty();
      case REFERENCE, INCLUDE -> !patientIds.isEmpty();
      case DATE -> !months.isEmpty();
      case CHAINED -> !families.isEmpty();
    };
  }

  /** The type with the most loaded resources (Observation in Synthea data). */
  public synchronized String largestType() {
    return countsByType.entrySet().stream().max(Map.Entry.comparingByValue(Comparator.naturalOrder())).map(Map.Entry::getKey).orElse("Patient");
  }

  public synchronized int loaded(final String type) {
    return countsByType.getOrDefault(type, 0);
  }

  public synchronized int total() {
    return countsByType.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** One request path (relative to the FHIR base) of the kind, with values drawn by {@code random}. */
  public synchronized String path(final SearchKind kind, final SplittableRandom random) {
    return switch (kind) {
      case PATIENTS -> "Patient?_count=20";
      case TOKEN -> "Observation?code=" + encode(pick(codes, random));
      case REFERENCE -> "Observation?subject=Patient/" + pick(patientIds, random);
      case DATE -> {
        final LocalDate month = pick(months, random);
        yield "Observation?date=ge" + month + "&date=lt" + month.plusMonths(1);
      }
      case CHAINED -> "Observation?subject:Patient.name=" + encode(pick(families, random));
      case INCLUDE -> "Encounter?subject=Patient/" + pick(patientIds, random) + "&_include=Encounter:subject";
      case TOTAL -> largestType() + "?_total=accurate&_count=10";
    };
  }

  private static <T> T pick(final List<T> values, final SplittableRandom random) {
    if (values.isEmpty()) {
      throw new IllegalStateException("no value of this kind in the loaded data");
    }
    return values.get(random.nextInt(values.size()));
  }

  private static String encode(final String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
