package org.fhirledger.ledger.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fhirledger.ledger.dag.DagRoundTripTest.content;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.fhirledger.ledger.crypto.Sha256;
import org.junit.jupiter.api.Test;

class FastCdcChunkerTest {
  private static final FastCdcChunker DEFAULT = new FastCdcChunker();
  private static final FastCdcChunker SMALL = new FastCdcChunker(64, 256, 1024);
  private static final int MiB = 1 << 20;

  static List<byte[]> cut(final Chunker chunker, final InputStream in) throws IOException {
    final List<byte[]> leaves = new ArrayList<>();
    final Chunker.Leaves it = chunker.leaves(in);
    byte[] leaf;
    while ((leaf = it.next()) != null) {
      leaves.add(leaf);
    }
    return leaves;
  }

  static List<byte[]> cut(final Chunker chunker, final byte[] content) throws IOException {
    return cut(chunker, new ByteArrayInputStream(content));
  }

  static List<Integer> lengths(final List<byte[]> leaves) {
    return leaves.stream().map(b -> b.length).toList();
  }

  private static Set<ByteBuffer> asSet(final List<byte[]> leaves) {
    final Set<ByteBuffer> set = new HashSet<>();
    leaves.forEach(b -> set.add(ByteBuffer.wrap(b)));
    return set;
  }

  private static long added(final List<byte[]> before, final List<byte[]> after) {
    final Set<ByteBuffer> old = asSet(before);
    return after.stream().filter(b -> !old.contains(ByteBuffer.wrap(b))).count();
  }

  /** Bytes anyone can regenerate: SHA-256("fhirledger/fastcdc/test" || i64 block) for block 0, 1, 2, ... */
  static byte[] referencePayload(final int size) {
    final ByteBuffer out = ByteBuffer.allocate(size + 32);
    final byte[] label = "fhirledger/fastcdc/test".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (long block = 0; out.position() < size; block++) {
      out.put(Sha256.digest(ByteBuffer.allocate(label.length + 8).put(label).putLong(block).array()));
    }
    return java.util.Arrays.copyOf(out.array(), size);
  }

  /** Hands out the stream in random short pieces, as a socket would. */
  private static final class Trickle extends FilterInputStream {
    private final Random random;

    Trickle(final InputStream in, final long seed) {
      super(in);
      this.random = new Random(seed);
    }

    @Override
    public int read(final byte[] b, final int off, final int len) throws IOException {
      return super.read(b, off, Math.min(len, 1 + random.nextInt(5000)));
    }
  }

  @Property(tries = 40, seed = "71")
  void leavesConcatenateToTheContentAndRespectTheSizeBounds(@ForAll @IntRange(min = 0, max = 40_000) final int size, @ForAll final long seed)
      throws IOException {
    final byte[] content = content(size, seed);
    final List<byte[]> leaves = cut(SMALL, content);
    final ByteArrayOutputStream joined = new ByteArrayOutputStream();
    leaves.forEach(joined::writeBytes);
    assertThat(joined.toByteArray()).isEqualTo(content);
    assertThat(leaves).allSatisfy(l -> assertThat(l.length).isBetween(1, 1024));
    if (!leaves.isEmpty()) {
      assertThat(leaves.subList(0, leaves.size() - 1)).allSatisfy(l -> assertThat(l.length).isGreaterThanOrEqualTo(64));
    }
  }

  @Test
  void theDefaultChunkerCutsBetween16And256KiBAndAveragesNear64KiB() throws IOException {
    final byte[] content = content(32 * MiB, 72);
    final List<Integer> lengths = lengths(cut(DEFAULT, content));
    assertThat(lengths.stream().mapToLong(Integer::longValue).sum()).isEqualTo(content.length);
    assertThat(lengths.subList(0, lengths.size() - 1)).allSatisfy(n -> assertThat(n).isBetween(16 * 1024, 256 * 1024));
    final double mean = (double) content.length / lengths.size();
    // min 16 KiB + the normalized cut distribution around the 64 KiB point; measured ~73 KiB on random bytes
    assertThat(mean).isBetween(56.0 * 1024, 88.0 * 1024);
  }

  @Test
  void contentWithoutCutPointsIsCutAtTheMaximum() throws IOException {
    final List<Integer> lengths = lengths(cut(DEFAULT, new byte[MiB + 5]));
    assertThat(lengths).containsExactly(256 * 1024, 256 * 1024, 256 * 1024, 256 * 1024, 5);
  }

  @Property(tries = 10, seed = "73")
  void theCutsDependOnTheBytesAloneNotOnHowTheyArrive(@ForAll @IntRange(min = 0, max = 2 * 1024 * 1024) final int size, @ForAll final long seed)
      throws IOException {
    final byte[] content = content(size, seed);
    final List<Integer> whole = lengths(cut(DEFAULT, content));
    assertThat(lengths(cut(DEFAULT, new Trickle(new ByteArrayInputStream(content), seed)))).isEqualTo(whole);
    assertThat(lengths(cut(new FastCdcChunker(), content.clone()))).isEqualTo(whole);
  }

  /**
   * Pins the protocol's cut points: the gear table's derivation and the cuts of a payload anyone can rebuild.
   * If this fails, nodes running the old and new code would cut the same content differently.
   */
  @Test
  void theProtocolsGearTableAndCutPointsAreFixed() throws IOException {
    final long[] gear = FastCdcChunker.gearTable();
    assertThat(String.format("%016x", gear[0])).isEqualTo(GEAR_0);
    assertThat(String.format("%016x", gear[255])).isEqualTo(GEAR_255);
    assertThat(lengths(cut(DEFAULT, referencePayload(2 * MiB)))).containsExactly(REFERENCE_CUTS);
  }

  // also reproduced by an independent Python implementation of the description in docs/protocol/encoding.md
  private static final String GEAR_0 = "fcef1c6722560a16";
  private static final String GEAR_255 = "b8ba502dc6b664d0";
  private static final Integer[] REFERENCE_CUTS = {73309, 79322, 77016, 28847, 99349, 93607, 106875, 71653, 21111, 75830, 61368, 112494,
      72628, 22516, 71233, 76095, 71783, 66817, 66716, 66337, 74809, 79381, 33487, 86633, 68455, 84266, 73185, 84668, 35024, 62338};

  @Test
  void insertingOneByteInTheMiddleChangesOnlyTheLeavesNextToIt() throws IOException {
    final byte[] original = content(16 * MiB, 74);
    final Random r = new Random(74);
    for (int trial = 0; trial < 8; trial++) {
      final int at = original.length / 4 + r.nextInt(original.length / 2);
      final byte[] edited = new byte[original.length + 1];
      System.arraycopy(original, 0, edited, 0, at);
      edited[at] = (byte) r.nextInt(256);
      System.arraycopy(original, at, edited, at + 1, original.length - at);

      final List<byte[]> before = cut(DEFAULT, original);
      final List<byte[]> after = cut(DEFAULT, edited);
      assertThat(added(before, after)).as("new leaves after inserting at %d", at).isBetween(1L, 2L);
      assertThat(added(after, before)).as("lost leaves after inserting at %d", at).isBetween(1L, 2L);
    }
  }

  @Test
  void aFixedSizeChunkerLosesEveryLaterLeafOnTheSameInsertion() throws IOException {
    final byte[] original = content(16 * MiB, 74);
    final byte[] edited = new byte[original.length + 1];
    final int at = original.length / 2 + 12345;
    System.arraycopy(original, 0, edited, 0, at);
    System.arraycopy(original, at, edited, at + 1, original.length - at);
    final FixedSizeChunker fixed = new FixedSizeChunker();
    final List<byte[]> after = cut(fixed, edited);
    // the contrast that makes FastCDC the default: here about half the leaves are new
    assertThat(added(cut(fixed, original), after)).isGreaterThan(after.size() / 3);
  }

  @Test
  void changingOrDeletingOneByteChangesAtMostTwoLeaves() throws IOException {
    final byte[] original = content(16 * MiB, 75);
    final List<byte[]> before = cut(DEFAULT, original);
    final Random r = new Random(75);
    for (int trial = 0; trial < 8; trial++) {
      final int at = r.nextInt(original.length);
      final byte[] changed = original.clone();
      changed[at] ^= (byte) (1 + r.nextInt(255));
      assertThat(added(before, cut(DEFAULT, changed))).as("changed byte %d", at).isBetween(1L, 2L);

      final byte[] shorter = new byte[original.length - 1];
      System.arraycopy(original, 0, shorter, 0, at);
      System.arraycopy(original, at + 1, shorter, at, original.length - at - 1);
      assertThat(added(before, cut(DEFAULT, shorter))).as("deleted byte %d", at).isBetween(1L, 2L);
    }
  }

  @Test
  void aStreamIsReadOnlyAsFarAsTheNextLeafNeeds() throws IOException {
    final long[] read = {0};
    final InputStream endless = new InputStream() {
      private final Random random = new Random(76);

      @Override
      public int read() {
        read[0]++;
        return random.nextInt(256);
      }

      @Override
      public int read(final byte[] b, final int off, final int len) {
        for (int i = 0; i < len; i++) {
          b[off + i] = (byte) random.nextInt(256);
        }
        read[0] += len;
        return len;
      }
    };
    final Chunker.Leaves leaves = DEFAULT.leaves(endless);
    long cut = 0;
    for (int i = 0; i < 200; i++) {
      cut += leaves.next().length;
      assertThat(read[0] - cut).as("bytes buffered after leaf %d", i).isLessThanOrEqualTo(2L * DEFAULT.maxChunkSize());
    }
  }

  @Test
  void sizesMustBeOrderedAndTheAverageAPowerOfTwo() {
    assertThatThrownBy(() -> new FastCdcChunker(64, 300, 1024)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FastCdcChunker(256, 256, 1024)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FastCdcChunker(64, 256, 256)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FastCdcChunker(64, 1 << 20, 2 << 20)).isInstanceOf(IllegalArgumentException.class);
  }
}
