package org.fhirledger.server.dao.patch;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonPatch;
import jakarta.json.JsonReader;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.StringReader;
import org.hl7.fhir.r4.model.Resource;

/**
 * RFC 6902 JSON Patch on a resource's JSON (Eclipse Parsson's implementation of {@code jakarta.json.JsonPatch}).
 * A body that is not a JSON Patch document is a 400; a patch that cannot be applied (a missing path, a failed
 * {@code test}) or whose result is not a valid resource of the same type is a 422.
 */
final class JsonPatchApplier {
  private final FhirContext fhir;

  JsonPatchApplier(final FhirContext fhir) {
    this.fhir = fhir;
  }

  Resource apply(final Resource current, final String body) {
    final JsonPatch patch = parsePatch(body);
    final JsonObject document;
    try (JsonReader reader = Json.createReader(new StringReader(fhir.newJsonParser().encodeResourceToString(current)))) {
      document = reader.readObject();
    }
    final JsonStructure patched;
    try {
      patched = patch.apply(document);
    } catch (final JsonException | UnsupportedOperationException e) {
      throw new UnprocessableEntityException("JSON Patch could not be applied: " + e.getMessage());
    }
    try {
      return (Resource) fhir.newJsonParser().parseResource(current.getClass(), patched.toString());
    } catch (final DataFormatException e) {
      throw new UnprocessableEntityException("JSON Patch result is not a valid " + current.fhirType() + ": " + e.getMessage());
    }
  }

  // Parsson checks an operation only when it applies it; a malformed document is the client's syntax error (400).
  private static void checkOperation(final int i, final JsonValue v) {
    if (!(v instanceof JsonObject)) {
      throw new InvalidRequestException("JSON Patch operation " + i + " is not an object");
    }
    final JsonObject op = (JsonObject) v;
    final String name = op.get("op") instanceof jakarta.json.JsonString s ? s.getString() : null;
    if (name == null || !java.util.Set.of("add", "remove", "replace", "move", "copy", "test").contains(name)) {
      throw new InvalidRequestException("JSON Patch operation " + i + " has no valid \"op\"");
    }
    if (!(op.get("path") instanceof jakarta.json.JsonString)) {
      throw new InvalidRequestException("JSON Patch operation " + i + " has no \"path\"");
    }
    if (java.util.Set.of("add", "replace", "test").contains(name) && !op.containsKey("value")) {
      throw new InvalidRequestException("JSON Patch operation " + i + " (" + name + ") has no \"value\"");
    }
    if (java.util.Set.of("move", "copy").contains(name) && !(op.get("from") instanceof jakarta.json.JsonString)) {
      throw new InvalidRequestException("JSON Patch operation " + i + " (" + name + ") has no \"from\"");
    }
  }

  private static JsonPatch parsePatch(final String body) {
    final JsonValue value;
    try (JsonReader reader = Json.createReader(new StringReader(body == null ? "" : body))) {
      value = reader.readValue();
    } catch (final JsonException e) {
      throw new InvalidRequestException("JSON Patch body is not JSON: " + e.getMessage());
    }
    if (!(value instanceof JsonArray)) {
      throw new InvalidRequestException("JSON Patch body must be an array of operations (RFC 6902)");
    }
    final JsonArray ops = (JsonArray) value;
    for (int i = 0; i < ops.size(); i++) {
      checkOperation(i, ops.get(i));
    }
    try {
      return Json.createPatch((JsonArray) value);
    } catch (final JsonException | ClassCastException | NullPointerException e) {
      throw new InvalidRequestException("JSON Patch body is not a valid patch document: " + e.getMessage());
    }
  }
}
