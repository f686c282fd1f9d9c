package org.fhirledger.server.search;

import java.util.List;
import org.fhirledger.server.index.IndexedParam;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;

/**
 * The rows behind the token modifiers {@code :text} and {@code :of-type}, stored under derived parameter names
 * (a name never contains ':') in the string and token tables, so they need no table of their own and never count
 * as values of the parameter itself (for {@code :missing}, {@code :not}).
 */
final class TokenExtras {
  private TokenExtras() {}

  static void add(final List<IndexedParam> out, final String name, final IBase value) {
    final String text = name + SearchParamExtractor.TEXT_SUFFIX;
    if (value instanceof CodeableConcept cc) {
      SearchParamExtractor.string(out, text, cc.getText());
      cc.getCoding().forEach(c -> SearchParamExtractor.string(out, text, c.getDisplay()));
    } else if (value instanceof Coding c) {
      SearchParamExtractor.string(out, text, c.getDisplay());
    } else if (value instanceof Identifier id && id.hasType()) {
      SearchParamExtractor.string(out, text, id.getType().getText());
      for (final Coding type : id.getType().getCoding()) {
        SearchParamExtractor.string(out, text, type.getDisplay());
        if (type.hasSystem() && type.hasCode() && id.hasValue()) {
          SearchParamExtractor.token(out, name + SearchParamExtractor.OF_TYPE_SUFFIX, ofTypeSystem(type.getSystem(), type.getCode()), id.getValue());
        }
      }
    }
  }

  /** The system column of an of-type row: the identifier type's system and code. */
  static String ofTypeSystem(final String typeSystem, final String typeCode) {
    return typeSystem + "|" + typeCode;
  }
}
