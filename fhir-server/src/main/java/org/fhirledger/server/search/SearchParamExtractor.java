package org.fhirledger.server.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.fhirpath.IFhirPathEvaluationContext;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.fhirledger.server.index.IndexedParam;
import org.fhirledger.server.index.SharedParamRows;
import org.fhirledger.server.index.SearchParamNormalizer;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Timing;
import org.hl7.fhir.r4.model.UriType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes the search parameter values of a resource from the R4 search parameters that HAPI's FhirContext
 * defines (their FHIRPath expressions: the simple ones walked over the R4 model by {@link CompiledPath}, the rest
 * evaluated by HAPI's R4 FHIRPath engine, with the same results), for the parameter types this server indexes. {@code _id} and {@code _lastUpdated} are not extracted: they are columns of the version rows.
 */
public final class SearchParamExtractor {
  private static final Logger LOG = LoggerFactory.getLogger(SearchParamExtractor.class);

  /** The parameter types indexed (special ones, such as near, _text and _content, are not). */
  public static final Set<RestSearchParameterTypeEnum> INDEXED_TYPES = EnumSet.of(
      RestSearchParameterTypeEnum.TOKEN, RestSearchParameterTypeEnum.STRING, RestSearchParameterTypeEnum.DATE,
      RestSearchParameterTypeEnum.REFERENCE, RestSearchParameterTypeEnum.URI, RestSearchParameterTypeEnum.NUMBER,
      RestSearchParameterTypeEnum.QUANTITY, RestSearchParameterTypeEnum.COMPOSITE);

  /**
   * {@code _source} (meta.source), a uri parameter of every resource that R4 defines but HAPI's FhirContext does
   * not list.
   */
  public static final String SOURCE = "_source";

  /** {@link IndexedParam#TEXT_SUFFIX}. */
  public static final String TEXT_SUFFIX = IndexedParam.TEXT_SUFFIX;

  /** {@link IndexedParam#OF_TYPE_SUFFIX}. */
  public static final String OF_TYPE_SUFFIX = IndexedParam.OF_TYPE_SUFFIX;

  /** {@link IndexedParam#IDENTIFIER_SUFFIX}. */
  public static final String IDENTIFIER_SUFFIX = IndexedParam.IDENTIFIER_SUFFIX;

  private static final Set<String> RESOURCE_COLUMNS = Set.of("_id", "_lastUpdated");

  private final FhirContext fhir;
  private final IFhirPath fhirPath;
  private final Map<String, List<Compiled>> byType = new ConcurrentHashMap<>();
  private final CompositeExtractor composites;
  private final boolean walkSimplePaths;
  private final SearchParamRegistry registry;

  private record Compiled(String name, RestSearchParameterTypeEnum type, List<Path> paths) {}

  /**
   * One path of a parameter: walked directly when it has a simple shape ({@link CompiledPath}), else (or when the
   * walk gives up on a resource) evaluated by the FHIRPath engine from its parsed form.
   */
  record Path(Optional<CompiledPath> walk, IFhirPath.IParsedExpression parsed) {}

  public SearchParamExtractor(final FhirContext fhir) {
    this(SearchParamRegistry.base(fhir), true);
  }

  /** An extractor of the parameters of {@code registry} (base and custom); a new registry needs a new extractor. */
  public SearchParamExtractor(final SearchParamRegistry registry) {
    this(registry, true);
  }

  /** The base R4 parameters; {@code walkSimplePaths} as below. */
  SearchParamExtractor(final FhirContext fhir, final boolean walkSimplePaths) {
    this(SearchParamRegistry.base(fhir), walkSimplePaths);
  }

  /**
   * @param walkSimplePaths false to evaluate every path with the FHIRPath engine (the reference the walk is tested
   *     against)
   */
  SearchParamExtractor(final SearchParamRegistry registry, final boolean walkSimplePaths) {
    this.fhir = registry.fhirContext();
    this.registry = registry;
    this.walkSimplePaths = walkSimplePaths;
    this.fhirPath = fhir.newFhirPath();
    this.composites = new CompositeExtractor(registry, this::compile);
    // resolve() in paths such as "subject.where(resolve() is Patient)" needs only the target's type, which
    // the reference itself names: answer with an empty resource of that type rather than a lookup.
    fhirPath.setEvaluationContext(new IFhirPathEvaluationContext() {
      @Override
      public IBase resolveReference(final IIdType reference, final IBase context) {
        if (reference == null || !reference.hasResourceType() || !fhir.getResourceTypes().contains(reference.getResourceType())) {
          return null;
        }
        final IBaseResource target = fhir.getResourceDefinition(reference.getResourceType()).newInstance();
        target.setId(reference.getValue());
        return target;
      }
    });
  }

  /**
   * The values of every indexed search parameter of {@code resource}. Thread-safe; the resource must not change
   * meanwhile (it is only read).
   */
  public List<IndexedParam> extract(final Resource resource) {
    final String type = resource.fhirType();
    final List<IndexedParam> out = new ArrayList<>();
    for (final Compiled p : compiled(type)) {
      for (final Path path : p.paths()) {
        final List<? extends IBase> values;
        try {
          values = evaluate(resource, path);
        } catch (final RuntimeException e) {
          LOG.debug("search parameter path failed type={} param={}", type, p.name(), e);
          continue;
        }
        for (final IBase value : values) {
          addValues(out, p.name(), p.type(), value);
        }
      }
    }
    out.addAll(composites.extract(resource, this::valuesOf, this::evaluate));
    if (resource.getMeta().hasSource()) {
      out.add(new IndexedParam.Uri(SOURCE, resource.getMeta().getSource()));
    }
    return out;
  }

  /** The elements a path selects in {@code input}: walked when it can be, else by the (single-threaded) engine. */
  List<? extends IBase> evaluate(final IBase input, final Path path) {
    if (path.walk().isPresent()) {
      final Optional<List<Base>> walked = path.walk().get().evaluate((Base) input);
      if (walked.isPresent()) {
        return walked.get();
      }
    }
    synchronized (fhirPath) {
      return fhirPath.evaluate(input, path.parsed(), IBase.class);
    }
  }

  /**
   * A path compiled both ways: {@code rootType} is the type its first name must be (the resource type, or the
   * placeholder a composite uses for paths relative to an element).
   */
  Path compile(final String path, final String rootType) {
    final IFhirPath.IParsedExpression parsed;
    synchronized (fhirPath) {
      try {
        parsed = fhirPath.parse(path);
      } catch (final Exception e) {
        throw new IllegalArgumentException("search parameter path not parsed: " + path, e);
      }
    }
    return new Path(walkSimplePaths ? CompiledPath.compile(path, rootType, fhir.getResourceTypes()) : Optional.empty(), parsed);
  }

  private List<IndexedParam> valuesOf(final String name, final RestSearchParameterTypeEnum type, final IBase value) {
    final List<IndexedParam> out = new ArrayList<>();
    addValues(out, name, type, value);
    return out;
  }

  private List<Compiled> compiled(final String type) {
    return byType.computeIfAbsent(type, t -> {
      final List<Compiled> list = new ArrayList<>();
      for (final RuntimeSearchParam sp : registry.forType(t)) {
        if (!INDEXED_TYPES.contains(sp.getParamType()) || sp.getParamType() == RestSearchParameterTypeEnum.COMPOSITE
            || RESOURCE_COLUMNS.contains(sp.getName()) || SharedParamRows.isShared(t, sp.getName())) {
          continue;
        }
        final List<Path> paths = new ArrayList<>();
        for (final String raw : sp.getPathsSplit()) {
          final String path = forType(raw.trim(), t);
          if (path == null) {
            continue;
          }
          try {
            paths.add(compile(path, t));
          } catch (final Exception e) {
            LOG.debug("search parameter path not parsed type={} param={} path={}", t, sp.getName(), path, e);
          }
        }
        if (!paths.isEmpty()) {
          list.add(new Compiled(sp.getName(), sp.getParamType(), List.copyOf(paths)));
        }
      }
      return List.copyOf(list);
    });
  }

  /**
   * The path rooted at {@code type}, or null if it is about another type. Shared parameters list one path per
   * type ("AllergyIntolerance.patient | CarePlan.subject | ..."); base ones start with Resource or DomainResource.
   */
  static String forType(final String path, final String type) {
    final String unwrapped = path.startsWith("(") && path.endsWith(")") && path.indexOf('(', 1) < 0 ? path.substring(1, path.length() - 1) : path;
    for (final String root : List.of(type, "Resource", "DomainResource")) {
      if (unwrapped.equals(root) || unwrapped.startsWith(root + ".") || unwrapped.startsWith("(" + root + ".")) {
        return unwrapped.startsWith("(") ? "(" + type + unwrapped.substring(1 + root.length()) : type + unwrapped.substring(root.length());
      }
    }
    return null;
  }

  private static void addValues(final List<IndexedParam> out, final String name, final RestSearchParameterTypeEnum type, final IBase value) {
    switch (type) {
      case TOKEN -> {
        tokens(out, name, value);
        TokenExtras.add(out, name, value);
      }
      case STRING -> strings(out, name, value);
      case DATE -> dates(out, name, value);
      case REFERENCE -> references(out, name, value);
      case URI -> {
        if (value instanceof PrimitiveType<?> prim && prim.hasValue()) {
          out.add(new IndexedParam.Uri(name, prim.getValueAsString()));
        }
      }
      case NUMBER -> NumericValues.number(name, value).ifPresent(out::add);
      case QUANTITY -> NumericValues.quantity(name, value).ifPresent(out::add);
      default -> { }
    }
  }

  private static void tokens(final List<IndexedParam> out, final String name, final IBase value) {
    if (value instanceof Identifier id) {
      token(out, name, id.getSystem(), id.getValue());
    } else if (value instanceof CodeableConcept cc) {
      for (final Coding c : cc.getCoding()) {
        token(out, name, c.getSystem(), c.getCode());
      }
    } else if (value instanceof Coding c) {
      token(out, name, c.getSystem(), c.getCode());
    } else if (value instanceof Enumeration<?> e) {
      token(out, name, e.getSystem(), e.getValueAsString());
    } else if (value instanceof BooleanType b) {
      token(out, name, null, b.hasValue() ? b.getValueAsString() : null);
    } else if (value instanceof ContactPoint cp) {
      token(out, name, null, cp.getValue());
    } else if (value instanceof PrimitiveType<?> prim) {
      token(out, name, null, prim.getValueAsString());
    }
  }

  static void token(final List<IndexedParam> out, final String name, final String system, final String code) {
    final String s = system == null || system.isEmpty() ? null : system;
    final String c = code == null || code.isEmpty() ? null : code;
    if (s != null || c != null) {
      out.add(new IndexedParam.Token(name, s, c));
    }
  }

  private static void strings(final List<IndexedParam> out, final String name, final IBase value) {
    if (value instanceof HumanName n) {
      string(out, name, n.getFamily());
      n.getGiven().forEach(g -> string(out, name, g.getValue()));
      n.getPrefix().forEach(g -> string(out, name, g.getValue()));
      n.getSuffix().forEach(g -> string(out, name, g.getValue()));
      string(out, name, n.getText());
    } else if (value instanceof Address a) {
      a.getLine().forEach(l -> string(out, name, l.getValue()));
      string(out, name, a.getCity());
      string(out, name, a.getDistrict());
      string(out, name, a.getState());
      string(out, name, a.getPostalCode());
      string(out, name, a.getCountry());
      string(out, name, a.getText());
    } else if (value instanceof PrimitiveType<?> prim) {
      string(out, name, prim.getValueAsString());
    }
  }

  static void string(final List<IndexedParam> out, final String name, final String s) {
    if (s != null && !s.isBlank()) {
      out.add(new IndexedParam.Str(name, SearchParamNormalizer.normalize(s), s));
    }
  }

  private static void dates(final List<IndexedParam> out, final String name, final IBase value) {
    try {
      if (value instanceof Period p) {
        if (p.hasStart() || p.hasEnd()) {
          out.add(new IndexedParam.Date(name, p.hasStart() ? DateRanges.parse(p.getStartElement().getValueAsString()).low() : DateRanges.MIN,
              p.hasEnd() ? DateRanges.parse(p.getEndElement().getValueAsString()).high() : DateRanges.MAX));
        }
      } else if (value instanceof Timing t) {
        t.getEvent().forEach(e -> dates(out, name, e));
      } else if (value instanceof PrimitiveType<?> prim && prim.hasValue()) {
        final DateRanges.Range r = DateRanges.parse(prim.getValueAsString());
        out.add(new IndexedParam.Date(name, r.low(), r.high()));
      }
    } catch (final IllegalArgumentException e) {
      LOG.debug("date not indexed param={}", name, e);
    }
  }

  private static void references(final List<IndexedParam> out, final String name, final IBase value) {
    if (value instanceof Reference r) {
      if (r.hasReference()) {
        reference(out, name, r.getReference());
      }
      if (r.hasIdentifier()) {
        token(out, name + IDENTIFIER_SUFFIX, r.getIdentifier().getSystem(), r.getIdentifier().getValue());
      }
    } else if (value instanceof UriType u && u.hasValue()) {
      // canonical and uri values of reference parameters (e.g. Questionnaire of a QuestionnaireResponse)
      out.add(new IndexedParam.Ref(name, null, null, u.getValue()));
    }
  }

  private static void reference(final List<IndexedParam> out, final String name, final String ref) {
    if (ref.startsWith("#")) {
      return;
    }
    if (ref.contains(":")) {
      out.add(new IndexedParam.Ref(name, null, null, ref));
      return;
    }
    final IdType id = new IdType(ref);
    if (id.hasResourceType() && id.hasIdPart()) {
      out.add(new IndexedParam.Ref(name, id.getResourceType(), id.getIdPart(), null));
    }
  }
}
