package org.fhirledger.server.it.corpus;

import static org.fhirledger.server.it.corpus.CorpusResources.ref;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.fhirledger.server.it.corpus.Params.Pair;
import org.fhirledger.server.it.corpus.Values.Qty;
import org.fhirledger.server.it.corpus.Values.Span;
import org.fhirledger.server.it.corpus.Values.Tok;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.RiskAssessment;

/**
 * Builds the search corpus from the loaded data: every search takes its values from resources that exist (a common,
 * a middling and a rare code; a birth date in the middle; a weight that many exceed ...), so expectations are
 * neither empty nor everything, and the expected answer is computed by filtering the loaded resources with the
 * matchers of {@link Matchers} over the values of {@link Params}.
 */
public final class CorpusGenerator {
  static final String UCUM = "http://unitsofmeasure.org";
  static final String LOINC = "http://loinc.org";
  static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";

  private final CorpusResources data;
  private final Instant now;
  private final List<SearchCase> cases = new ArrayList<>();
  /** The queries so far: a value picked twice (e.g. by two spreads) gives one search, not two. */
  private final Set<String> queries = new java.util.HashSet<>();

  private CorpusGenerator(final CorpusResources data, final Instant now) {
    this.data = data;
    this.now = now;
  }

  /** The corpus for {@code data}; {@code now} is the time {@code ap} on dates is measured from. */
  public static List<SearchCase> generate(final CorpusResources data, final Instant now) {
    final CorpusGenerator g = new CorpusGenerator(data, now);
    g.patientStrings();
    g.patientTokens();
    g.patientDates();
    g.observations();
    g.quantities();
    g.composites();
    g.encounters();
    g.conditions();
    g.others();
    g.numbers();
    g.uris();
    g.references();
    g.chains();
    g.reverseChains();
    g.includes();
    g.sorts();
    g.pagingAndTotals();
    return List.copyOf(g.cases);
  }

  // --- building cases

  private <T extends Resource> void add(final Class<T> type, final String query, final Predicate<T> match, final String... features) {
    if (!queries.add(type.getSimpleName() + "?" + query)) {
      return;
    }
    cases.add(new SearchCase(type.getSimpleName() + "?" + query, matches(type, match), null, null, false, Set.of(features)));
  }

  private <T extends Resource> Set<String> matches(final Class<T> type, final Predicate<T> match) {
    return data.all(type).stream().filter(match).map(CorpusResources::ref).collect(Collectors.toCollection(TreeSet::new));
  }

  private <T extends Resource> void sorted(final Class<T> type, final String query, final Predicate<T> match, final Comparator<T> order,
      final String... features) {
    if (!queries.add(type.getSimpleName() + "?" + query)) {
      return;
    }
    final List<String> ordered = data.all(type).stream().filter(match).sorted(order.thenComparing(CorpusResources::ref))
        .map(CorpusResources::ref).toList();
    cases.add(new SearchCase(type.getSimpleName() + "?" + query, new TreeSet<>(ordered), ordered, null, false, Set.of(features)));
  }

  private <T extends Resource> void included(final Class<T> type, final String query, final Predicate<T> match,
      final Function<Set<String>, Set<String>> includes, final String... features) {
    if (!queries.add(type.getSimpleName() + "?" + query)) {
      return;
    }
    cases.add(new SearchCase(type.getSimpleName() + "?" + query, matches(type, match), null, includes, false, Set.of(features)));
  }

  private <T extends Resource> void counted(final Class<T> type, final String query, final Predicate<T> match, final String... features) {
    if (!queries.add(type.getSimpleName() + "?" + query)) {
      return;
    }
    cases.add(new SearchCase(type.getSimpleName() + "?" + query, matches(type, match), null, null, true, Set.of(features)));
  }

  // --- picking values that exist

  /** Up to {@code n} values spread evenly over the distinct sorted values. */
  static List<String> spread(final Collection<String> values, final int n) {
    final List<String> distinct = new ArrayList<>(new TreeSet<>(values));
    if (distinct.size() <= n) {
      return distinct;
    }
    final List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(distinct.get(i * (distinct.size() - 1) / Math.max(1, n - 1)));
    }
    return out;
  }

  /** The most common, a middling and the rarest {@code system|code} of tokens (ties broken by the value). */
  static List<String> commonMiddleRare(final List<Tok> tokens) {
    final Map<String, Integer> counts = new HashMap<>();
    tokens.stream().filter(t -> t.system() != null && t.code() != null).forEach(t -> counts.merge(t.system() + "|" + t.code(), 1, Integer::sum));
    final List<String> byCount = counts.keySet().stream()
        .sorted(Comparator.comparing((String k) -> -counts.get(k)).thenComparing(Comparator.naturalOrder())).toList();
    if (byCount.size() <= 3) {
      return byCount;
    }
    return List.of(byCount.get(0), byCount.get(byCount.size() / 2), byCount.get(byCount.size() - 1));
  }

  private static String code(final String systemAndCode) {
    return systemAndCode.substring(systemAndCode.indexOf('|') + 1);
  }

  private <T extends Resource> List<Tok> allTokens(final Class<T> type, final Function<T, List<Tok>> values) {
    return data.all(type).stream().flatMap(r -> values.apply(r).stream()).toList();
  }

  private static boolean alnum(final String s) {
    return s.matches("[A-Za-z0-9]+");
  }

  private List<Patient> patients() {
    return data.all(Patient.class);
  }

  private Patient middlePatient() {
    final List<Patient> born = patients().stream().filter(Patient::hasBirthDate)
        .sorted(Comparator.comparing(Patient::getBirthDate).thenComparing(CorpusResources::ref)).toList();
    return born.get(born.size() / 2);
  }

  /** The patient with the most observations (a search on them finds many, but not all). */
  private String busiestPatient() {
    final Map<String, Long> counts = data.all(Observation.class).stream().flatMap(o -> Params.patient(o).stream())
        .collect(Collectors.groupingBy(p -> p, Collectors.counting()));
    return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey).findFirst().orElseThrow();
  }

  private String quietPatient() {
    final Map<String, Long> counts = data.all(Observation.class).stream().flatMap(o -> Params.patient(o).stream())
        .collect(Collectors.groupingBy(p -> p, Collectors.counting()));
    return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey).findFirst().orElseThrow();
  }

  private static String id(final String ref) {
    return ref.substring(ref.indexOf('/') + 1);
  }

  // --- the corpus

  private void patientStrings() {
    final List<String> families = patients().stream().flatMap(p -> Params.family(p).stream()).toList();
    for (final String f : spread(families, 4)) {
      final String prefix = f.substring(0, Math.min(3, f.length()));
      add(Patient.class, "family=" + prefix, p -> Matchers.string(Params.family(p), "", prefix), "type:string");
      add(Patient.class, "family=" + prefix.toUpperCase(java.util.Locale.ROOT), p -> Matchers.string(Params.family(p), "", prefix),
          "type:string");
      add(Patient.class, "family:exact=" + f, p -> Matchers.string(Params.family(p), "exact", f), "type:string", "modifier:exact");
      final String inner = f.length() > 4 ? f.substring(1, 4) : f;
      add(Patient.class, "family:contains=" + inner, p -> Matchers.string(Params.family(p), "contains", inner), "type:string",
          "modifier:contains");
    }
    final String exact = families.get(0);
    final String lower = exact.toLowerCase(java.util.Locale.ROOT);
    add(Patient.class, "family:exact=" + lower, p -> Matchers.string(Params.family(p), "exact", lower), "type:string", "modifier:exact");
    add(Patient.class, "family=mu", p -> Matchers.string(Params.family(p), "", "mu"), "type:string");
    add(Patient.class, "family:contains=UN", p -> Matchers.string(Params.family(p), "contains", "UN"), "type:string", "modifier:contains");
    add(Patient.class, "family:exact=Müller", p -> Matchers.string(Params.family(p), "exact", "Müller"), "type:string", "modifier:exact");
    add(Patient.class, "family:contains=ULL", p -> Matchers.string(Params.family(p), "contains", "ULL"), "type:string", "modifier:contains");
    add(Patient.class, "given=jurg", p -> Matchers.string(Params.given(p), "", "jurg"), "type:string");
    for (final String g : spread(patients().stream().flatMap(p -> Params.given(p).stream()).toList(), 3)) {
      final String prefix = g.substring(0, Math.min(4, g.length()));
      add(Patient.class, "given=" + prefix, p -> Matchers.string(Params.given(p), "", prefix), "type:string");
      add(Patient.class, "name=" + prefix, p -> Matchers.string(Params.name(p), "", prefix), "type:string");
    }
    for (final String city : spread(patients().stream().flatMap(p -> Params.addressCity(p).stream()).filter(CorpusGenerator::alnum).toList(), 3)) {
      add(Patient.class, "address-city=" + city, p -> Matchers.string(Params.addressCity(p), "", city), "type:string");
    }
    final String state = patients().stream().flatMap(p -> Params.addressState(p).stream()).findFirst().orElse("MA");
    add(Patient.class, "address=" + state, p -> Matchers.string(Params.address(p), "", state), "type:string");
    add(Patient.class, "address-state=" + state + "&gender=female",
        p -> Matchers.string(Params.addressState(p), "", state) && Matchers.token(Params.gender(p), "female"), "type:string", "and");
    final String f1 = families.get(0).substring(0, 2);
    final String f2 = families.get(families.size() - 1).substring(0, 2);
    add(Patient.class, "family=" + f1 + "," + f2, p -> Matchers.string(Params.family(p), "", f1) || Matchers.string(Params.family(p), "", f2),
        "type:string", "or");
  }

  private void patientTokens() {
    add(Patient.class, "gender=female", p -> Matchers.token(Params.gender(p), "female"), "type:token");
    add(Patient.class, "gender=http://hl7.org/fhir/administrative-gender|male",
        p -> Matchers.token(Params.gender(p), "http://hl7.org/fhir/administrative-gender|male"), "type:token");
    add(Patient.class, "gender:not=male", p -> !Matchers.token(Params.gender(p), "male"), "type:token", "modifier:not");
    add(Patient.class, "gender:not=male,female", p -> !Matchers.token(Params.gender(p), "male") && !Matchers.token(Params.gender(p), "female"),
        "type:token", "modifier:not", "or");
    add(Patient.class, "gender=FEMALE", p -> Matchers.token(Params.gender(p), "FEMALE"), "type:token");
    add(Patient.class, "gender=male,female", p -> Matchers.token(Params.gender(p), "male") || Matchers.token(Params.gender(p), "female"),
        "type:token", "or");
    final List<Tok> ids = patients().stream().flatMap(p -> Params.identifier(p).stream()).toList();
    final List<Tok> typed = ids.stream().filter(t -> !t.types().isEmpty() && t.system() != null && t.code() != null).toList();
    for (final Tok t : spread(typed.stream().map(x -> x.types().get(0).getCode()).toList(), 4).stream()
        .map(c -> typed.stream().filter(x -> x.types().get(0).getCode().equals(c)).findFirst().orElseThrow()).toList()) {
      final String sv = t.system() + "|" + t.code();
      add(Patient.class, "identifier=" + sv, p -> Matchers.token(Params.identifier(p), sv), "type:token");
      add(Patient.class, "identifier=" + t.code(), p -> Matchers.token(Params.identifier(p), t.code()), "type:token");
      final String ofType = t.types().get(0).getSystem() + "|" + t.types().get(0).getCode() + "|" + t.code();
      add(Patient.class, "identifier:of-type=" + ofType, p -> Matchers.ofType(Params.identifier(p), ofType), "type:token", "modifier:of-type");
    }
    final String system = typed.get(0).system();
    add(Patient.class, "identifier=" + system + "|", p -> Matchers.token(Params.identifier(p), system + "|"), "type:token");
    add(Patient.class, "identifier=|" + typed.get(0).code(), p -> Matchers.token(Params.identifier(p), "|" + typed.get(0).code()), "type:token");
    add(Patient.class, "identifier:text=social", p -> Matchers.tokenText(Params.identifier(p), "social"), "type:token", "modifier:text");
    add(Patient.class, "identifier:text=Driver", p -> Matchers.tokenText(Params.identifier(p), "Driver"), "type:token", "modifier:text");
    final Tok phone = patients().stream().flatMap(p -> Params.phone(p).stream()).findFirst().orElseThrow();
    add(Patient.class, "phone=" + phone.code(), p -> Matchers.token(Params.phone(p), phone.code()), "type:token");
    for (final String lang : commonMiddleRare(patients().stream().flatMap(p -> Params.language(p).stream()).toList())) {
      add(Patient.class, "language=" + lang, p -> Matchers.token(Params.language(p), lang), "type:token");
    }
    add(Patient.class, "language:missing=true", p -> Params.language(p).isEmpty(), "type:token", "modifier:missing");
  }

  private void patientDates() {
    final String birth = middlePatient().getBirthDateElement().getValueAsString();
    final String year = birth.substring(0, 4);
    final String month = birth.substring(0, 7);
    for (final String v : List.of(birth, month, year, "eq" + year, "ne" + year, "gt" + birth, "lt" + birth, "ge" + birth, "le" + birth,
        "sa" + month, "eb" + month, "ap" + year, "ge" + year + "&birthdate=lt" + (Integer.parseInt(year) + 30))) {
      final String[] and = v.split("&birthdate=");
      add(Patient.class, "birthdate=" + v, p -> java.util.Arrays.stream(and).allMatch(x -> Matchers.date(Params.birthdate(p), x, now)),
          features("type:date", v, and.length > 1));
    }
    add(Patient.class, "death-date:missing=true", p -> Params.deathDate(p).isEmpty(), "type:date", "modifier:missing");
    add(Patient.class, "death-date:missing=false", p -> !Params.deathDate(p).isEmpty(), "type:date", "modifier:missing");
    add(Patient.class, "death-date=ge2000", p -> Matchers.date(Params.deathDate(p), "ge2000", now), "type:date", "prefix:ge");
  }

  private static String[] features(final String type, final String value, final boolean and) {
    final Set<String> f = new LinkedHashSet<>();
    f.add(type);
    final String prefix = Matchers.Prefixed.of(value).prefix();
    f.add("prefix:" + prefix);
    if (and) {
      f.add("and");
      f.add("prefix:lt");
    }
    return f.toArray(String[]::new);
  }

  private void observations() {
    final List<String> codes = commonMiddleRare(allTokens(Observation.class, Params::code));
    for (final String c : codes) {
      add(Observation.class, "code=" + c, o -> Matchers.token(Params.code(o), c), "type:token");
      add(Observation.class, "code=" + code(c), o -> Matchers.token(Params.code(o), code(c)), "type:token");
    }
    add(Observation.class, "code=" + codes.get(1) + "," + codes.get(2),
        o -> Matchers.token(Params.code(o), codes.get(1)) || Matchers.token(Params.code(o), codes.get(2)), "type:token", "or");
    final String busy = busiestPatient();
    add(Observation.class, "patient=" + busy + "&code:not=" + codes.get(0),
        o -> Matchers.reference(Params.patient(o), null, busy) && !Matchers.token(Params.code(o), codes.get(0)),
        "type:token", "modifier:not", "type:reference", "and");
    for (final String cat : commonMiddleRare(allTokens(Observation.class, Params::category))) {
      add(Observation.class, "category=" + cat, o -> Matchers.token(Params.category(o), cat), "type:token");
    }
    add(Observation.class, "category=vital-signs&status=final",
        o -> Matchers.token(Params.category(o), "vital-signs") && Matchers.token(Params.status(o), "final"), "type:token", "and");
    add(Observation.class, "status:not=final", o -> !Matchers.token(Params.status(o), "final"), "type:token", "modifier:not");
    for (final String text : List.of("body", "Hemoglobin", "pain", "tobacco")) {
      add(Observation.class, "code:text=" + text, o -> Matchers.tokenText(Params.code(o), text), "type:token", "modifier:text");
    }
    for (final String v : commonMiddleRare(allTokens(Observation.class, Params::valueConcept))) {
      add(Observation.class, "value-concept=" + v, o -> Matchers.token(Params.valueConcept(o), v), "type:token");
    }
    add(Observation.class, "value-concept:missing=false", o -> !Params.valueConcept(o).isEmpty(), "type:token", "modifier:missing");
    for (final String s : spread(data.all(Observation.class).stream().flatMap(o -> Params.valueString(o).stream())
        .filter(CorpusGenerator::alnum).toList(), 2)) {
      final String prefix = s.substring(0, Math.min(4, s.length()));
      add(Observation.class, "value-string=" + prefix, o -> Matchers.string(Params.valueString(o), "", prefix), "type:string");
    }
    // dates: a month in the middle of the observations
    final List<String> days = data.all(Observation.class).stream().filter(Observation::hasEffectiveDateTimeType)
        .map(o -> o.getEffectiveDateTimeType().getValueAsString().substring(0, 10)).sorted().toList();
    final String day = days.get(days.size() / 2);
    final String month = day.substring(0, 7);
    for (final String v : List.of(day, "eq" + month, "ne" + month, "gt" + month, "lt" + month, "ge" + day, "le" + day, "sa" + month,
        "eb" + month, "ap" + month)) {
      add(Observation.class, "patient=" + busy + "&date=" + v,
          o -> Matchers.reference(Params.patient(o), null, busy) && Matchers.date(Params.date(o), v, now), features("type:date", v, false));
    }
    for (final String exact : spread(data.all(Observation.class).stream().filter(Observation::hasEffectiveDateTimeType)
        .map(o -> o.getEffectiveDateTimeType().getValueAsString()).filter(v -> v.length() > 19).toList(), 3)) {
      add(Observation.class, "date=" + exact, o -> Matchers.date(Params.date(o), exact, now), "type:date", "prefix:eq");
      add(Observation.class, "date=le" + exact, o -> Matchers.date(Params.date(o), "le" + exact, now), "type:date", "prefix:le");
    }
    add(Observation.class, "date=ge" + month + "&date=lt" + day.substring(0, 4) + "-12-31",
        o -> Matchers.date(Params.date(o), "ge" + month, now) && Matchers.date(Params.date(o), "lt" + day.substring(0, 4) + "-12-31", now),
        "type:date", "and", "prefix:ge", "prefix:lt");
    add(Observation.class, "date=" + day + "," + days.get(0),
        o -> Matchers.date(Params.date(o), day, now) || Matchers.date(Params.date(o), days.get(0), now), "type:date", "or", "prefix:eq");
  }

  private void quantities() {
    final Map<String, List<BigDecimal>> byCode = new HashMap<>();
    data.all(Observation.class).forEach(o -> Params.valueQuantity(o).forEach(q -> {
      if (UCUM.equals(q.system()) && q.code() != null) {
        byCode.computeIfAbsent(q.code(), k -> new ArrayList<>()).add(q.value());
      }
    }));
    for (final String unit : List.of("kg", "mg/dL", "%", "{score}")) {
      final List<BigDecimal> values = byCode.getOrDefault(unit, List.of()).stream().sorted().toList();
      if (values.isEmpty()) {
        continue;
      }
      final String median = values.get(values.size() / 2).toPlainString();
      final List<String> forms = unit.equals("kg")
          ? List.of("gt", "lt", "ge", "le", "eq", "ne", "sa", "eb", "ap")
          : List.of("gt", "le", "eq", "ap");
      for (final String prefix : forms) {
        final String v = prefix + median + "|" + UCUM + "|" + unit;
        add(Observation.class, "value-quantity=" + v, o -> Matchers.quantity(Params.valueQuantity(o), v), "type:quantity", "prefix:" + prefix);
      }
    }
    if (byCode.containsKey("kg")) {
      final List<BigDecimal> kg = byCode.get("kg").stream().sorted().toList();
      final String grams = kg.get(kg.size() / 2).multiply(new BigDecimal(1000)).stripTrailingZeros().toPlainString();
      final String v = "gt" + grams + "|" + UCUM + "|g";
      add(Observation.class, "value-quantity=" + v, o -> Matchers.quantity(Params.valueQuantity(o), v), "type:quantity", "prefix:gt");
      final String units = "lt" + kg.get(kg.size() / 3).toPlainString() + "||kg";
      add(Observation.class, "value-quantity=" + units, o -> Matchers.quantity(Params.valueQuantity(o), units), "type:quantity", "prefix:lt");
    }
    if (byCode.containsKey("mg/dL")) {
      final String v = "gt1|" + UCUM + "|g/dL";
      add(Observation.class, "value-quantity=" + v, o -> Matchers.quantity(Params.valueQuantity(o), v), "type:quantity", "prefix:gt");
    }
    add(Observation.class, "value-quantity=lt1", o -> Matchers.quantity(Params.valueQuantity(o), "lt1"), "type:quantity", "prefix:lt");
    add(Observation.class, "value-quantity=ge100,le0.5",
        o -> Matchers.quantity(Params.valueQuantity(o), "ge100") || Matchers.quantity(Params.valueQuantity(o), "le0.5"),
        "type:quantity", "or", "prefix:ge", "prefix:le");
    add(Observation.class, "value-quantity:missing=true", o -> Params.valueQuantity(o).isEmpty(), "type:quantity", "modifier:missing");
  }

  private void composites() {
    final List<Qty> systolic = data.all(Observation.class).stream().flatMap(o -> Params.componentCodeValueQuantity(o).stream())
        .filter(p -> Matchers.token(p.code(), LOINC + "|8480-6")).flatMap(p -> p.value().stream()).sorted(Comparator.comparing(Qty::value)).toList();
    if (!systolic.isEmpty()) {
      final String median = systolic.get(systolic.size() / 2).value().toPlainString();
      for (final String prefix : List.of("gt", "le", "eq")) {
        final String v = LOINC + "|8480-6$" + prefix + median;
        add(Observation.class, "component-code-value-quantity=" + v,
            o -> compositeQuantity(Params.componentCodeValueQuantity(o), v), "type:composite", "prefix:" + prefix);
      }
      final String v = LOINC + "|8462-4$gt" + median; // diastolic above the systolic median: pairs must not mix
      add(Observation.class, "component-code-value-quantity=" + v, o -> compositeQuantity(Params.componentCodeValueQuantity(o), v),
          "type:composite", "prefix:gt");
      final String combo = LOINC + "|8480-6$lt" + median;
      add(Observation.class, "combo-code-value-quantity=" + combo, o -> compositeQuantity(Params.comboCodeValueQuantity(o), combo),
          "type:composite", "prefix:lt");
      add(Observation.class, "component-code=" + LOINC + "|8480-6", o -> Matchers.token(Params.componentCode(o), LOINC + "|8480-6"),
          "type:token");
      add(Observation.class, "combo-code=" + LOINC + "|8480-6", o -> Matchers.token(Params.comboCode(o), LOINC + "|8480-6"), "type:token");
    }
    for (final String c : List.of("29463-7", "8302-2", "2093-3")) {
      final List<BigDecimal> values = data.all(Observation.class).stream().filter(o -> Matchers.token(Params.code(o), LOINC + "|" + c))
          .flatMap(o -> Params.valueQuantity(o).stream()).map(Qty::value).sorted().toList();
      if (values.isEmpty()) {
        continue;
      }
      final String median = values.get(values.size() / 2).toPlainString();
      for (final String prefix : List.of("ge", "lt", "ap")) {
        final String v = LOINC + "|" + c + "$" + prefix + median;
        add(Observation.class, "code-value-quantity=" + v, o -> compositeQuantity(Params.codeValueQuantity(o), v), "type:composite",
            "prefix:" + prefix);
      }
    }
    final List<Observation> concepts = data.all(Observation.class).stream().filter(o -> !Params.valueConcept(o).isEmpty()).toList();
    for (final String value : commonMiddleRare(concepts.stream().flatMap(o -> Params.valueConcept(o).stream()).toList())) {
      final Observation o1 = concepts.stream().filter(o -> Matchers.token(Params.valueConcept(o), value)).findFirst().orElseThrow();
      final Tok c = Params.code(o1).get(0);
      final String v = c.system() + "|" + c.code() + "$" + value;
      add(Observation.class, "code-value-concept=" + v, o -> Params.codeValueConcept(o).stream()
          .anyMatch(p -> Matchers.token(p.code(), c.system() + "|" + c.code()) && Matchers.token(p.value(), value)), "type:composite");
    }
  }

  private static boolean compositeQuantity(final List<Pair<List<Qty>>> pairs, final String v) {
    final String[] parts = v.split("\\$");
    return pairs.stream().anyMatch(p -> Matchers.token(p.code(), parts[0]) && Matchers.quantity(p.value(), parts[1]));
  }

  private void encounters() {
    for (final String c : commonMiddleRare(allTokens(Encounter.class, Params::encounterClass))) {
      add(Encounter.class, "class=" + c, e -> Matchers.token(Params.encounterClass(e), c), "type:token");
      add(Encounter.class, "class=" + code(c), e -> Matchers.token(Params.encounterClass(e), code(c)), "type:token");
    }
    for (final String t : commonMiddleRare(allTokens(Encounter.class, Params::type))) {
      add(Encounter.class, "type=" + t, e -> Matchers.token(Params.type(e), t), "type:token");
    }
    for (final String r : commonMiddleRare(allTokens(Encounter.class, Params::reasonCode))) {
      add(Encounter.class, "reason-code=" + r, e -> Matchers.token(Params.reasonCode(e), r), "type:token");
    }
    add(Encounter.class, "reason-code:missing=true", e -> Params.reasonCode(e).isEmpty(), "type:token", "modifier:missing");
    add(Encounter.class, "status=finished", e -> Matchers.token(Params.status(e), "finished"), "type:token");
    final List<String> starts = data.all(Encounter.class).stream().filter(e -> e.getPeriod().hasStart())
        .map(e -> e.getPeriod().getStartElement().getValueAsString().substring(0, 10)).sorted().toList();
    final String day = starts.get(starts.size() / 2);
    final String year = day.substring(0, 4);
    for (final String v : List.of(year, "ne" + year, "gt" + day, "lt" + day, "ge" + year, "le" + year, "sa" + day, "eb" + day, "ap" + year)) {
      add(Encounter.class, "date=" + v, e -> Matchers.date(Params.date(e), v, now), features("type:date", v, false));
    }
  }

  private void conditions() {
    for (final String c : commonMiddleRare(allTokens(Condition.class, Params::code))) {
      add(Condition.class, "code=" + c, x -> Matchers.token(Params.code(x), c), "type:token");
    }
    add(Condition.class, "clinical-status=active", x -> Matchers.token(Params.clinicalStatus(x), "active"), "type:token");
    add(Condition.class, "clinical-status=http://terminology.hl7.org/CodeSystem/condition-clinical|resolved",
        x -> Matchers.token(Params.clinicalStatus(x), "http://terminology.hl7.org/CodeSystem/condition-clinical|resolved"), "type:token");
    add(Condition.class, "verification-status=confirmed", x -> Matchers.token(Params.verificationStatus(x), "confirmed"), "type:token");
    for (final String cat : commonMiddleRare(allTokens(Condition.class, Params::category))) {
      add(Condition.class, "category=" + cat, x -> Matchers.token(Params.category(x), cat), "type:token");
    }
    add(Condition.class, "code:text=disorder", x -> Matchers.tokenText(Params.code(x), "disorder"), "type:token", "modifier:text");
    add(Condition.class, "abatement-date:missing=true", x -> Params.abatementDate(x).isEmpty(), "type:date", "modifier:missing");
    add(Condition.class, "abatement-date:missing=false", x -> !Params.abatementDate(x).isEmpty(), "type:date", "modifier:missing");
    final List<String> onsets = data.all(Condition.class).stream().flatMap(c -> Params.onsetDate(c).stream())
        .map(s -> s.low().toString().substring(0, 10)).sorted().toList();
    final String day = onsets.get(onsets.size() / 2);
    for (final String v : List.of("ge" + day, "lt" + day, "eq" + day.substring(0, 4), "sa" + day.substring(0, 4), "eb" + day.substring(0, 7))) {
      add(Condition.class, "onset-date=" + v, x -> Matchers.date(Params.onsetDate(x), v, now), features("type:date", v, false));
    }
    add(Condition.class, "recorded-date=le" + day, x -> Matchers.date(Params.recordedDate(x), "le" + day, now), "type:date", "prefix:le");
    add(Condition.class, "abatement-date=gt" + day, x -> Matchers.date(Params.abatementDate(x), "gt" + day, now), "type:date", "prefix:gt");
  }

  private void others() {
    for (final String c : commonMiddleRare(allTokens(Immunization.class, Params::vaccineCode))) {
      add(Immunization.class, "vaccine-code=" + c, i -> Matchers.token(Params.vaccineCode(i), c), "type:token");
    }
    final List<String> days = data.all(Immunization.class).stream().flatMap(i -> Params.date(i).stream())
        .map(s -> s.low().toString().substring(0, 10)).sorted().toList();
    if (!days.isEmpty()) {
      final String year = days.get(days.size() / 2).substring(0, 4);
      for (final String v : List.of(year, "ge" + year, "lt" + year)) {
        add(Immunization.class, "date=" + v, i -> Matchers.date(Params.date(i), v, now), features("type:date", v, false));
      }
    }
    for (final String c : commonMiddleRare(allTokens(Procedure.class, Params::code))) {
      add(Procedure.class, "code=" + c, p -> Matchers.token(Params.code(p), c), "type:token");
    }
    add(Procedure.class, "date=ge2015", p -> Matchers.date(Params.date(p), "ge2015", now), "type:date", "prefix:ge");
    for (final String c : commonMiddleRare(allTokens(DiagnosticReport.class, Params::code))) {
      add(DiagnosticReport.class, "code=" + c, d -> Matchers.token(Params.code(d), c), "type:token");
    }
    for (final Organization o : spread(data.all(Organization.class).stream().flatMap(o -> Params.name(o).stream()).toList(), 3).stream()
        .map(n -> data.all(Organization.class).stream().filter(o -> Params.name(o).contains(n)).findFirst().orElseThrow()).toList()) {
      final String word = o.getName().split("[^A-Za-z0-9]")[0];
      add(Organization.class, "name=" + word, x -> Matchers.string(Params.name(x), "", word), "type:string");
    }
    add(Practitioner.class, "family:exact=" + data.all(Practitioner.class).get(0).getNameFirstRep().getFamily(),
        p -> Matchers.string(Params.family(p), "exact", data.all(Practitioner.class).get(0).getNameFirstRep().getFamily()), "type:string",
        "modifier:exact");
  }

  private void numbers() {
    final List<BigDecimal> all = data.all(RiskAssessment.class).stream().flatMap(r -> Params.probability(r).stream()).sorted().toList();
    if (all.isEmpty()) {
      return;
    }
    final String median = all.get(all.size() / 2).toPlainString();
    final String tenth = all.get(all.size() / 2).setScale(1, java.math.RoundingMode.HALF_UP).toPlainString();
    for (final String v : List.of(median, "eq" + tenth, "ne" + median, "gt" + median, "lt" + median, "ge" + median, "le" + median,
        "sa" + tenth, "eb" + tenth, "ap" + tenth, "ap" + median, "gt0.2&probability=lt0.4", "lt0.1,gt0.9")) {
      final boolean and = v.contains("&");
      final boolean or = v.contains(",");
      final String[] parts = v.split("&probability=");
      final Predicate<RiskAssessment> m = r -> java.util.Arrays.stream(parts).allMatch(part -> java.util.Arrays.stream(part.split(","))
          .anyMatch(x -> Matchers.number(Params.probability(r), x)));
      final List<String> f = new ArrayList<>(List.of(features("type:number", v, and)));
      if (or) {
        f.add("or");
      }
      add(RiskAssessment.class, "probability=" + v, m, f.toArray(String[]::new));
    }
    add(RiskAssessment.class, "probability:missing=true", r -> Params.probability(r).isEmpty(), "type:number", "modifier:missing");
  }

  private void uris() {
    final List<String> profiles = data.all(Observation.class).stream().flatMap(o -> Params.profile(o).stream()).toList();
    for (final String p : spread(profiles, 2)) {
      add(Observation.class, "_profile=" + p, o -> Matchers.uri(Params.profile(o), "", p), "type:uri");
    }
    final String base = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation";
    add(Observation.class, "_profile:below=" + base, o -> Matchers.uri(Params.profile(o), "below", base), "type:uri", "modifier:below");
    final String encounterProfile = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-encounter";
    add(Encounter.class, "_profile:below=http://hl7.org/fhir/us/core", e -> Matchers.uri(Params.profile(e), "below", "http://hl7.org/fhir/us/core"),
        "type:uri", "modifier:below");
    add(Encounter.class, "_profile:above=" + encounterProfile + "/extra/segment",
        e -> Matchers.uri(Params.profile(e), "above", encounterProfile + "/extra/segment"), "type:uri", "modifier:above");
    add(Encounter.class, "_profile:above=" + encounterProfile, e -> Matchers.uri(Params.profile(e), "above", encounterProfile), "type:uri",
        "modifier:above");
    add(Condition.class, "_profile:missing=true", c -> Params.profile(c).isEmpty(), "type:uri", "modifier:missing");
    final String stamp = data.all(Patient.class).stream().map(p -> p.getMeta().getLastUpdatedElement().getValueAsString()).sorted()
        .toList().get(data.all(Patient.class).size() / 2);
    for (final String v : List.of("ge" + stamp, "lt" + stamp)) {
      add(Patient.class, "_lastUpdated=" + v, p -> Matchers.date(Params.lastUpdated(p), v, now), "type:date", "prefix:" + v.substring(0, 2));
    }
  }

  private void references() {
    final String busy = busiestPatient();
    final String quiet = quietPatient();
    add(Observation.class, "subject=" + busy, o -> Matchers.reference(Params.subject(o), null, busy), "type:reference");
    add(Observation.class, "patient=" + id(quiet), o -> Matchers.reference(Params.patient(o), null, id(quiet)), "type:reference");
    add(Observation.class, "subject:Patient=" + id(busy), o -> Matchers.reference(Params.subject(o), "Patient", id(busy)), "type:reference",
        "modifier:Type");
    add(Observation.class, "subject=" + busy + "," + quiet,
        o -> Matchers.reference(Params.subject(o), null, busy) || Matchers.reference(Params.subject(o), null, quiet), "type:reference", "or");
    final Encounter enc = data.all(Encounter.class).get(data.all(Encounter.class).size() / 2);
    add(Observation.class, "encounter=" + ref(enc), o -> Matchers.reference(Params.encounter(o), null, ref(enc)), "type:reference");
    add(Condition.class, "subject=" + busy, c -> Matchers.reference(Params.subject(c), null, busy), "type:reference");
    add(Condition.class, "encounter:missing=true", c -> Params.encounter(c).isEmpty(), "type:reference", "modifier:missing");
    for (final String sp : spread(data.all(Encounter.class).stream().flatMap(e -> Params.serviceProvider(e).stream()).toList(), 2)) {
      add(Encounter.class, "service-provider=" + sp, e -> Matchers.reference(Params.serviceProvider(e), null, sp), "type:reference");
    }
    for (final String pr : spread(data.all(Encounter.class).stream().flatMap(e -> Params.practitioner(e).stream()).toList(), 2)) {
      add(Encounter.class, "practitioner=" + pr, e -> Matchers.reference(Params.practitioner(e), null, pr), "type:reference");
      add(Encounter.class, "participant:Practitioner=" + id(pr), e -> Matchers.reference(Params.participant(e), "Practitioner", id(pr)),
          "type:reference", "modifier:Type");
    }
    for (final String gp : spread(patients().stream().flatMap(p -> Params.generalPractitioner(p).stream()).toList(), 2)) {
      add(Patient.class, "general-practitioner=" + gp, p -> Matchers.reference(Params.generalPractitioner(p), null, gp), "type:reference");
    }
    add(Immunization.class, "patient=" + busy, i -> Matchers.reference(Params.patient(i), null, busy), "type:reference");
    add(Procedure.class, "subject=" + quiet, p -> Matchers.reference(Params.subject(p), null, quiet), "type:reference");
    add(RiskAssessment.class, "subject=" + busy, r -> Matchers.reference(Params.subject(r), null, busy), "type:reference");
    final DiagnosticReport report = data.all(DiagnosticReport.class).stream().filter(DiagnosticReport::hasResult).findFirst().orElse(null);
    if (report != null) {
      final String result = Params.result(report).get(0);
      add(DiagnosticReport.class, "result=" + result, d -> Matchers.reference(Params.result(d), null, result), "type:reference");
    }
    final List<Tok> orgIds = data.all(Location.class).stream().flatMap(l -> Params.organizationIdentifier(l).stream()).toList();
    for (final Tok t : orgIds.stream().limit(2).toList()) {
      final String v = t.system() + "|" + t.code();
      add(Location.class, "organization:identifier=" + v, l -> Matchers.token(Params.organizationIdentifier(l), v), "type:reference",
          "modifier:identifier");
    }
  }

  private Resource target(final String ref) {
    return data.resolve(ref);
  }

  private <T extends Resource> boolean via(final List<String> refs, final Class<T> type, final Predicate<T> next) {
    return refs.stream().map(this::target).filter(type::isInstance).map(type::cast).anyMatch(next);
  }

  private void chains() {
    final List<String> families = patients().stream().flatMap(p -> Params.family(p).stream()).toList();
    for (final String f : spread(families, 3)) {
      final String prefix = f.substring(0, Math.min(4, f.length()));
      add(Observation.class, "patient.family=" + prefix,
          o -> via(Params.patient(o), Patient.class, p -> Matchers.string(Params.family(p), "", prefix)), "chain:1", "type:string");
      add(Condition.class, "subject:Patient.name=" + prefix,
          c -> via(Params.subject(c), Patient.class, p -> Matchers.string(Params.name(p), "", prefix)), "chain:1", "modifier:Type");
    }
    final String busy = busiestPatient();
    add(Observation.class, "patient._id=" + id(busy), o -> Matchers.reference(Params.patient(o), null, busy), "chain:1");
    final Tok someId = Params.identifier((Patient) data.get(busy)).get(0);
    add(Condition.class, "subject:Patient.identifier=" + someId.system() + "|" + someId.code(),
        c -> via(Params.subject(c), Patient.class, p -> Matchers.token(Params.identifier(p), someId.system() + "|" + someId.code())),
        "chain:1", "type:token");
    final String birth = middlePatient().getBirthDateElement().getValueAsString().substring(0, 4);
    add(Encounter.class, "subject:Patient.birthdate=lt" + birth,
        e -> via(Params.subject(e), Patient.class, p -> Matchers.date(Params.birthdate(p), "lt" + birth, now)), "chain:1", "prefix:lt");
    add(Observation.class, "patient.gender=female&code=" + LOINC + "|29463-7",
        o -> via(Params.patient(o), Patient.class, p -> Matchers.token(Params.gender(p), "female")) && Matchers.token(Params.code(o), LOINC + "|29463-7"),
        "chain:1", "and");
    for (final String org : spread(data.all(Organization.class).stream().flatMap(o -> Params.name(o).stream()).toList(), 2)) {
      final String word = org.split("[^A-Za-z0-9]")[0];
      add(Encounter.class, "service-provider.name=" + word,
          e -> via(Params.serviceProvider(e), Organization.class, o -> Matchers.string(Params.name(o), "", word)), "chain:1");
      add(Observation.class, "encounter.service-provider.name=" + word + "&_count=500",
          o -> via(Params.encounter(o), Encounter.class, e -> via(Params.serviceProvider(e), Organization.class,
              x -> Matchers.string(Params.name(x), "", word))), "chain:2");
    }
    final List<String> gpFamilies = patients().stream().flatMap(p -> Params.generalPractitioner(p).stream()).map(this::target)
        .filter(Practitioner.class::isInstance).flatMap(p -> Params.family((Practitioner) p).stream()).toList();
    for (final String f : spread(gpFamilies, 2)) {
      add(Condition.class, "patient.general-practitioner.family=" + f,
          c -> via(Params.subject(c), Patient.class, p -> via(Params.generalPractitioner(p), Practitioner.class,
              d -> Matchers.string(Params.family(d), "", f))), "chain:2");
    }
    final List<String> cities = patients().stream().flatMap(p -> Params.addressCity(p).stream()).filter(CorpusGenerator::alnum).toList();
    for (final String city : spread(cities, 2)) {
      add(Condition.class, "encounter.subject:Patient.address-city=" + city,
          c -> via(Params.encounter(c), Encounter.class, e -> via(Params.subject(e), Patient.class,
              p -> Matchers.string(Params.addressCity(p), "", city))), "chain:2", "modifier:Type");
    }
  }

  private void reverseChains() {
    for (final String c : commonMiddleRare(allTokens(Condition.class, Params::code))) {
      add(Patient.class, "_has:Condition:subject:code=" + c, p -> data.all(Condition.class).stream()
          .anyMatch(x -> Params.subject(x).contains(ref(p)) && Matchers.token(Params.code(x), c)), "has");
    }
    for (final String c : commonMiddleRare(allTokens(Observation.class, Params::code))) {
      add(Encounter.class, "_has:Observation:encounter:code=" + c + "&_count=500", e -> data.all(Observation.class).stream()
          .anyMatch(o -> Params.encounter(o).contains(ref(e)) && Matchers.token(Params.code(o), c)), "has");
    }
    add(Patient.class, "_has:Observation:patient:value-quantity=gt100|" + UCUM + "|kg", p -> data.all(Observation.class).stream()
        .anyMatch(o -> Params.patient(o).contains(ref(p)) && Matchers.quantity(Params.valueQuantity(o), "gt100|" + UCUM + "|kg")),
        "has", "type:quantity", "prefix:gt");
    final String cond = commonMiddleRare(allTokens(Condition.class, Params::code)).get(0);
    add(Practitioner.class, "_has:Encounter:practitioner:_has:Condition:encounter:code=" + cond, d -> data.all(Encounter.class).stream()
        .anyMatch(e -> Params.practitioner(e).contains(ref(d)) && data.all(Condition.class).stream()
            .anyMatch(c -> Params.encounter(c).contains(ref(e)) && Matchers.token(Params.code(c), cond))), "has", "has:nested");
  }

  /** Everything that points at one of {@code refs} through {@code param} among {@code type}'s resources. */
  private <T extends Resource> Set<String> referrers(final Class<T> type, final Function<T, List<String>> param, final Set<String> refs) {
    return data.all(type).stream().filter(r -> param.apply(r).stream().anyMatch(refs::contains)).map(CorpusResources::ref)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private <T extends Resource> Set<String> targetsOf(final Class<T> type, final Function<T, List<String>> param, final Set<String> refs) {
    final Set<String> out = new TreeSet<>();
    refs.stream().map(data::get).filter(type::isInstance).map(type::cast).forEach(r -> param.apply(r).stream()
        .filter(t -> data.get(t) != null).forEach(out::add));
    return out;
  }

  private static Set<String> minus(final Set<String> a, final Set<String> b) {
    final Set<String> out = new TreeSet<>(a);
    out.removeAll(b);
    return out;
  }

  private static Set<String> union(final Set<String> a, final Set<String> b) {
    final Set<String> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }

  private void includes() {
    final String code = commonMiddleRare(allTokens(Observation.class, Params::code)).get(1);
    included(Observation.class, "code=" + code + "&_include=Observation:patient&_count=10", o -> Matchers.token(Params.code(o), code),
        page -> targetsOf(Observation.class, Params::patient, page), "include");
    included(Observation.class, "code=" + code + "&_include=Observation:encounter&_include:iterate=Encounter:service-provider&_count=10",
        o -> Matchers.token(Params.code(o), code), page -> {
          final Set<String> encounters = targetsOf(Observation.class, Params::encounter, page);
          return minus(union(encounters, targetsOf(Encounter.class, Params::serviceProvider, encounters)), page);
        }, "include", "iterate");
    final String quiet = quietPatient();
    included(Patient.class, "_id=" + id(quiet) + "&_revinclude=Encounter:subject&_revinclude:iterate=Observation:encounter",
        p -> ref(p).equals(quiet), page -> {
          final Set<String> encounters = referrers(Encounter.class, Params::subject, page);
          return minus(union(encounters, referrers(Observation.class, Params::encounter, encounters)), page);
        }, "revinclude", "iterate");
    included(Condition.class, "clinical-status=active&_include=Condition:subject&_include=Condition:encounter&_count=15",
        c -> Matchers.token(Params.clinicalStatus(c), "active"),
        page -> minus(union(targetsOf(Condition.class, Params::subject, page), targetsOf(Condition.class, Params::encounter, page)), page),
        "include");
    included(Encounter.class, "class=EMER&_revinclude=Condition:encounter&_include=Encounter:service-provider&_count=8",
        e -> Matchers.token(Params.encounterClass(e), "EMER"),
        page -> minus(union(referrers(Condition.class, Params::encounter, page), targetsOf(Encounter.class, Params::serviceProvider, page)), page),
        "include", "revinclude");
    final List<Encounter> encounters = data.all(Encounter.class);
    final Set<String> some = encounters.stream().skip(encounters.size() / 3).limit(4).map(CorpusResources::ref)
        .collect(Collectors.toCollection(TreeSet::new));
    included(Encounter.class, "_id=" + some.stream().map(CorpusGenerator::id).collect(Collectors.joining(",")) + "&_include=*",
        e -> some.contains(ref(e)), page -> minus(targetsOf(Encounter.class, Params::allReferences, page), page), "include", "include:*");
    final String gender = "female";
    included(Patient.class, "gender=" + gender + "&_revinclude=Condition:subject&_count=5", p -> Matchers.token(Params.gender(p), gender),
        page -> referrers(Condition.class, Params::subject, page), "revinclude");
    included(Patient.class, "gender=male&_include=Patient:general-practitioner&_count=7", p -> Matchers.token(Params.gender(p), "male"),
        page -> targetsOf(Patient.class, Params::generalPractitioner, page), "include");
  }

  private <T extends Resource> Comparator<T> byLowest(final Function<T, List<Span>> values) {
    return Comparator.comparing((T r) -> values.apply(r).stream().map(Span::low).min(Comparator.naturalOrder()).orElse(null),
        Comparator.nullsLast(Comparator.naturalOrder()));
  }

  private <T extends Resource> Comparator<T> byHighestDescending(final Function<T, List<Span>> values) {
    return Comparator.comparing((T r) -> values.apply(r).stream().map(Span::high).max(Comparator.naturalOrder()).orElse(null),
        Comparator.nullsLast(Comparator.reverseOrder()));
  }

  private void sorts() {
    sorted(Patient.class, "_sort=birthdate", p -> true, byLowest(Params::birthdate), "sort");
    sorted(Patient.class, "_sort=-birthdate&gender=male", p -> Matchers.token(Params.gender(p), "male"), byHighestDescending(Params::birthdate),
        "sort", "sort:desc");
    final List<String> alnumIds = patients().stream().filter(p -> Params.family(p).stream().allMatch(CorpusGenerator::alnum))
        .map(p -> p.getIdElement().getIdPart()).limit(12).toList();
    final Comparator<Patient> byFamily = Comparator.comparing((Patient p) -> Params.family(p).stream().map(Values::fold)
        .min(Comparator.naturalOrder()).orElse(null), Comparator.nullsLast(Comparator.naturalOrder()));
    sorted(Patient.class, "_id=" + String.join(",", alnumIds) + "&_sort=family,-birthdate",
        p -> alnumIds.contains(p.getIdElement().getIdPart()), byFamily.thenComparing(byHighestDescending(Params::birthdate)),
        "sort", "sort:multi", "or");
    final String busy = busiestPatient();
    sorted(Observation.class, "patient=" + busy + "&_sort=-date&_count=50", o -> Matchers.reference(Params.patient(o), null, busy),
        byHighestDescending(Params::date), "sort", "sort:desc", "paging");
    sorted(Observation.class, "patient=" + busy + "&_sort=date,_id&_count=50", o -> Matchers.reference(Params.patient(o), null, busy),
        byLowest(Params::date), "sort", "sort:multi", "paging");
    sorted(Encounter.class, "_sort=date&_count=13", e -> true, byLowest(Params::date), "sort", "paging");
    sorted(Condition.class, "_sort=code", c -> true, Comparator.comparing((Condition c) -> Params.code(c).stream().map(Tok::code)
        .filter(java.util.Objects::nonNull).min(Comparator.naturalOrder()).orElse(null), Comparator.nullsLast(Comparator.naturalOrder())), "sort");
    final String someCode = commonMiddleRare(allTokens(Observation.class, Params::code)).get(1);
    sorted(Observation.class, "code=" + someCode + "&_sort=patient,-date", o -> Matchers.token(Params.code(o), someCode),
        Comparator.comparing((Observation o) -> Params.patient(o).stream().min(Comparator.naturalOrder()).orElse(null),
            Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(byHighestDescending(Params::date)), "sort", "sort:multi",
        "type:reference");
    sorted(Immunization.class, "_sort=-date", i -> true, byHighestDescending(Params::date), "sort", "sort:desc");
    sorted(Condition.class, "_sort=-_id", c -> true, Comparator.comparing(CorpusResources::ref, Comparator.reverseOrder()), "sort", "sort:desc");
    sorted(Patient.class, "_sort=_lastUpdated", p -> true, byLowest(Params::lastUpdated), "sort");
  }

  private void pagingAndTotals() {
    final String busy = busiestPatient();
    add(Observation.class, "patient=" + busy + "&_count=7", o -> Matchers.reference(Params.patient(o), null, busy), "paging");
    add(Observation.class, "category=laboratory&_count=50", o -> Matchers.token(Params.category(o), "laboratory"), "paging");
    add(Encounter.class, "_count=3", e -> true, "paging");
    add(Observation.class, "code=" + LOINC + "|29463-7&_total=accurate&_count=5", o -> Matchers.token(Params.code(o), LOINC + "|29463-7"),
        "total", "paging");
    add(Condition.class, "_total=accurate", c -> true, "total");
    counted(Observation.class, "category=vital-signs&_summary=count", o -> Matchers.token(Params.category(o), "vital-signs"), "summary:count");
    counted(Patient.class, "gender=female&_summary=count", p -> Matchers.token(Params.gender(p), "female"), "summary:count");
    counted(Encounter.class, "date=ge2010&_summary=count", e -> Matchers.date(Params.date(e), "ge2010", now), "summary:count", "prefix:ge");
    counted(Observation.class, "_summary=count", o -> true, "summary:count");
    counted(Condition.class, "clinical-status=active&_count=0", c -> Matchers.token(Params.clinicalStatus(c), "active"), "summary:count");
    add(Encounter.class, "class=AMB&_total=none&_count=100", e -> Matchers.token(Params.encounterClass(e), "AMB"), "total", "paging");
  }
}
