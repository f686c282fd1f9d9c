package org.fhirledger.server.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A reference search value that is an absolute URL on this server ({@code subject=http://host/fhir/Patient/1}) names
 * the same resource as {@code Patient/1}, which is how references to local resources are stored: the server's base
 * is cut off before the parameters are parsed. Other absolute URLs stay as written.
 */
public final class ServerBaseReferences {
  private ServerBaseReferences() {}

  /** The parameters with this server's base removed from reference values; the map given is not changed. */
  public static Map<String, String[]> relativize(final FhirContext fhir, final String type, final Map<String, String[]> parameters,
      final String serverBase) {
    if (serverBase == null || serverBase.isEmpty() || !fhir.getResourceTypes().contains(type)) {
      return parameters;
    }
    final String prefix = serverBase.endsWith("/") ? serverBase : serverBase + "/";
    final Map<String, String[]> out = new LinkedHashMap<>();
    for (final Map.Entry<String, String[]> e : parameters.entrySet()) {
      final String key = e.getKey();
      final int colon = key.indexOf(':');
      final RuntimeSearchParam sp = fhir.getResourceDefinition(type).getSearchParam(colon < 0 ? key : key.substring(0, colon));
      final boolean reference = sp != null && sp.getParamType() == RestSearchParameterTypeEnum.REFERENCE && !key.contains(".")
          && !key.endsWith(":identifier");
      out.put(key, reference ? Arrays.stream(e.getValue()).map(v -> relative(v, prefix)).toArray(String[]::new) : e.getValue());
    }
    return out;
  }

  private static String relative(final String value, final String prefix) {
    if (value == null || !value.contains(prefix)) {
      return value;
    }
    return String.join(",", SearchRequestParser.splitOr(value).stream().map(v -> v.startsWith(prefix) ? v.substring(prefix.length()) : v).toList());
  }
}
