package org.fhirledger.ledger.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fhirledger.ledger.dag.DagRoundTripTest.content;
import static org.fhirledger.ledger.dag.DagRoundTripTest.sourceOf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.codec.DecodingException;
import org.junit.jupiter.api.Test;

class DagIntegrityTest {
  private static final int CHUNK = FixedSizeChunker.DEFAULT_CHUNK_SIZE;

  @Test
  void sameContentTwiceGivesTheSameChunks() {
    final byte[] content = content(CHUNK * 2 + 5, 1);
    final Dag a = new DagBuilder().build(content);
    final Dag b = new DagBuilder().build(content.clone());
    assertThat(b.root()).isEqualTo(a.root());
    assertThat(b.chunks()).extracting(Chunk::id).containsExactlyElementsOf(a.chunks().stream().map(Chunk::id).toList());
  }

  @Test
  void repeatedLeavesAreEmittedOnce() {
    final Dag dag = new DagBuilder().build(new byte[CHUNK * 4]);
    // one distinct zero leaf plus the root node
    assertThat(dag.chunks()).hasSize(2);
    assertThat(DagReader.read(dag.root(), sourceOf(dag.chunks()))).isEqualTo(new byte[CHUNK * 4]);
  }

  @Test
  void contentSharingLeavesSharesThoseChunks() {
    final byte[] first = content(CHUNK * 3, 5);
    final byte[] second = first.clone();
    second[second.length - 1] ^= 1;
    final DagBuilder fixed = new DagBuilder(new FixedSizeChunker(), DagNode.MAX_LINKS);
    final List<ContentId> a = fixed.build(first).chunks().stream().map(Chunk::id).toList();
    final List<ContentId> b = fixed.build(second).chunks().stream().map(Chunk::id).toList();
    assertThat(b.subList(0, 2)).isEqualTo(a.subList(0, 2));
    assertThat(b.get(2)).isNotEqualTo(a.get(2));
  }

  @Property(tries = 20, seed = "99")
  void anyTamperedChunkIsDetected(@ForAll final long seed) {
    final Random random = new Random(seed);
    final Dag dag = new DagBuilder(new FixedSizeChunker(64), 3).build(content(1000, seed));
    final Chunk victim = dag.chunks().get(random.nextInt(dag.chunks().size()));
    final Map<ContentId, byte[]> map = new HashMap<>();
    dag.chunks().forEach(c -> map.put(c.id(), c.data()));
    final byte[] bad = victim.data();
    bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255));
    map.put(victim.id(), bad);

    assertThatThrownBy(() -> DagReader.read(dag.root(), id -> Optional.ofNullable(map.get(id))))
        .isInstanceOf(DagException.CorruptChunk.class)
        .satisfies(e -> assertThat(((DagException) e).id()).isEqualTo(victim.id()));
  }

  @Test
  void missingChunkIsNamed() {
    final Dag dag = new DagBuilder(new FixedSizeChunker(10), 2).build(content(100, 3));
    final ContentId gone = dag.chunks().get(4).id();
    final ChunkSource source = id -> id.equals(gone) ? Optional.empty() : sourceOf(dag.chunks()).chunk(id);
    assertThatThrownBy(() -> DagReader.read(dag.root(), source))
        .isInstanceOf(DagException.MissingChunk.class)
        .hasMessageContaining(gone.toString());
  }

  @Test
  void nodeThatLiesAboutAChildSizeIsRejected() {
    final byte[] a = content(10, 1);
    final byte[] b = content(10, 2);
    final ContentId ida = ContentId.of(ContentId.CODEC_RAW, a);
    final ContentId idb = ContentId.of(ContentId.CODEC_RAW, b);
    final DagNode liar = new DagNode(21, List.of(new DagLink(ida, 11), new DagLink(idb, 10)));
    final List<Chunk> chunks = List.of(new Chunk(ida, a), new Chunk(idb, b), new Chunk(liar.id(), liar.encode()));
    assertThatThrownBy(() -> DagReader.read(liar.id(), sourceOf(chunks)))
        .isInstanceOf(DagException.CorruptChunk.class)
        .hasMessageContaining("parent says 11");
  }

  @Test
  void craftedChainDeeperThanAnyBuiltDagIsRejected() {
    final byte[] leaf = new byte[] {1};
    final ContentId leafId = ContentId.of(ContentId.CODEC_RAW, leaf);
    final List<Chunk> chunks = new ArrayList<>(List.of(new Chunk(leafId, leaf)));
    DagLink top = new DagLink(leafId, 1);
    for (int i = 0; i < DagReader.MAX_DEPTH + 5; i++) {
      final DagNode node = DagNode.over(List.of(top, new DagLink(leafId, 1)));
      chunks.add(new Chunk(node.id(), node.encode()));
      top = new DagLink(node.id(), node.size());
    }
    final ContentId root = top.id();
    assertThatThrownBy(() -> DagReader.read(root, sourceOf(chunks))).isInstanceOf(DagException.CorruptChunk.class).hasMessageContaining("deeper");
  }

  @Test
  void fullInteriorNodeStaysUnderTheChunkSize() {
    final ContentId child = ContentId.of(ContentId.CODEC_DAG_NODE, new byte[] {1});
    final List<DagLink> links = new ArrayList<>();
    for (int i = 0; i < DagNode.MAX_LINKS; i++) {
      links.add(new DagLink(child, Long.MAX_VALUE / DagNode.MAX_LINKS));
    }
    final byte[] encoded = DagNode.over(links).encode();
    assertThat(encoded.length).isLessThan(CHUNK);
    assertThat(DagNode.decode(encoded)).isEqualTo(DagNode.over(links));
  }

  @Property(tries = 500, seed = "5")
  void randomBytesNeverDecodeAsANodeExceptByDecodingException(@ForAll final byte[] bytes) {
    try {
      DagNode.decode(bytes);
    } catch (final DecodingException expected) {
      // the only acceptable failure
    }
  }

  @Test
  void unknownCodecIsRejected() {
    final byte[] data = {1, 2, 3};
    final ContentId odd = ContentId.of(0x71, data);
    assertThatThrownBy(() -> DagReader.read(odd, id -> Optional.of(data))).isInstanceOf(DagException.CorruptChunk.class);
  }
}
