package org.fhirledger.server.dao.patch;

/** Small lexical helpers for FHIRPath expressions. */
final class FhirPaths {
  private FhirPaths() {}

  /** Index of the last '.' outside parentheses, brackets and string literals; -1 if there is none. */
  static int lastTopLevelDot(final String path) {
    int depth = 0;
    boolean quoted = false;
    int last = -1;
    for (int i = 0; i < path.length(); i++) {
      final char c = path.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '\'') {
          quoted = false;
        }
      } else if (c == '\'') {
        quoted = true;
      } else if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
      } else if (c == '.' && depth == 0) {
        last = i;
      }
    }
    return last;
  }
}
