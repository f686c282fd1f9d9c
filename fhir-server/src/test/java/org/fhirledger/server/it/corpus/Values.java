package org.fhirledger.server.it.corpus;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Type;

/**
 * The values a search parameter sees in an element, computed the test's own way from HAPI's model objects (getters,
 * {@code java.time}), never through the server's extractor: the oracle side of the search corpus.
 */
public final class Values {
  /** Where an open Period end lies, for comparisons only. */
  static final Instant FAR_PAST = Instant.parse("0001-01-01T00:00:00Z");

  static final Instant FAR_FUTURE = Instant.parse("9999-12-31T00:00:00Z");

  private static final java.util.regex.Pattern ZONE = java.util.regex.Pattern.compile("(Z|[+-]\\d{2}:\\d{2})$");

  private Values() {}

  /** Case- and accent-insensitive form of a string, as R4 asks for the string default match. */
  public static String fold(final String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
  }

  /** One token: a system and code, the texts that {@code :text} looks at, and an identifier's type codings. */
  public record Tok(String system, String code, List<String> texts, List<Coding> types) {}

  /** A half-open time span {@code [low, high)}. */
  public record Span(Instant low, Instant high) {}

  /** A quantity as written in the resource. */
  public record Qty(BigDecimal value, String system, String code, String unit) {}

  public static List<Tok> tokens(final CodeableConcept cc) {
    final List<Tok> out = new ArrayList<>();
    if (cc == null) {
      return out;
    }
    final List<String> texts = new ArrayList<>();
    if (cc.hasText()) {
      texts.add(cc.getText());
    }
    for (final Coding c : cc.getCoding()) {
      final List<String> t = new ArrayList<>(texts);
      if (c.hasDisplay()) {
        t.add(c.getDisplay());
      }
      out.add(new Tok(emptyToNull(c.getSystem()), emptyToNull(c.getCode()), t, List.of()));
    }
    if (cc.getCoding().isEmpty() && cc.hasText()) {
      out.add(new Tok(null, null, texts, List.of()));
    }
    return out;
  }

  public static List<Tok> tokens(final List<CodeableConcept> ccs) {
    final List<Tok> out = new ArrayList<>();
    ccs.forEach(cc -> out.addAll(tokens(cc)));
    return out;
  }

  public static Tok token(final Coding c) {
    return new Tok(emptyToNull(c.getSystem()), emptyToNull(c.getCode()), c.hasDisplay() ? List.of(c.getDisplay()) : List.of(), List.of());
  }

  public static Tok token(final Identifier id) {
    final List<String> texts = new ArrayList<>();
    if (id.hasType()) {
      if (id.getType().hasText()) {
        texts.add(id.getType().getText());
      }
      id.getType().getCoding().stream().filter(Coding::hasDisplay).forEach(c -> texts.add(c.getDisplay()));
    }
    return new Tok(emptyToNull(id.getSystem()), emptyToNull(id.getValue()), texts, id.getType().getCoding());
  }

  public static List<Tok> identifiers(final List<Identifier> ids) {
    return ids.stream().map(Values::token).toList();
  }

  /** A code bound to a value set: its system is the one of the enumeration's code system. */
  public static List<Tok> code(final Enumeration<?> e) {
    if (e == null || !e.hasValue()) {
      return List.of();
    }
    return List.of(new Tok(emptyToNull(e.getSystem()), e.getCode(), List.of(), List.of()));
  }

  public static List<Tok> bool(final BooleanType b) {
    return b == null || !b.hasValue() ? List.of() : List.of(new Tok(null, b.getValueAsString(), List.of(), List.of()));
  }

  public static List<Tok> telecom(final List<ContactPoint> cps, final ContactPoint.ContactPointSystem only) {
    return cps.stream().filter(cp -> only == null || cp.getSystem() == only).filter(ContactPoint::hasValue)
        .map(cp -> new Tok(null, cp.getValue(), List.of(), List.of())).toList();
  }

  /** Every part of a name (the parts R4's {@code name} parameter searches). */
  public static List<String> parts(final HumanName n) {
    final List<String> out = new ArrayList<>();
    if (n.hasFamily()) {
      out.add(n.getFamily());
    }
    n.getGiven().forEach(g -> out.add(g.getValue()));
    n.getPrefix().forEach(g -> out.add(g.getValue()));
    n.getSuffix().forEach(g -> out.add(g.getValue()));
    if (n.hasText()) {
      out.add(n.getText());
    }
    return out;
  }

  public static List<String> parts(final Address a) {
    final List<String> out = new ArrayList<>();
    a.getLine().forEach(l -> out.add(l.getValue()));
    for (final String s : new String[] {a.getCity(), a.getDistrict(), a.getState(), a.getPostalCode(), a.getCountry(), a.getText()}) {
      if (s != null && !s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** The span an element of a date parameter covers: a date, dateTime or instant at its precision, or a Period. */
  public static Optional<Span> span(final Type t) {
    if (t instanceof Period p) {
      if (!p.hasStart() && !p.hasEnd()) {
        return Optional.empty();
      }
      final Instant low = p.hasStart() ? span(p.getStartElement().getValueAsString()).low() : FAR_PAST;
      final Instant high = p.hasEnd() ? span(p.getEndElement().getValueAsString()).high() : FAR_FUTURE;
      return Optional.of(new Span(low, high));
    }
    if (t instanceof BaseDateTimeType d && d.hasValue()) {
      return Optional.of(span(d.getValueAsString()));
    }
    return Optional.empty();
  }

  /**
   * The span of a FHIR date/dateTime/instant text at its precision: {@code 2019} is the year, {@code 2019-02-17} the
   * day, a time the second (or millisecond, minute). No time zone means UTC (this server's documented choice).
   */
  public static Span span(final String text) {
    final String s = text.trim();
    if (s.length() == 4) {
      final LocalDate start = LocalDate.of(Integer.parseInt(s), 1, 1);
      return days(start, start.plusYears(1));
    }
    if (s.length() == 7) {
      final LocalDate start = LocalDate.parse(s + "-01");
      return days(start, start.plusMonths(1));
    }
    if (s.length() == 10) {
      final LocalDate start = LocalDate.parse(s);
      return days(start, start.plusDays(1));
    }
    String time = s.substring(11);
    String zone = "";
    final java.util.regex.Matcher z = ZONE.matcher(time);
    if (z.find()) {
      zone = z.group(1);
      time = time.substring(0, z.start());
    }
    final ChronoUnit unit = time.length() == 5 ? ChronoUnit.MINUTES : time.length() == 8 ? ChronoUnit.SECONDS : ChronoUnit.MILLIS;
    if (time.length() > 12) {
      time = time.substring(0, 12); // kept to the millisecond, like meta.lastUpdated
    }
    final String full = s.substring(0, 10) + "T" + (time.length() == 5 ? time + ":00" : time);
    final Instant start = zone.isEmpty() ? LocalDateTime.parse(full).toInstant(ZoneOffset.UTC) : OffsetDateTime.parse(full + zone).toInstant();
    return new Span(start, start.plus(1, unit));
  }

  private static Span days(final LocalDate start, final LocalDate end) {
    return new Span(start.atStartOfDay().toInstant(ZoneOffset.UTC), end.atStartOfDay().toInstant(ZoneOffset.UTC));
  }

  public static Optional<Qty> qty(final Type t) {
    if (t instanceof Quantity q && q.hasValue()) {
      return Optional.of(new Qty(q.getValue(), emptyToNull(q.getSystem()), emptyToNull(q.getCode()), emptyToNull(q.getUnit())));
    }
    return Optional.empty();
  }

  public static <T extends PrimitiveType<?>> List<String> strings(final List<T> values) {
    return values.stream().filter(PrimitiveType::hasValue).map(PrimitiveType::getValueAsString).toList();
  }

  static String emptyToNull(final String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
