package org.fhirledger.server.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.fhirledger.server.index.Criterion;
import org.fhirledger.server.index.Include;

/**
 * The parameters that move from one resource to another: chains ({@code subject:Patient.name=x},
 * {@code encounter.subject:Patient.family=x}), reverse chains ({@code _has:Observation:patient:code=x}, nested),
 * and {@code _include} / {@code _revinclude} values. The last link of a chain is an ordinary parameter of the
 * type reached, read by the {@link LeafParser} the request parser gives.
 */
final class NavigationParser {
  /** Reads an ordinary parameter ({@code name[:modifier]}) of a type; null when it is not supported. */
  @FunctionalInterface
  interface LeafParser {
    Criterion criterion(String type, String name, String modifier, List<String> values);
  }

  /** Deepest nesting of chains and {@code _has} in one parameter: each level is one more sub-select. */
  static final int MAX_DEPTH = 4;

  private final FhirContext fhir;
  private final Supplier<SearchParamRegistry> registry;
  private final LeafParser leaves;

  NavigationParser(final Supplier<SearchParamRegistry> registry, final LeafParser leaves) {
    this.fhir = registry.get().fhirContext();
    this.registry = registry;
    this.leaves = leaves;
  }

  /** Whether a query parameter name is a chain or a reverse chain. */
  static boolean isNavigation(final String key) {
    return key.startsWith("_has:") || key.indexOf('.') > 0;
  }

  /**
   * The criterion of a chained or {@code _has} parameter; null when its last link is not supported (400, or
   * ignored under lenient handling, as for any parameter). A chain whose links do not exist, or whose target
   * type is ambiguous, is a 400 with the reason.
   */
  Criterion criterion(final String type, final String key, final List<String> values) {
    return link(type, key, values, 0);
  }

  private Criterion link(final String type, final String key, final List<String> values, final int depth) {
    if (depth > MAX_DEPTH) {
      throw new InvalidRequestException("'" + key + "': chains and _has nest at most " + MAX_DEPTH + " levels deep");
    }
    if (key.startsWith("_has:")) {
      return has(type, key, values, depth);
    }
    final int dot = key.indexOf('.');
    if (dot < 0) {
      final int colon = key.indexOf(':');
      final String name = colon < 0 ? key : key.substring(0, colon);
      final String modifier = colon < 0 ? null : key.substring(colon + 1);
      if ("_id".equals(name) && modifier == null) {
        return new Criterion.Id(values.stream().map(SearchRequestParser::unescape).toList());
      }
      if ("_lastUpdated".equals(name) && modifier == null) {
        return new Criterion.LastUpdated(values.stream().map(SearchRequestParser::dateValue).toList());
      }
      return leaves.criterion(type, name, modifier, values);
    }
    return chain(type, key.substring(0, dot), key.substring(dot + 1), values, depth);
  }

  private Criterion chain(final String type, final String head, final String rest, final List<String> values, final int depth) {
    final int colon = head.indexOf(':');
    final String name = colon < 0 ? head : head.substring(0, colon);
    final String typeModifier = colon < 0 ? null : head.substring(colon + 1);
    final RuntimeSearchParam sp = referenceParam(type, name, head + "." + rest);
    final List<String> targets = new ArrayList<>();
    if (typeModifier != null) {
      if (!fhir.getResourceTypes().contains(typeModifier) || !(sp.getTargets().isEmpty() || sp.getTargets().contains(typeModifier))) {
        throw new InvalidRequestException("'" + head + "." + rest + "': " + type + "." + name + " cannot refer to a " + typeModifier);
      }
      targets.add(typeModifier);
    } else {
      final String next = firstName(rest);
      for (final String t : sp.getTargets().isEmpty() ? fhir.getResourceTypes() : sp.getTargets()) {
        if (fhir.getResourceTypes().contains(t) && defines(t, next)) {
          targets.add(t);
        }
      }
      if (targets.size() > 1) {
        throw new InvalidRequestException("'" + head + "." + rest + "' is ambiguous: " + type + "." + name + " may refer to "
            + String.join(", ", targets.stream().sorted().toList()) + "; name the type, e.g. " + name + ":" + targets.stream().sorted().findFirst().orElseThrow()
            + "." + rest);
      }
      if (targets.isEmpty()) {
        throw new InvalidRequestException("'" + head + "." + rest + "': no type that " + type + "." + name + " refers to has a search parameter '"
            + next + "'");
      }
    }
    final String target = targets.get(0);
    final Criterion inner = link(target, rest, values, depth + 1);
    return inner == null ? null : new Criterion.Chain(name, target, inner);
  }

  private Criterion has(final String type, final String key, final List<String> values, final int depth) {
    final String[] parts = key.split(":", 4);
    if (parts.length < 4 || parts[1].isEmpty() || parts[2].isEmpty() || parts[3].isEmpty()) {
      throw new InvalidRequestException("'" + key + "': _has is written _has:[type]:[reference parameter]:[parameter]");
    }
    final String source = parts[1];
    if (!fhir.getResourceTypes().contains(source)) {
      throw new InvalidRequestException("'" + key + "': '" + source + "' is not a resource type");
    }
    final RuntimeSearchParam sp = referenceParam(source, parts[2], key);
    if (!sp.getTargets().isEmpty() && !sp.getTargets().contains(type)) {
      throw new InvalidRequestException("'" + key + "': " + source + "." + parts[2] + " never refers to a " + type);
    }
    final Criterion inner = link(source, parts[3], values, depth + 1);
    return inner == null ? null : new Criterion.Has(source, parts[2], inner);
  }

  /**
   * The includes of one {@code _include} / {@code _revinclude} value: {@code Type:param[:targetType]}, or
   * {@code *} for {@code _include} (every reference of the resources it applies to).
   */
  List<Include> includes(final String type, final boolean reverse, final String modifier, final String raw) {
    final String what = reverse ? "_revinclude" : "_include";
    final boolean iterate = "iterate".equals(modifier) || "recurse".equals(modifier);
    if (modifier != null && !iterate) {
      throw new InvalidRequestException(what + ":" + modifier + " is not supported: use " + what + " or " + what + ":iterate");
    }
    final List<Include> out = new ArrayList<>();
    for (final String value : SearchRequestParser.splitOr(raw)) {
      if ("*".equals(value)) {
        if (reverse) {
          throw new InvalidRequestException("_revinclude=* is not supported: name the source type and parameter, e.g. _revinclude=Observation:subject");
        }
        out.add(new Include(false, null, null, null, iterate));
        continue;
      }
      final String[] parts = value.split(":", -1);
      if (parts.length < 2 || parts.length > 3) {
        throw new InvalidRequestException(what + "=" + value + ": write [type]:[reference parameter] or [type]:[reference parameter]:[target type]");
      }
      if (!fhir.getResourceTypes().contains(parts[0])) {
        throw new InvalidRequestException(what + "=" + value + ": '" + parts[0] + "' is not a resource type");
      }
      final RuntimeSearchParam sp = referenceParam(parts[0], parts[1], what + "=" + value);
      final String target = parts.length == 3 ? parts[2] : null;
      if (target != null && (!fhir.getResourceTypes().contains(target) || !(sp.getTargets().isEmpty() || sp.getTargets().contains(target)))) {
        throw new InvalidRequestException(what + "=" + value + ": " + parts[0] + "." + parts[1] + " cannot refer to a " + target);
      }
      if (!iterate && !reverse && !parts[0].equals(type)) {
        throw new InvalidRequestException("_include=" + value + " on a " + type + " search: the source type must be " + type
            + " (or use _include:iterate to follow included resources)");
      }
      if (!iterate && reverse && !sp.getTargets().isEmpty() && !sp.getTargets().contains(type)) {
        throw new InvalidRequestException("_revinclude=" + value + ": " + parts[0] + "." + parts[1] + " never refers to a " + type);
      }
      out.add(new Include(reverse, parts[0], parts[1], target, iterate));
    }
    return out;
  }

  private RuntimeSearchParam referenceParam(final String type, final String name, final String context) {
    final RuntimeSearchParam sp = registry.get().searchParam(type, name);
    if (sp == null || sp.getParamType() != RestSearchParameterTypeEnum.REFERENCE) {
      throw new InvalidRequestException("'" + context + "': " + type + " has no reference search parameter '" + name + "'");
    }
    return sp;
  }

  private boolean defines(final String type, final String name) {
    if (name.equals("_has") || name.equals("_id") || name.equals("_lastUpdated")) {
      return true;
    }
    return registry.get().get(type, name) != null;
  }

  /** The parameter name a chain's remainder starts with ({@code name} of {@code name:exact} or {@code subject:Patient.x}). */
  private static String firstName(final String rest) {
    if (rest.startsWith("_has:")) {
      return "_has";
    }
    int end = rest.length();
    for (final char c : new char[] {':', '.'}) {
      final int i = rest.indexOf(c);
      if (i >= 0) {
        end = Math.min(end, i);
      }
    }
    return rest.substring(0, end);
  }
}
