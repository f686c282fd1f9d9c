package org.fhirledger.ledger.dag;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fhirledger.ledger.chain.Chunk;

/**
 * Turns content into a Merkle-DAG (IPFS style). Content no longer than the chunker's maximum leaf (256 KiB
 * with the default {@link FastCdcChunker}: a FHIR resource's canonical JSON, almost always) is one raw leaf
 * whose id is {@code ContentId.of(CODEC_RAW, bytes)}. Larger content is cut by the chunker into leaves linked
 * by {@link DagNode}s, grouped {@code maxLinks} at a time, level by level, until one root remains. The shape
 * depends on the bytes only, so every node builds the same DAG and the same ids. Stateless and thread-safe.
 */
public final class DagBuilder {
  private final Chunker chunker;
  private final int maxLinks;

  /** The protocol's builder: FastCDC leaves (16 / 64 / 256 KiB), 4096 links per node. */
  public DagBuilder() {
    this(new FastCdcChunker(), DagNode.MAX_LINKS);
  }

  /** A builder with another chunker or a smaller fan-out (tests use tiny ones to get deep trees). */
  public DagBuilder(final Chunker chunker, final int maxLinks) {
    if (maxLinks < 2 || maxLinks > DagNode.MAX_LINKS) {
      throw new IllegalArgumentException("fan-out must be 2.." + DagNode.MAX_LINKS);
    }
    this.chunker = chunker;
    this.maxLinks = maxLinks;
  }

  /** The DAG of content held in memory, with all its distinct chunks. */
  public Dag build(final byte[] content) {
    final List<Chunk> chunks = new ArrayList<>();
    try {
      final DagLink root = build(new ByteArrayInputStream(content), chunks::add);
      return new Dag(root.id(), root.size(), chunks);
    } catch (final IOException e) {
      throw new UncheckedIOException("cannot happen: reading a byte array", e);
    }
  }

  /**
   * Streams content into chunks: each distinct chunk goes to the sink once, children before parents,
   * the root last. Besides the chunker's buffer only the links (about 100 bytes per leaf) are kept in memory.
   */
  public DagLink build(final InputStream content, final ChunkSink sink) throws IOException {
    final Set<ContentId> emitted = new HashSet<>();
    // one byte more than a single leaf may hold tells whether the content must be cut at all
    final byte[] head = content.readNBytes(chunker.maxChunkSize() + 1);
    if (head.length <= chunker.maxChunkSize()) {
      return emit(ContentId.CODEC_RAW, head, sink, emitted);
    }
    List<DagLink> level = new ArrayList<>();
    final Chunker.Leaves leaves = chunker.leaves(new SequenceInputStream(new ByteArrayInputStream(head), content));
    byte[] leaf;
    while ((leaf = leaves.next()) != null) {
      level.add(emit(ContentId.CODEC_RAW, leaf, sink, emitted));
    }
    while (level.size() > 1) {
      final List<DagLink> parents = new ArrayList<>((level.size() + maxLinks - 1) / maxLinks);
      for (int from = 0; from < level.size(); from += maxLinks) {
        final List<DagLink> group = level.subList(from, Math.min(level.size(), from + maxLinks));
        if (group.size() == 1) {
          // a lone trailing child moves up unchanged: a one-link node would add a level and no information
          parents.add(group.get(0));
        } else {
          final DagNode node = DagNode.over(group);
          parents.add(new DagLink(emit(ContentId.CODEC_DAG_NODE, node.encode(), sink, emitted).id(), node.size()));
        }
      }
      level = parents;
    }
    return level.get(0);
  }

  private static DagLink emit(final int codec, final byte[] bytes, final ChunkSink sink, final Set<ContentId> emitted) {
    final ContentId id = ContentId.of(codec, bytes);
    if (emitted.add(id)) {
      sink.accept(Chunk.wrap(id, bytes)); // the builder made these bytes and keeps no reference
    }
    return new DagLink(id, bytes.length);
  }
}
