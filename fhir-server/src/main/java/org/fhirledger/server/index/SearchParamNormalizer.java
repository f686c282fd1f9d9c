package org.fhirledger.server.index;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** The form in which strings are indexed and searched by default: accents stripped and case folded. */
public final class SearchParamNormalizer {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");

  private SearchParamNormalizer() {}

  /** "Çhalmers" and "chalmers" have the same normal form. */
  public static String normalize(final String s) {
    return MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFD)).replaceAll("").toLowerCase(Locale.ROOT);
  }
}
