package org.fhirledger.server.dao;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fhirledger.ledger.node.ContentTermExtractor;
import org.fhirledger.ledger.store.ContentTerms;

/**
 * The FHIR side of deterministic execution: from a resource's canonical JSON, the condition keys the ledger
 * indexes ({@link ConditionKeys} for the {@code identifier} search parameter) and the references it makes
 * ({@code Type/id} of every relative {@code reference}). One streaming pass with Jackson, no FHIR model: this
 * runs on every node for every write while a block is applied, so it must be cheap and it must depend on
 * nothing but the bytes (absolute URLs, contained {@code #refs}, {@code urn:} ids and logical references are
 * not references to a resource on this ledger and are skipped).
 */
public final class FhirTermExtractor implements ContentTermExtractor {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Pattern RELATIVE_REFERENCE =
      Pattern.compile("^([A-Z][A-Za-z]{1,63})/([A-Za-z0-9\\-.]{1,64})(?:/_history/[A-Za-z0-9\\-.]{1,64})?$");

  private final Set<String> resourceTypes;

  public FhirTermExtractor(final Set<String> resourceTypes) {
    this.resourceTypes = Set.copyOf(resourceTypes);
  }

  @Override
  public ContentTerms extract(final String resourceType, final byte[] content) {
    final List<String> keys = new ArrayList<>();
    final List<String> references = new ArrayList<>();
    try (JsonParser p = JSON.createParser(content)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return ContentTerms.NONE;
      }
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_OBJECT && t != null) {
        final String field = p.currentName();
        p.nextToken();
        if ("identifier".equals(field)) {
          readIdentifiers(p, keys, references);
        } else {
          collectReferences(p, references);
        }
      }
    } catch (final IOException | RuntimeException e) {
      return ContentTerms.NONE;
    }
    return new ContentTerms(keys, references);
  }

  /** A top-level identifier: one object or an array of them. */
  private void readIdentifiers(final JsonParser p, final List<String> keys, final List<String> references) throws IOException {
    if (p.currentToken() == JsonToken.START_ARRAY) {
      while (p.nextToken() == JsonToken.START_OBJECT) {
        readIdentifier(p, keys, references);
      }
    } else if (p.currentToken() == JsonToken.START_OBJECT) {
      readIdentifier(p, keys, references);
    } else {
      p.skipChildren();
    }
  }

  private void readIdentifier(final JsonParser p, final List<String> keys, final List<String> references) throws IOException {
    String system = null;
    String value = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      final String name = p.currentName();
      final JsonToken v = p.nextToken();
      if ("system".equals(name) && v == JsonToken.VALUE_STRING) {
        system = p.getText();
      } else if ("value".equals(name) && v == JsonToken.VALUE_STRING) {
        value = p.getText();
      } else {
        // an identifier's assigner is a Reference, and it counts
        collectReferences(p, references);
      }
    }
    keys.addAll(ConditionKeys.ofIdentifier(system, value));
  }

  /** Every relative reference in the value at the parser's position, at any depth. */
  private void collectReferences(final JsonParser p, final List<String> references) throws IOException {
    final JsonToken start = p.currentToken();
    if (start != JsonToken.START_OBJECT && start != JsonToken.START_ARRAY) {
      return;
    }
    int depth = 0;
    JsonToken t = start;
    do {
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        depth++;
      } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        depth--;
      } else if (t == JsonToken.VALUE_STRING && "reference".equals(p.currentName())) {
        final Matcher m = RELATIVE_REFERENCE.matcher(p.getText());
        if (m.matches() && resourceTypes.contains(m.group(1))) {
          references.add(m.group(1) + "/" + m.group(2));
        }
      }
      if (depth == 0) {
        return;
      }
      t = p.nextToken();
    } while (t != null);
  }
}
