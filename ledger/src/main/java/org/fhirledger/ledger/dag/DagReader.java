package org.fhirledger.ledger.dag;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.fhirledger.ledger.codec.DecodingException;

/**
 * Reads content back from its Merkle-DAG. Every chunk is checked against its id and every child's size
 * against what its parent declares, so a source (a peer, a damaged disk) can withhold content but never
 * change it: a missing chunk gives {@link DagException.MissingChunk}, anything else wrong
 * {@link DagException.CorruptChunk}. Stateless and thread-safe.
 */
public final class DagReader {
  /** Deeper than any DAG the builder makes (4096-way fan-out); stops a crafted chain of nodes from exhausting the stack. */
  public static final int MAX_DEPTH = 32;
  private static final int MAX_IN_MEMORY = Integer.MAX_VALUE - 64;

  private DagReader() {}

  /** The whole content in memory; for content that fits in one array. */
  public static byte[] read(final ContentId root, final ChunkSource source) {
    final byte[] first = fetch(root, source);
    if (root.codec() == ContentId.CODEC_RAW) {
      return first;
    }
    final DagNode node = decodeNode(root, first);
    if (node.size() > MAX_IN_MEMORY) {
      throw new DagException(root, "content of " + node.size() + " bytes does not fit in memory; stream it");
    }
    final ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(node.size(), 1 << 20));
    try {
      writeChildren(root, node, source, out, 1);
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Writes the content to {@code out} chunk by chunk and returns its size. On a missing or corrupt chunk the
   * bytes before it have already been written: callers that forward the stream must discard it.
   */
  public static long stream(final ContentId root, final ChunkSource source, final OutputStream out) throws IOException {
    return write(root, -1, source, out, 0);
  }

  /**
   * The distinct ids of the DAG's chunks, root first, depth first: what a node must hold to serve the content.
   * Each shared subtree is visited once, so the work is bounded by the distinct chunks.
   */
  public static List<ContentId> chunkIds(final ContentId root, final ChunkSource source) {
    final Set<ContentId> ids = new LinkedHashSet<>();
    collect(root, source, ids, 0);
    return List.copyOf(ids);
  }

  /**
   * The distinct leaf (raw) ids of the DAG in the order of first appearance, read from its interior nodes alone
   * (the leaves themselves are not asked for), each interior node checked against its id and its size against
   * its parent's link ({@code expectedSize} for the root, -1 for no check). What a validator needs to know which
   * leaves large content has, when only the interior nodes travel with the block.
   */
  public static List<ContentId> leafIds(final ContentId root, final long expectedSize, final ChunkSource interior) {
    final Set<ContentId> leaves = new LinkedHashSet<>();
    collectLeaves(root, expectedSize, interior, leaves, new java.util.HashSet<>(), 0);
    return List.copyOf(leaves);
  }

  private static void collectLeaves(final ContentId id, final long expectedSize, final ChunkSource interior, final Set<ContentId> leaves,
      final Set<ContentId> visited, final int depth) {
    checkDepth(id, depth);
    if (id.codec() == ContentId.CODEC_RAW) {
      leaves.add(id);
      return;
    }
    if (id.codec() != ContentId.CODEC_DAG_NODE) {
      throw unknownCodec(id);
    }
    final DagNode node = decodeNode(id, fetch(id, interior));
    checkSize(id, expectedSize, node.size());
    if (!visited.add(id)) {
      return;
    }
    long sum = 0;
    for (final DagLink l : node.links()) {
      sum += l.size();
      collectLeaves(l.id(), l.size(), interior, leaves, visited, depth + 1);
    }
    if (sum != node.size()) {
      throw new DagException.CorruptChunk(id, "children hold " + sum + " bytes, node says " + node.size());
    }
  }

  private static void collect(final ContentId id, final ChunkSource source, final Set<ContentId> ids, final int depth) {
    checkDepth(id, depth);
    if (!ids.add(id)) {
      return;
    }
    if (id.codec() == ContentId.CODEC_DAG_NODE) {
      for (final DagLink l : decodeNode(id, fetch(id, source)).links()) {
        collect(l.id(), source, ids, depth + 1);
      }
    } else if (id.codec() != ContentId.CODEC_RAW) {
      throw unknownCodec(id);
    }
  }

  private static long write(final ContentId id, final long expectedSize, final ChunkSource source, final OutputStream out, final int depth)
      throws IOException {
    checkDepth(id, depth);
    final byte[] bytes = fetch(id, source);
    if (id.codec() == ContentId.CODEC_RAW) {
      checkSize(id, expectedSize, bytes.length);
      out.write(bytes);
      return bytes.length;
    }
    if (id.codec() != ContentId.CODEC_DAG_NODE) {
      throw unknownCodec(id);
    }
    final DagNode node = decodeNode(id, bytes);
    checkSize(id, expectedSize, node.size());
    writeChildren(id, node, source, out, depth + 1);
    return node.size();
  }

  private static void writeChildren(final ContentId parent, final DagNode node, final ChunkSource source, final OutputStream out, final int depth)
      throws IOException {
    long written = 0;
    for (final DagLink child : node.links()) {
      written += write(child.id(), child.size(), source, out, depth);
    }
    if (written != node.size()) {
      throw new DagException.CorruptChunk(parent, "children hold " + written + " bytes, node says " + node.size());
    }
  }

  private static byte[] fetch(final ContentId id, final ChunkSource source) {
    final byte[] bytes = source.chunk(id).orElseThrow(() -> new DagException.MissingChunk(id));
    if (!id.matches(bytes)) {
      throw new DagException.CorruptChunk(id, "bytes do not hash to the id");
    }
    return bytes;
  }

  private static DagNode decodeNode(final ContentId id, final byte[] bytes) {
    try {
      return DagNode.decode(bytes);
    } catch (final DecodingException e) {
      throw new DagException.CorruptChunk(id, e.getMessage());
    }
  }

  private static void checkSize(final ContentId id, final long expected, final long actual) {
    if (expected >= 0 && expected != actual) {
      throw new DagException.CorruptChunk(id, "holds " + actual + " bytes, its parent says " + expected);
    }
  }

  private static void checkDepth(final ContentId id, final int depth) {
    if (depth > MAX_DEPTH) {
      throw new DagException.CorruptChunk(id, "DAG deeper than " + MAX_DEPTH);
    }
  }

  private static DagException unknownCodec(final ContentId id) {
    return new DagException.CorruptChunk(id, "unknown codec 0x" + Integer.toHexString(id.codec()));
  }
}
