package org.fhirledger.server.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;

/**
 * A search parameter path of the simple shapes that make up almost all of R4's (2,400 of 2,500): a chain of child
 * names from the resource ({@code Patient.name.family}), a type filter ({@code (Observation.value as Quantity)},
 * then more names), {@code where(resolve() is Patient)} and {@code where(system='phone')}, walked directly over HAPI's
 * R4 model ({@link Base#listChildrenByName}, a generated switch on the name's hash).
 *
 * <p>The same answers as HAPI's FHIRPath engine (configured as HAPI configures it: {@code as} case-insensitive and
 * not limited to one item), without its per-evaluation type lookups in the worker context. Where the engine would
 * do something this walk does not model (a contained {@code #ref} to resolve, an equality over several values), the
 * walk gives up for that resource ({@link #evaluate} answers empty) and the caller asks the engine; a path of any
 * other shape is not compiled at all ({@link #compile} answers empty). {@code SearchParamExtractorParityTest} checks
 * both against the engine over every parameter of the Synthea resources.
 */
final class CompiledPath {
  private static final Pattern NAME = Pattern.compile("[a-z][A-Za-z0-9]*");
  private static final Pattern TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
  private static final Pattern AS = Pattern.compile("^\\(?([A-Za-z][A-Za-z0-9.]*) as ([A-Za-z][A-Za-z0-9]*)(\\)(\\..*)?)?$");
  private static final Pattern RESOLVE_IS = Pattern.compile("where\\(resolve\\(\\) is ([A-Z][A-Za-z0-9]*)\\)");
  private static final Pattern WHERE_EQUALS = Pattern.compile("where\\(([a-z][A-Za-z0-9]*)='([^'\\\\]*)'\\)");

  /** One step of the walk: items in, items out; null when the walk cannot answer as the engine would. */
  private interface Step {
    List<Base> apply(List<Base> items);
  }

  private final List<Step> steps;

  private CompiledPath(final List<Step> steps) {
    this.steps = List.copyOf(steps);
  }

  /**
   * The path compiled, if it has one of the simple shapes; {@code path} is rooted at {@code type} (as
   * {@link SearchParamExtractor#forType} leaves it).
   *
   * @param resourceTypes the resource types {@code resolve()} knows (the reference's type must be one)
   */
  static Optional<CompiledPath> compile(final String path, final String type, final Set<String> resourceTypes) {
    String chain = path;
    String asType = null;
    String after = "";
    final Matcher as = AS.matcher(path);
    if (as.matches()) {
      final boolean parenthesized = path.startsWith("(");
      if (parenthesized != (as.group(3) != null)) {
        return Optional.empty();
      }
      chain = as.group(1);
      asType = as.group(2);
      after = as.group(4) == null ? "" : as.group(4).substring(1);
    } else if (path.indexOf('(') >= 0 && !path.contains(".where(")) {
      return Optional.empty();
    }
    final List<String> parts = split(chain);
    if (parts.isEmpty() || !parts.get(0).equals(type)) {
      return Optional.empty();
    }
    final List<Step> steps = new ArrayList<>();
    for (final String part : parts.subList(1, parts.size())) {
      final Optional<Step> step = step(part, resourceTypes);
      if (step.isEmpty()) {
        return Optional.empty();
      }
      steps.add(step.get());
    }
    if (asType != null) {
      final String wanted = asType;
      steps.add(items -> items.stream().filter(b -> b.fhirType().equalsIgnoreCase(wanted)).toList());
      for (final String part : after.isEmpty() ? List.<String>of() : split(after)) {
        final Optional<Step> step = step(part, resourceTypes);
        if (step.isEmpty()) {
          return Optional.empty();
        }
        steps.add(step.get());
      }
    }
    return Optional.of(new CompiledPath(steps));
  }

  /**
   * The elements the path selects in {@code resource}, or empty when this walk cannot answer as the engine would
   * (the caller then evaluates the path with the engine).
   */
  Optional<List<Base>> evaluate(final Base resource) {
    List<Base> items = List.of(resource);
    for (final Step step : steps) {
      if (items.isEmpty()) {
        return Optional.of(List.of());
      }
      items = step.apply(items);
      if (items == null) {
        return Optional.empty();
      }
    }
    return Optional.of(items);
  }

  /** The dot-separated parts of a chain, dots inside parentheses or quotes kept. */
  private static List<String> split(final String chain) {
    final List<String> parts = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < chain.length(); i++) {
      final char c = chain.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
      } else if (!quoted && depth == 0 && c == '.') {
        parts.add(chain.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(chain.substring(start));
    return parts;
  }

  private static Optional<Step> step(final String part, final Set<String> resourceTypes) {
    if (NAME.matcher(part).matches()) {
      return Optional.of(items -> children(items, part));
    }
    final Matcher resolveIs = RESOLVE_IS.matcher(part);
    if (resolveIs.matches()) {
      final String wanted = resolveIs.group(1);
      return Optional.of(items -> resolvesTo(items, wanted, resourceTypes));
    }
    final Matcher equals = WHERE_EQUALS.matcher(part);
    if (equals.matches() && TYPE.matcher(equals.group(1)).matches()) {
      final String child = equals.group(1);
      final String literal = equals.group(2);
      return Optional.of(items -> childEquals(items, child, literal));
    }
    return Optional.empty();
  }

  /** The engine's child step: every non-null child of that name; an id is made unqualified and versionless. */
  private static List<Base> children(final List<Base> items, final String name) {
    final List<Base> out = new ArrayList<>();
    for (final Base item : items) {
      final Base[] children = item.listChildrenByName(name, false);
      if (children == null) {
        continue;
      }
      for (final Base child : children) {
        if (child instanceof IIdType id) {
          out.add((Base) id.toUnqualifiedVersionless().withResourceType(null));
        } else if (child != null) {
          out.add(child);
        }
      }
    }
    return out;
  }

  /**
   * {@code where(resolve() is T)} as the extractor's engine answers it: a reference resolves to an empty resource
   * of the type its {@code Type/id} names. A contained {@code #ref} (the engine looks in the resource) or a
   * non-Reference item gives up.
   */
  private static List<Base> resolvesTo(final List<Base> items, final String wanted, final Set<String> resourceTypes) {
    final List<Base> out = new ArrayList<>();
    for (final Base item : items) {
      if (!(item instanceof Reference ref)) {
        return null;
      }
      final String value = ref.getReferenceElement_().getValue();
      if (value == null) {
        continue;
      }
      if (value.startsWith("#")) {
        return null;
      }
      final IdType id = new IdType(value);
      if (id.hasResourceType() && resourceTypes.contains(id.getResourceType()) && id.getResourceType().equals(wanted)) {
        out.add(item);
      }
    }
    return out;
  }

  /** {@code where(child='literal')}: a single primitive child equal to the literal; several values give up. */
  private static List<Base> childEquals(final List<Base> items, final String child, final String literal) {
    final List<Base> out = new ArrayList<>();
    for (final Base item : items) {
      final Base[] values = item.listChildrenByName(child, false);
      final int n = values == null ? 0 : values.length;
      if (n == 0) {
        continue;
      }
      if (n > 1 || !(values[0] instanceof PrimitiveType<?> prim)) {
        return null;
      }
      if (prim.hasValue() && literal.equals(prim.getValueAsString())) {
        out.add(item);
      }
    }
    return out;
  }
}
