package org.fhirledger.server.search;

import ca.uhn.fhir.context.ComboSearchParamType;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.SearchParameter;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Turns {@code SearchParameter} resources into the {@link RuntimeSearchParam}s of a {@link SearchParamRegistry}. A
 * pure function of the resource's content, so every node reading the same chain makes the same decision: a
 * SearchParameter is a custom parameter when it is {@code active}, has a code usable in a URL, a type this server
 * indexes, at least one base resource type, a FHIRPath expression, and (composite) two components naming their
 * definition. Anything else is stored on the ledger like any resource but adds no parameter.
 */
public final class CustomSearchParams {
  /** Where the ig module's SearchParameters are on the classpath. */
  static final String IG_SEARCH_PARAMETERS = "classpath*:fhir-ledger-ig/SearchParameter-*.json";
  /** A code a query string can carry: no modifier, chain or value separators, not a reserved {@code _} name. */
  private static final Pattern CODE = Pattern.compile("[A-Za-z][A-Za-z0-9-]*");

  private CustomSearchParams() {}

  /** Why a SearchParameter adds no parameter, or null if it does. */
  public static String rejection(final FhirContext fhir, final SearchParameter sp) {
    if (sp.getStatus() != PublicationStatus.ACTIVE) {
      return "status is " + (sp.getStatus() == null ? "missing" : sp.getStatus().toCode()) + ", not active";
    }
    if (!sp.hasCode() || !CODE.matcher(sp.getCode()).matches()) {
      return "code '" + sp.getCode() + "' is not letters, digits and '-' starting with a letter";
    }
    if (!sp.hasType() || !SearchParamExtractor.INDEXED_TYPES.contains(RestSearchParameterTypeEnum.forCode(sp.getType().toCode()))) {
      return "type " + (sp.hasType() ? sp.getType().toCode() : "missing") + " is not indexed";
    }
    if (bases(fhir, sp).isEmpty()) {
      return "no base is an R4 resource type";
    }
    if (!sp.hasExpression() || sp.getExpression().isBlank()) {
      return "no expression";
    }
    if (sp.getType() == org.hl7.fhir.r4.model.Enumerations.SearchParamType.COMPOSITE
        && (sp.getComponent().size() != 2 || sp.getComponent().stream().anyMatch(c -> !c.hasDefinition()))) {
      return "a composite needs two components, each with a definition";
    }
    return null;
  }

  /** The parameter a SearchParameter defines, or null when {@link #rejection} gives a reason. */
  public static RuntimeSearchParam toRuntime(final FhirContext fhir, final SearchParameter sp) {
    if (rejection(fhir, sp) != null) {
      return null;
    }
    final List<RuntimeSearchParam.Component> components = new ArrayList<>();
    for (final SearchParameter.SearchParameterComponentComponent c : sp.getComponent()) {
      components.add(new RuntimeSearchParam.Component(c.getExpression(), c.getDefinition(), null));
    }
    final Set<String> targets = new LinkedHashSet<>();
    for (final CodeType t : sp.getTarget()) {
      targets.add(t.getValue());
    }
    final RestSearchParameterTypeEnum type = RestSearchParameterTypeEnum.forCode(sp.getType().toCode());
    return new RuntimeSearchParam(new IdType("SearchParameter", sp.getIdElement().getIdPart()), url(sp), sp.getCode(), sp.getDescription(),
        sp.getExpression(), type, Set.of(), targets, RuntimeSearchParam.RuntimeSearchParamStatusEnum.ACTIVE,
        type == RestSearchParameterTypeEnum.COMPOSITE ? ComboSearchParamType.NON_UNIQUE : null, components, bases(fhir, sp));
  }

  /** The canonical url, or {@code SearchParameter/[id]} for one without. */
  public static String url(final SearchParameter sp) {
    return sp.hasUrl() ? sp.getUrl() : "SearchParameter/" + sp.getIdElement().getIdPart();
  }

  private static List<String> bases(final FhirContext fhir, final SearchParameter sp) {
    final List<String> out = new ArrayList<>();
    for (final CodeType b : sp.getBase()) {
      if (b.getValue() != null && fhir.getResourceTypes().contains(b.getValue())) {
        out.add(b.getValue());
      }
    }
    return out;
  }

  /** The SearchParameters the ig module ships, in file name order. */
  public static List<SearchParameter> fromIg(final FhirContext fhir) {
    final List<SearchParameter> out = new ArrayList<>();
    try {
      final Resource[] files = new PathMatchingResourcePatternResolver(CustomSearchParams.class.getClassLoader()).getResources(IG_SEARCH_PARAMETERS);
      java.util.Arrays.sort(files, java.util.Comparator.comparing(Resource::getFilename));
      for (final Resource file : files) {
        try (InputStream in = file.getInputStream()) {
          out.add(fhir.newJsonParser().parseResource(SearchParameter.class, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
      }
    } catch (final IOException e) {
      throw new UncheckedIOException("could not read the ig SearchParameters", e);
    }
    return out;
  }
}
