package org.fhirledger.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A transaction Bundle that can be posted many times: each copy gets fresh {@code urn:uuid:} full URLs (and
 * every reference or identifier that repeats one of them), and every other identifier value of its resources
 * gets a copy suffix, so copies never collide on a condition or an identifier. References to resources
 * outside the bundle (Synthea's conditional references to providers) are kept.
 *
 * <p>The bundle is parsed once; a copy is made by filling slots in the compact JSON, so generating one costs
 * a string concatenation, not a JSON round trip.
 */
public final class BundleTemplate {
  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final String MARK = "\u00a7\u00a7";
  private static final Pattern SLOT = Pattern.compile(MARK + "(U\\d+|C)" + MARK);
  private static final int COPY_SLOT = -1;

  private final String name;
  private final List<String> literals;
  private final int[] slots;
  private final int uuids;
  private final int entries;

  private BundleTemplate(final String name, final List<String> literals, final int[] slots, final int uuids, final int entries) {
    this.name = name;
    this.literals = literals;
    this.slots = slots;
    this.uuids = uuids;
    this.entries = entries;
  }

  /** Builds a template from a transaction Bundle. */
  public static BundleTemplate of(final String name, final JsonNode bundle, final ObjectMapper mapper) {
    if (!"Bundle".equals(bundle.path("resourceType").asText()) || !"transaction".equals(bundle.path("type").asText())) {
      throw new IllegalArgumentException(name + " is not a transaction Bundle");
    }
    final ObjectNode copy = bundle.deepCopy();
    final Map<String, Integer> local = new HashMap<>();
    final ArrayNode entryArray = copy.withArray("entry");
    for (final JsonNode e : entryArray) {
      final String fullUrl = e.path("fullUrl").asText("");
      if (fullUrl.startsWith("urn:uuid:")) {
        local.putIfAbsent(fullUrl.substring(9).toLowerCase(java.util.Locale.ROOT), local.size());
      }
    }
    for (final JsonNode e : entryArray) {
      final JsonNode identifiers = e.path("resource").path("identifier");
      if (identifiers.isArray()) {
        for (final JsonNode id : identifiers) {
          final JsonNode value = id.get("value");
          if (id instanceof ObjectNode o && value != null && value.isTextual() && !local.containsKey(value.asText().toLowerCase(java.util.Locale.ROOT))) {
            o.put("value", value.asText() + MARK + "C" + MARK);
          }
        }
      }
    }
    markLocalUuids(copy, local);
    final String compact;
    try {
      compact = mapper.writeValueAsString(copy);
    } catch (final com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    final List<String> literals = new ArrayList<>();
    final List<Integer> slots = new ArrayList<>();
    final Matcher m = SLOT.matcher(compact);
    int at = 0;
    while (m.find()) {
      literals.add(compact.substring(at, m.start()));
      slots.add("C".equals(m.group(1)) ? COPY_SLOT : Integer.parseInt(m.group(1).substring(1)));
      at = m.end();
    }
    literals.add(compact.substring(at));
    return new BundleTemplate(name, List.copyOf(literals), slots.stream().mapToInt(Integer::intValue).toArray(), local.size(),
        entryArray.size());
  }

  /** Replaces every bundle-local UUID inside any string value with its slot. */
  private static void markLocalUuids(final JsonNode node, final Map<String, Integer> local) {
    if (node instanceof ObjectNode o) {
      final List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (final String field : names) {
        final JsonNode child = o.get(field);
        if (child.isTextual()) {
          o.set(field, mark(child.asText(), local));
        } else {
          markLocalUuids(child, local);
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i).isTextual()) {
          a.set(i, mark(a.get(i).asText(), local));
        } else {
          markLocalUuids(a.get(i), local);
        }
      }
    }
  }

  private static TextNode mark(final String text, final Map<String, Integer> local) {
    final Matcher m = UUID.matcher(text);
    final StringBuilder out = new StringBuilder();
    boolean changed = false;
    while (m.find()) {
      final Integer slot = local.get(m.group().toLowerCase(java.util.Locale.ROOT));
      if (slot != null) {
        m.appendReplacement(out, MARK + "U" + slot + MARK);
        changed = true;
      }
    }
    if (!changed) {
      return TextNode.valueOf(text);
    }
    m.appendTail(out);
    return TextNode.valueOf(out.toString());
  }

  /** Copy number {@code copy}, with UUIDs drawn from {@code random}. */
  public String instantiate(final long copy, final SplittableRandom random) {
    final String[] fresh = new String[uuids];
    for (int i = 0; i < uuids; i++) {
      fresh[i] = new java.util.UUID((random.nextLong() & ~0xF000L) | 0x4000L, (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    }
    final String suffix = "-b" + copy;
    final StringBuilder sb = new StringBuilder(literals.stream().mapToInt(String::length).sum() + slots.length * 40);
    for (int i = 0; i < slots.length; i++) {
      sb.append(literals.get(i)).append(slots[i] == COPY_SLOT ? suffix : fresh[slots[i]]);
    }
    return sb.append(literals.get(literals.size() - 1)).toString();
  }

  public String name() {
    return name;
  }

  /** Resources one copy creates. */
  public int entries() {
    return entries;
  }
}
