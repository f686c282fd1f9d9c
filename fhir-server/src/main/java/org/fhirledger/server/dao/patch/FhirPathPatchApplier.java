package org.fhirledger.server.dao.patch;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.FhirPathExecutionException;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIRPath Patch (R4 fhirpatch.html) on the resource model: add, insert, delete, replace and move, each path
 * evaluated with HAPI's FHIRPath engine. Elements are changed through the model's own setProperty/removeChild,
 * so a value of the wrong type for its place is refused by the model (422). A malformed Parameters body is a
 * 400; a path that does not select exactly one element (delete: at most one) is a 422.
 */
final class FhirPathPatchApplier {
  private final FhirContext fhir;

  FhirPathPatchApplier(final FhirContext fhir) {
    this.fhir = fhir;
  }

  Resource apply(final Resource current, final Parameters patch) {
    // One engine per patch: HAPI does not promise that a FHIRPath engine is thread-safe, and the DAO is shared.
    final IFhirPath fhirPath = fhir.newFhirPath();
    final Resource target = current.copy();
    int n = 0;
    for (final ParametersParameterComponent op : patch.getParameter()) {
      if (!"operation".equals(op.getName())) {
        throw new InvalidRequestException("FHIRPath Patch parameter " + n + " is '" + op.getName() + "', not 'operation'");
      }
      try {
        applyOne(fhirPath, target, new Op(op, n));
      } catch (final FHIRException | ClassCastException | DataFormatException e) {
        throw new UnprocessableEntityException("FHIRPath Patch operation " + n + " could not be applied: " + e.getMessage());
      }
      n++;
    }
    return target;
  }

  private void applyOne(final IFhirPath fhirPath, final Resource target, final Op op) {
    final String type = op.required("type");
    if ("add".equals(type)) {
      final Base container = single(fhirPath, target, op.required("path"), op);
      final String name = op.required("name");
      final Property p = property(container, name, op);
      if (p.getMaxCardinality() == 1 && p.hasValues()) {
        throw new UnprocessableEntityException(op + ": " + name + " is already present; use replace");
      }
      container.setProperty(p.getName(), op.value(container, p.getName()));
    } else if ("insert".equals(type)) {
      final ListPlace list = listAt(fhirPath, target, op.required("path"), op);
      final int index = op.integer("index");
      if (index < 0 || index > list.values().size()) {
        throw new UnprocessableEntityException(op + ": index " + index + " is outside 0.." + list.values().size());
      }
      final List<Base> values = new ArrayList<>(list.values());
      values.add(index, op.value(list.container(), list.name()));
      list.replaceAll(values);
    } else if ("delete".equals(type)) {
      final List<Base> found = evaluate(fhirPath, target, op.required("path"), op);
      if (found.size() > 1) {
        throw new UnprocessableEntityException(op + ": the path selects " + found.size() + " elements; delete removes one");
      }
      if (found.size() == 1) {
        final Place place = placeOf(target, found.get(0), op);
        place.parent().removeChild(place.name(), found.get(0));
      }
    } else if ("replace".equals(type)) {
      final Base old = single(fhirPath, target, op.required("path"), op);
      final Place place = placeOf(target, old, op);
      final Base value = op.value(place.parent(), place.name());
      final Property p = property(place.parent(), place.name(), op);
      if (p.getMaxCardinality() == 1) {
        place.parent().setProperty(p.getName(), value);
      } else {
        final ListPlace list = new ListPlace(place.parent(), p.getName(), p.getValues());
        final List<Base> values = new ArrayList<>(list.values());
        values.set(indexOfIdentity(values, old), value);
        list.replaceAll(values);
      }
    } else if ("move".equals(type)) {
      final ListPlace list = listAt(fhirPath, target, op.required("path"), op);
      final int source = op.integer("source");
      final int destination = op.integer("destination");
      final List<Base> values = new ArrayList<>(list.values());
      if (source < 0 || source >= values.size() || destination < 0 || destination >= values.size()) {
        throw new UnprocessableEntityException(op + ": source and destination must be within 0.." + (values.size() - 1));
      }
      values.add(destination, values.remove(source));
      list.replaceAll(values);
    } else {
      throw new InvalidRequestException(op + ": unknown type '" + type + "' (add, insert, delete, replace, move)");
    }
  }

  private static List<Base> evaluate(final IFhirPath fhirPath, final Resource target, final String path, final Op op) {
    try {
      return fhirPath.evaluate(target, path, Base.class);
    } catch (final FhirPathExecutionException | FHIRException e) {
      throw new InvalidRequestException(op + ": path '" + path + "' is not a valid FHIRPath expression: " + e.getMessage());
    }
  }

  private static Base single(final IFhirPath fhirPath, final Resource target, final String path, final Op op) {
    final List<Base> found = evaluate(fhirPath, target, path, op);
    if (found.size() != 1) {
      throw new UnprocessableEntityException(op + ": path '" + path + "' selects " + found.size() + " elements, not one");
    }
    return found.get(0);
  }

  /** The list a path names: the container (everything before the last step) and the element name (the last step). */
  private static ListPlace listAt(final IFhirPath fhirPath, final Resource target, final String path, final Op op) {
    final int dot = FhirPaths.lastTopLevelDot(path);
    final String name = dot < 0 ? "" : path.substring(dot + 1).trim();
    if (dot < 0 || !name.matches("[A-Za-z][A-Za-z0-9]*")) {
      throw new UnprocessableEntityException(op + ": path '" + path + "' must end in the name of a list element");
    }
    final Base container = single(fhirPath, target, path.substring(0, dot), op);
    final Property p = property(container, name, op);
    if (p.getMaxCardinality() == 1) {
      throw new UnprocessableEntityException(op + ": " + name + " is not a list");
    }
    return new ListPlace(container, p.getName(), p.getValues());
  }

  private static Property property(final Base container, final String name, final Op op) {
    final Property p = container.getNamedProperty(name);
    if (p == null) {
      throw new UnprocessableEntityException(op + ": " + container.fhirType() + " has no element '" + name + "'");
    }
    return p;
  }

  /** Where an element sits: found by identity, walking the resource, since FHIRPath returns the model's own objects. */
  private static Place placeOf(final Base root, final Base element, final Op op) {
    final Place found = find(root, element);
    if (found == null) {
      throw new UnprocessableEntityException(op + ": the path does not select an element of the resource itself");
    }
    return found;
  }

  private static Place find(final Base parent, final Base element) {
    for (final Property p : parent.children()) {
      for (final Base v : p.getValues()) {
        if (v == element) {
          return new Place(parent, p.getName());
        }
        final Place deeper = v == null ? null : find(v, element);
        if (deeper != null) {
          return deeper;
        }
      }
    }
    return null;
  }

  private static int indexOfIdentity(final List<Base> values, final Base element) {
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == element) {
        return i;
      }
    }
    throw new IllegalStateException("element not in its own list");
  }

  private record Place(Base parent, String name) {}

  private record ListPlace(Base container, String name, List<Base> values) {
    void replaceAll(final List<Base> newValues) {
      for (final Base v : List.copyOf(values)) {
        container.removeChild(name, v);
      }
      for (final Base v : newValues) {
        container.setProperty(name, v);
      }
    }
  }

  /** One operation's parts. */
  private static final class Op {
    private final ParametersParameterComponent param;
    private final int index;

    Op(final ParametersParameterComponent param, final int index) {
      this.param = param;
      this.index = index;
    }

    private ParametersParameterComponent part(final String name) {
      ParametersParameterComponent found = null;
      for (final ParametersParameterComponent p : param.getPart()) {
        if (name.equals(p.getName())) {
          if (found != null) {
            throw new InvalidRequestException(this + ": more than one '" + name + "'");
          }
          found = p;
        }
      }
      return found;
    }

    String required(final String name) {
      final ParametersParameterComponent p = part(name);
      if (p == null || p.getValue() == null || !p.getValue().isPrimitive() || p.getValue().primitiveValue() == null) {
        throw new InvalidRequestException(this + ": '" + name + "' is missing");
      }
      return p.getValue().primitiveValue();
    }

    int integer(final String name) {
      final ParametersParameterComponent p = part(name);
      if (p == null || !(p.getValue() instanceof IntegerType) || ((IntegerType) p.getValue()).getValue() == null) {
        throw new InvalidRequestException(this + ": '" + name + "' must be an integer");
      }
      return ((IntegerType) p.getValue()).getValue();
    }

    /** The value to place as {@code name} in {@code container}: value[x], or parts for a complex element. */
    Base value(final Base container, final String name) {
      final ParametersParameterComponent p = part("value");
      if (p == null) {
        throw new InvalidRequestException(this + ": 'value' is missing");
      }
      if (p.getValue() != null) {
        return p.getValue();
      }
      if (!p.hasPart()) {
        throw new InvalidRequestException(this + ": 'value' has neither a value nor parts");
      }
      // A complex value given as parts: make a detached element of the right type, then fill it in.
      final Base made = container.addChild(name);
      container.removeChild(name, made);
      fill(made, p.getPart());
      return made;
    }

    private void fill(final Base element, final List<ParametersParameterComponent> parts) {
      for (final ParametersParameterComponent part : parts) {
        if (part.getValue() != null) {
          element.setProperty(part.getName(), part.getValue());
        } else {
          fill(element.addChild(part.getName()), part.getPart());
        }
      }
    }

    @Override
    public String toString() {
      return "operation " + index;
    }
  }
}
