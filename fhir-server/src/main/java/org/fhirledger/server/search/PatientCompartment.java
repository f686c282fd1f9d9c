package org.fhirledger.server.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The R4 Patient compartment as HAPI's FhirContext knows it (the compartment definition's parameters, carried by
 * each {@link RuntimeSearchParam} as "provides membership in"): for each resource type, the reference parameters
 * through which a resource belongs to a patient's compartment.
 */
public final class PatientCompartment {
  private PatientCompartment() {}

  public static Map<String, List<String>> membership(final FhirContext fhir) {
    final Map<String, List<String>> out = new TreeMap<>();
    for (final String type : fhir.getResourceTypes()) {
      final List<String> params = new ArrayList<>();
      for (final RuntimeSearchParam sp : fhir.getResourceDefinition(type).getSearchParams()) {
        if (sp.getParamType() == RestSearchParameterTypeEnum.REFERENCE && sp.getProvidesMembershipInCompartments() != null
            && sp.getProvidesMembershipInCompartments().contains("Patient")) {
          params.add(sp.getName());
        }
      }
      if (!params.isEmpty()) {
        out.put(type, List.copyOf(params));
      }
    }
    return out;
  }
}
