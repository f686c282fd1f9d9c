package org.fhirledger.ledger.dag;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.fhirledger.ledger.chain.Chunk;

class DagRoundTripTest {
  static final int CHUNK = FixedSizeChunker.DEFAULT_CHUNK_SIZE;

  static byte[] content(final int size, final long seed) {
    final byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static ChunkSource sourceOf(final List<Chunk> chunks) {
    final Map<ContentId, byte[]> map = new HashMap<>();
    chunks.forEach(c -> map.put(c.id(), c.data()));
    return id -> Optional.ofNullable(map.get(id)).map(byte[]::clone);
  }

  @Provide
  Arbitrary<Integer> sizes() {
    return Arbitraries.of(0, 1, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * 1024 * 1024 + 17);
  }

  @Property(tries = 16, seed = "42")
  void contentOfAnySizeReadsBackIdentically(@ForAll("sizes") final int size, @ForAll final long seed) throws IOException {
    final byte[] content = content(size, seed);
    final Dag dag = new DagBuilder().build(content);

    assertThat(dag.size()).isEqualTo(size);
    assertThat(DagReader.read(dag.root(), sourceOf(dag.chunks()))).isEqualTo(content);
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(DagReader.stream(dag.root(), sourceOf(dag.chunks()), out)).isEqualTo(size);
    assertThat(out.toByteArray()).isEqualTo(content);
    assertThat(dag.chunks()).allSatisfy(c -> assertThat(c.size()).isLessThan(CHUNK + 1));
    assertThat(dag.chunks().get(dag.chunks().size() - 1).id()).isEqualTo(dag.root());
  }

  @Property(tries = 16, seed = "7")
  void contentUpToTheChunkSizeIsOneRawLeaf(@ForAll("sizes") final int size, @ForAll final long seed) {
    final byte[] content = content(size, seed);
    final Dag dag = new DagBuilder().build(content);
    if (size <= CHUNK) {
      assertThat(dag.root()).isEqualTo(ContentId.of(ContentId.CODEC_RAW, content));
      assertThat(dag.chunks()).hasSize(1);
    } else {
      assertThat(dag.root().codec()).isEqualTo(ContentId.CODEC_DAG_NODE);
      // FastCDC leaves: none above the maximum, none but the last below the minimum
      final List<Chunk> leaves = dag.chunks().subList(0, dag.chunks().size() - 1);
      assertThat(leaves).allSatisfy(c -> assertThat(c.id().codec()).isEqualTo(ContentId.CODEC_RAW));
      assertThat(leaves.subList(0, leaves.size() - 1))
          .allSatisfy(c -> assertThat(c.size()).isBetween(FastCdcChunker.DEFAULT_MIN_SIZE, FastCdcChunker.DEFAULT_MAX_SIZE));
    }
  }

  @Property(tries = 16, seed = "8")
  void theFixedSizeChunkerCutsEveryChunkSizeBytes(@ForAll("sizes") final int size, @ForAll final long seed) {
    final byte[] content = content(size, seed);
    final Dag dag = new DagBuilder(new FixedSizeChunker(), DagNode.MAX_LINKS).build(content);
    assertThat(DagReader.read(dag.root(), sourceOf(dag.chunks()))).isEqualTo(content);
    if (size <= CHUNK) {
      assertThat(dag.root()).isEqualTo(ContentId.of(ContentId.CODEC_RAW, content));
    } else {
      assertThat(dag.chunks()).hasSize((size + CHUNK - 1) / CHUNK + 1);
    }
  }

  @Property(tries = 200, seed = "11")
  void smallChunksAndFanOutBuildDeepTreesThatReadBack(
      @ForAll @IntRange(min = 0, max = 3000) final int size,
      @ForAll @IntRange(min = 1, max = 64) final int chunkSize,
      @ForAll @IntRange(min = 2, max = 6) final int fanOut,
      @ForAll final long seed) {
    final byte[] content = content(size, seed);
    final Dag dag = new DagBuilder(new FixedSizeChunker(chunkSize), fanOut).build(content);

    assertThat(DagReader.read(dag.root(), sourceOf(dag.chunks()))).isEqualTo(content);
    assertThat(dag.chunks()).extracting(Chunk::id).doesNotHaveDuplicates();
    for (final Chunk c : dag.chunks()) {
      if (c.id().codec() == ContentId.CODEC_DAG_NODE) {
        assertThat(DagNode.decode(c.data()).links()).hasSizeBetween(2, fanOut);
      } else {
        assertThat(c.size()).isLessThanOrEqualTo(chunkSize);
      }
    }
    assertThat(DagReader.chunkIds(dag.root(), sourceOf(dag.chunks()))).containsExactlyInAnyOrderElementsOf(
        dag.chunks().stream().map(Chunk::id).toList());
  }

  @Property(tries = 60, seed = "12")
  void contentDefinedLeavesUnderSmallNodesReadBack(
      @ForAll @IntRange(min = 0, max = 60_000) final int size,
      @ForAll @IntRange(min = 2, max = 8) final int fanOut,
      @ForAll final long seed) throws IOException {
    final byte[] content = content(size, seed);
    final DagBuilder builder = new DagBuilder(new FastCdcChunker(32, 128, 512), fanOut);
    final Dag dag = builder.build(content);
    final List<Chunk> streamed = new ArrayList<>();
    final DagLink root = builder.build(new ByteArrayInputStream(content), streamed::add);

    assertThat(root).isEqualTo(dag.link());
    assertThat(streamed).isEqualTo(dag.chunks());
    assertThat(DagReader.read(dag.root(), sourceOf(dag.chunks()))).isEqualTo(content);
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(DagReader.stream(dag.root(), sourceOf(dag.chunks()), out)).isEqualTo(size);
    assertThat(out.toByteArray()).isEqualTo(content);
    if (size <= 512) {
      assertThat(dag.root()).isEqualTo(ContentId.of(ContentId.CODEC_RAW, content));
    }
  }

  @Property(tries = 30, seed = "3")
  void streamingBuildGivesTheSameDagAsInMemory(@ForAll @IntRange(min = 0, max = 5000) final int size, @ForAll final long seed) throws IOException {
    final byte[] content = content(size, seed);
    final DagBuilder builder = new DagBuilder(new FixedSizeChunker(100), 3);
    final List<Chunk> streamed = new ArrayList<>();
    final DagLink root = builder.build(new ByteArrayInputStream(content), streamed::add);
    final Dag dag = builder.build(content);

    assertThat(root).isEqualTo(dag.link());
    assertThat(streamed).extracting(Chunk::id).containsExactlyElementsOf(dag.chunks().stream().map(Chunk::id).toList());
  }
}
