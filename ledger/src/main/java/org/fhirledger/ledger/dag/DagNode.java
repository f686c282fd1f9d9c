package org.fhirledger.ledger.dag;

import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;

/**
 * An interior Merkle-DAG node: the total content size and the ordered links to its children. Encoding
 * (our codec): version byte, total size i64, link count i32, then per link the child's id and size.
 * Its id is {@code ContentId.of(CODEC_DAG_NODE, encode())}. At most {@link #MAX_LINKS} links keep a node
 * well under 256 KiB (a link takes at most 51 bytes).
 */
public record DagNode(long size, List<DagLink> links) {
  public static final int ENCODING_VERSION = 1;
  public static final int MAX_LINKS = 4096;
  // 4-byte id length + shortest CID (36) + 8-byte size
  private static final int MIN_LINK_BYTES = 48;

  public DagNode {
    links = List.copyOf(links);
    if (links.size() < 2 || links.size() > MAX_LINKS) {
      throw new IllegalArgumentException("an interior node has 2.." + MAX_LINKS + " links, got " + links.size());
    }
    long sum = 0;
    for (final DagLink l : links) {
      sum = Math.addExact(sum, l.size());
    }
    if (sum != size) {
      throw new IllegalArgumentException("node size " + size + " is not the sum of its children's sizes " + sum);
    }
  }

  /** Builds the node over the given children; the size is their sum. */
  public static DagNode over(final List<DagLink> links) {
    long sum = 0;
    for (final DagLink l : links) {
      sum = Math.addExact(sum, l.size());
    }
    return new DagNode(sum, links);
  }

  public byte[] encode() {
    final ByteWriter out = new ByteWriter(13 + 51 * links.size());
    out.u8(ENCODING_VERSION).i64(size).i32(links.size());
    for (final DagLink l : links) {
      l.id().write(out);
      out.i64(l.size());
    }
    return out.toByteArray();
  }

  public ContentId id() {
    return ContentId.of(ContentId.CODEC_DAG_NODE, encode());
  }

  public static DagNode decode(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    in.expectVersion(ENCODING_VERSION, "dag node");
    final long size = in.i64();
    final int n = in.count(MAX_LINKS, MIN_LINK_BYTES);
    final List<DagLink> links = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      final ContentId id = ContentId.read(in);
      final long childSize = in.i64();
      if (childSize < 0) {
        throw new DecodingException("negative child size " + childSize);
      }
      links.add(new DagLink(id, childSize));
    }
    in.expectEnd();
    try {
      return new DagNode(size, links);
    } catch (final IllegalArgumentException | ArithmeticException e) {
      throw new DecodingException("invalid dag node: " + e.getMessage());
    }
  }
}
