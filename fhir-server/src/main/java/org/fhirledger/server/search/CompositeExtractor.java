package org.fhirledger.server.search;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.fhirledger.server.index.IndexedParam;
import org.fhirledger.server.index.SharedParamRows;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composite parameters, built from HAPI's {@link RuntimeSearchParam#getComponents()}: the composite's path selects
 * root elements (the Observation, each Observation.component, each useContext) and each component parameter's path,
 * made relative to the root it lies under, selects that component's values within one root element. One index row
 * per pair of values from the same root element, so a component's code is never paired with another's value.
 * A composite whose component paths do not lie under its roots (four MolecularSequence coordinates) is not indexed.
 */
final class CompositeExtractor {
  private static final Logger LOG = LoggerFactory.getLogger(CompositeExtractor.class);

  /** Turns one element selected by a component's path into index values of that component's type. */
  @FunctionalInterface
  interface ValueConverter {
    List<IndexedParam> values(String name, RestSearchParameterTypeEnum type, IBase element);
  }

  /** Compiles a path whose first name must be the given root type. */
  @FunctionalInterface
  interface PathCompiler {
    SearchParamExtractor.Path compile(String path, String rootType);
  }

  /** Evaluates a compiled path on an element. */
  @FunctionalInterface
  interface PathEvaluator {
    List<? extends IBase> evaluate(IBase input, SearchParamExtractor.Path path);
  }

  /** The root name that paths relative to a composite's root element are compiled under. */
  private static final String RELATIVE_ROOT = "Element";

  private final SearchParamRegistry registry;
  private final PathCompiler compiler;
  private final Map<String, List<CompiledComposite>> byType = new ConcurrentHashMap<>();

  /** One component: its parameter's name and type. */
  record Component(String name, RestSearchParameterTypeEnum type) {}

  /** A root path with, per component, the paths relative to it. */
  private record Root(SearchParamExtractor.Path path, List<List<SearchParamExtractor.Path>> componentPaths) {}

  private record CompiledComposite(String name, List<Component> components, List<Root> roots) {}

  CompositeExtractor(final SearchParamRegistry registry, final PathCompiler compiler) {
    this.registry = registry;
    this.compiler = compiler;
  }

  /**
   * The two component parameters of a composite parameter of {@code type} (base or custom, found by url), or empty
   * if it has not two non-composite ones.
   */
  static Optional<List<RuntimeSearchParam>> components(final SearchParamRegistry registry, final String type, final RuntimeSearchParam sp) {
    if (sp.getComponents().size() != 2) {
      return Optional.empty();
    }
    final List<RuntimeSearchParam> parts = new ArrayList<>();
    for (final RuntimeSearchParam.Component c : sp.getComponents()) {
      final Optional<RuntimeSearchParam> part = c.getReference() == null ? Optional.empty() : registry.byUrl(type, c.getReference());
      if (part.isEmpty() || part.get().getParamType() == RestSearchParameterTypeEnum.COMPOSITE) {
        return Optional.empty();
      }
      parts.add(part.get());
    }
    return Optional.of(List.copyOf(parts));
  }

  /** Every composite row of {@code resource}. */
  List<IndexedParam> extract(final Resource resource, final ValueConverter converter, final PathEvaluator evaluator) {
    final List<IndexedParam> out = new ArrayList<>();
    for (final CompiledComposite c : compiled(resource.fhirType())) {
      for (final Root root : c.roots()) {
        for (final IBase element : evaluate(evaluator, resource, root.path())) {
          final List<IndexedParam> firsts = componentValues(element, root.componentPaths().get(0), c.components().get(0), converter, evaluator);
          final List<IndexedParam> seconds = componentValues(element, root.componentPaths().get(1), c.components().get(1), converter, evaluator);
          for (final IndexedParam first : firsts) {
            for (final IndexedParam second : seconds) {
              out.add(new IndexedParam.Composite(c.name(), first, second));
            }
          }
        }
      }
    }
    return out;
  }

  private static List<IndexedParam> componentValues(final IBase element, final List<SearchParamExtractor.Path> paths, final Component component,
      final ValueConverter converter, final PathEvaluator evaluator) {
    final List<IndexedParam> out = new ArrayList<>();
    for (final SearchParamExtractor.Path path : paths) {
      for (final IBase value : evaluate(evaluator, element, path)) {
        // Only the component's own rows: token :text and :of-type rows carry derived names.
        converter.values(component.name(), component.type(), value).stream().filter(v -> v.name().equals(component.name())).forEach(out::add);
      }
    }
    return out;
  }

  private static List<? extends IBase> evaluate(final PathEvaluator evaluator, final IBase input, final SearchParamExtractor.Path path) {
    try {
      return evaluator.evaluate(input, path);
    } catch (final RuntimeException e) {
      LOG.debug("composite path failed", e);
      return List.of();
    }
  }

  private List<CompiledComposite> compiled(final String type) {
    return byType.computeIfAbsent(type, t -> {
      final List<CompiledComposite> list = new ArrayList<>();
      for (final RuntimeSearchParam sp : registry.forType(t)) {
        if (sp.getParamType() == RestSearchParameterTypeEnum.COMPOSITE && !SharedParamRows.isShared(t, sp.getName())) {
          compile(t, sp).ifPresent(list::add);
        }
      }
      return List.copyOf(list);
    });
  }

  private Optional<CompiledComposite> compile(final String type, final RuntimeSearchParam sp) {
    final Optional<List<RuntimeSearchParam>> found = components(registry, type, sp);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    final List<RuntimeSearchParam> parts = found.get();
    final List<String> rootPaths = paths(sp, type);
    final List<Root> roots = new ArrayList<>();
    for (final String rootPath : rootPaths) {
      final List<List<SearchParamExtractor.Path>> componentPaths = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        final List<SearchParamExtractor.Path> relative = new ArrayList<>();
        for (final String p : paths(parts.get(i), type)) {
          relativeTo(p, rootPath, rootPaths).flatMap(r -> parse(r, RELATIVE_ROOT)).ifPresent(relative::add);
        }
        // A SearchParameter's component states its expression relative to the composite's; the R4 base
        // definitions' components are matched by path above, so this only serves custom composites.
        final String own = sp.getComponents().get(i).getExpression();
        if (relative.isEmpty() && own != null && !own.isBlank()) {
          parse(own, RELATIVE_ROOT).ifPresent(relative::add);
        }
        componentPaths.add(relative);
      }
      if (componentPaths.stream().noneMatch(List::isEmpty)) {
        parse(rootPath, type).ifPresent(root -> roots.add(new Root(root, List.copyOf(componentPaths))));
      }
    }
    if (roots.isEmpty()) {
      LOG.debug("composite not indexed: component paths are not under its roots type={} param={}", type, sp.getName());
      return Optional.empty();
    }
    final List<Component> components = parts.stream().map(p -> new Component(p.getName(), p.getParamType())).toList();
    return Optional.of(new CompiledComposite(sp.getName(), components, List.copyOf(roots)));
  }

  /**
   * The path compiled; a path relative to a root element ({@code code}, {@code (value as Quantity)}) is walked under
   * a placeholder root name, since the walk starts at whatever element it is given.
   */
  private Optional<SearchParamExtractor.Path> parse(final String path, final String rootType) {
    try {
      if (RELATIVE_ROOT.equals(rootType)) {
        final SearchParamExtractor.Path engineOnly = compiler.compile(path, rootType);
        final String rooted = path.startsWith("(") ? "(" + RELATIVE_ROOT + "." + path.substring(1) : RELATIVE_ROOT + "." + path;
        final SearchParamExtractor.Path walkable = compiler.compile(rooted, rootType);
        return Optional.of(new SearchParamExtractor.Path(walkable.walk(), engineOnly.parsed()));
      }
      return Optional.of(compiler.compile(path, rootType));
    } catch (final Exception e) {
      LOG.debug("composite path not parsed path={}", path, e);
      return Optional.empty();
    }
  }

  private static List<String> paths(final RuntimeSearchParam sp, final String type) {
    return sp.getPathsSplit().stream().map(p -> SearchParamExtractor.forType(p.trim(), type)).filter(p -> p != null).toList();
  }

  /**
   * {@code path} made relative to {@code root}, if the longest of {@code roots} it lies under is {@code root}:
   * {@code (Observation.component.value as Quantity)} under {@code Observation.component} is {@code (value as Quantity)}.
   */
  static Optional<String> relativeTo(final String path, final String root, final List<String> roots) {
    final boolean paren = path.startsWith("(");
    final String body = paren ? path.substring(1) : path;
    final Optional<String> longest = roots.stream().filter(r -> body.startsWith(r + ".")).max(Comparator.comparingInt(String::length));
    if (longest.isEmpty() || !longest.get().equals(root)) {
      return Optional.empty();
    }
    return Optional.of((paren ? "(" : "") + body.substring(root.length() + 1));
  }
}
