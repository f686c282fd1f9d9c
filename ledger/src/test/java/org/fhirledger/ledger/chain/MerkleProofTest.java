package org.fhirledger.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.junit.jupiter.api.Test;

class MerkleProofTest {
  private static final HexFormat HEX = HexFormat.of();

  /** A tree of n random leaves of 0..40 bytes. */
  private record Tree(List<byte[]> leaves, List<Hash32> leafHashes, Hash32 root) {
    static Tree random(final int n, final long seed) {
      final Random r = new Random(seed);
      final List<byte[]> leaves = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        final byte[] leaf = new byte[r.nextInt(41)];
        r.nextBytes(leaf);
        // distinct leaves, so a proof for one leaf can never verify another by coincidence
        leaves.add(ByteBuffer.allocate(4 + leaf.length).putInt(i).put(leaf).array());
      }
      final List<Hash32> hashes = leaves.stream().map(MerkleTree::leafHash).toList();
      return new Tree(leaves, hashes, MerkleTree.rootOfLeafHashes(hashes));
    }

    MerkleProof proof(final int index) {
      return MerkleTree.proof(leafHashes, index);
    }
  }

  private static Hash32 randomHash(final Random r) {
    final byte[] b = new byte[32];
    r.nextBytes(b);
    return Hash32.wrap(b);
  }

  @Property(tries = 60, seed = "61")
  void everyLeafOfATreeOfUpTo300LeavesVerifiesAgainstTheRoot(@ForAll @IntRange(min = 1, max = 300) final int n, @ForAll final long seed) {
    final Tree tree = Tree.random(n, seed);
    for (int m = 0; m < n; m++) {
      final MerkleProof proof = tree.proof(m);
      assertThat(proof.leafIndex()).isEqualTo(m);
      assertThat(proof.treeSize()).isEqualTo(n);
      assertThat(proof.path()).hasSize(MerkleProof.pathLength(m, n));
      assertThat(proof.verify(tree.leaves().get(m), tree.root())).as("leaf %d of %d", m, n).isTrue();
      assertThat(proof.rootFromLeafHash(tree.leafHashes().get(m))).contains(tree.root());
      assertThat(MerkleProof.decode(proof.encode())).isEqualTo(proof);
    }
  }

  @Test
  void everyLeafOfEveryTreeUpTo70LeavesVerifies() {
    for (int n = 1; n <= 70; n++) {
      final Tree tree = Tree.random(n, n);
      for (int m = 0; m < n; m++) {
        assertThat(tree.proof(m).verify(tree.leaves().get(m), tree.root())).as("leaf %d of %d", m, n).isTrue();
      }
    }
  }

  @Property(tries = 200, seed = "62")
  void aChangedByteOfTheLeafFails(@ForAll @IntRange(min = 1, max = 300) final int n, @ForAll final long seed) {
    final Random r = new Random(seed);
    final Tree tree = Tree.random(n, seed);
    final int m = r.nextInt(n);
    final byte[] leaf = tree.leaves().get(m).clone();
    leaf[r.nextInt(leaf.length)] ^= (byte) (1 + r.nextInt(255));
    assertThat(tree.proof(m).verify(leaf, tree.root())).isFalse();
    assertThat(tree.proof(m).verify(tree.leaves().get(m), tree.root())).isTrue();
  }

  @Property(tries = 100, seed = "63")
  void theProofOfOneLeafVerifiesAtNoOtherIndex(@ForAll @IntRange(min = 2, max = 300) final int n, @ForAll final long seed) {
    final Tree tree = Tree.random(n, seed);
    final int m = new Random(seed).nextInt(n);
    final MerkleProof proof = tree.proof(m);
    for (int other = 0; other < n; other++) {
      if (other != m) {
        final MerkleProof moved = new MerkleProof(other, n, proof.path());
        assertThat(moved.verify(tree.leaves().get(m), tree.root())).as("leaf %d claimed at %d of %d", m, other, n).isFalse();
        // nor does the leaf really at that index verify with m's path
        assertThat(moved.verify(tree.leaves().get(other), tree.root())).isFalse();
      }
    }
  }

  @Property(tries = 200, seed = "64")
  void aChangedRemovedOrAddedSiblingFails(@ForAll @IntRange(min = 2, max = 300) final int n, @ForAll final long seed) {
    final Random r = new Random(seed);
    final Tree tree = Tree.random(n, seed);
    final int m = r.nextInt(n);
    final MerkleProof proof = tree.proof(m);
    final byte[] leaf = tree.leaves().get(m);
    final List<Hash32> path = proof.path();
    final int at = r.nextInt(path.size());

    final List<Hash32> changed = new ArrayList<>(path);
    final byte[] sibling = changed.get(at).toArray();
    sibling[r.nextInt(32)] ^= (byte) (1 << r.nextInt(8));
    changed.set(at, Hash32.wrap(sibling));
    assertThat(new MerkleProof(m, n, changed).verify(leaf, tree.root())).as("changed sibling %d", at).isFalse();

    final List<Hash32> removed = new ArrayList<>(path);
    removed.remove(at);
    assertThat(new MerkleProof(m, n, removed).verify(leaf, tree.root())).as("removed sibling %d", at).isFalse();

    for (int insertAt = 0; insertAt <= path.size(); insertAt++) {
      final List<Hash32> added = new ArrayList<>(path);
      added.add(insertAt, r.nextBoolean() ? randomHash(r) : tree.root());
      assertThat(new MerkleProof(m, n, added).verify(leaf, tree.root())).as("sibling added at %d", insertAt).isFalse();
    }

    final List<Hash32> swapped = new ArrayList<>(path);
    if (swapped.size() > 1) {
      java.util.Collections.swap(swapped, 0, swapped.size() - 1);
      assertThat(new MerkleProof(m, n, swapped).verify(leaf, tree.root())).isFalse();
    }
  }

  /**
   * The root does not commit to the tree size (RFC 6962 takes it from the signed tree head), so the only sizes
   * that can pass are those that send the leaf down exactly the same turns, i.e. name the same leaf position.
   * Doubling or halving the size, as the Certificate Transparency tests do, always fails.
   */
  @Property(tries = 100, seed = "65")
  void aWrongTreeSizeFailsUnlessItRoutesToTheSameLeaf(@ForAll @IntRange(min = 2, max = 300) final int n, @ForAll final long seed) {
    final Tree tree = Tree.random(n, seed);
    final int m = new Random(seed).nextInt(n);
    final MerkleProof proof = tree.proof(m);
    final byte[] leaf = tree.leaves().get(m);
    for (long size = m + 1; size <= 2L * n + 1; size++) {
      if (size != n && new MerkleProof(m, size, proof.path()).verify(leaf, tree.root())) {
        assertThat(turns(m, size)).as("size %d passed for leaf %d of %d", size, m, n).isEqualTo(turns(m, n));
      }
    }
    assertThat(new MerkleProof(m, 2L * n, proof.path()).verify(leaf, tree.root())).isFalse();
    if (m < n / 2) {
      assertThat(new MerkleProof(m, n / 2, proof.path()).verify(leaf, tree.root())).isFalse();
    }
  }

  /** The left/right turns from the root down to leaf m of n, as a string like "LRL". */
  private static String turns(final long leafIndex, final long treeSize) {
    final StringBuilder sb = new StringBuilder();
    long m = leafIndex;
    long n = treeSize;
    while (n > 1) {
      final long k = Long.highestOneBit(n - 1);
      if (m < k) {
        sb.append('L');
        n = k;
      } else {
        sb.append('R');
        m -= k;
        n -= k;
      }
    }
    return sb.toString();
  }

  /**
   * Collapse the bottom pair (m, sibling) into its parent P: the rest of the path proves P as a "leaf" of the
   * tree one level up. Given P's hash the arithmetic holds (the first assertion); but no leaf bytes, not even
   * P's own children concatenated, hash to P, because leaves are hashed with 0x00 and nodes with 0x01.
   */
  @Property(tries = 200, seed = "66")
  void aLeafHashCanNeverVerifyAsAnInteriorNode(@ForAll @IntRange(min = 2, max = 300) final int n, @ForAll final long seed) {
    final Tree tree = Tree.random(n, seed);
    int m = new Random(seed).nextInt(n);
    if (m == n - 1 && m % 2 == 0) {
      m--; // the last leaf of an odd-sized tree has no sibling at the bottom level
    }
    final MerkleProof proof = tree.proof(m);
    final int left = m & ~1;
    final Hash32 l = tree.leafHashes().get(left);
    final Hash32 r = tree.leafHashes().get(left + 1);
    final Hash32 parent = MerkleTree.nodeHash(l, r);
    final MerkleProof collapsed = new MerkleProof(m >> 1, (n + 1) >> 1, proof.path().subList(1, proof.path().size()));

    assertThat(collapsed.verifyLeafHash(parent, tree.root())).isTrue();
    final byte[] children = ByteBuffer.allocate(64).put(l.toArray()).put(r.toArray()).array();
    assertThat(collapsed.verify(children, tree.root())).isFalse();
    assertThat(MerkleTree.leafHash(children)).isNotEqualTo(parent);
  }

  /** Inclusion proofs of the RFC 6962 reference tree, as published with Certificate Transparency's verifier tests. */
  @Test
  void matchesTheCertificateTransparencyAuditPaths() {
    final List<byte[]> leaves = List.of(HEX.parseHex(""), HEX.parseHex("00"), HEX.parseHex("10"), HEX.parseHex("2021"), HEX.parseHex("3031"),
        HEX.parseHex("40414243"), HEX.parseHex("5051525354555657"), HEX.parseHex("606162636465666768696a6b6c6d6e6f"));
    final List<Hash32> hashes = leaves.stream().map(MerkleTree::leafHash).toList();
    final String root8 = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
    final String root5 = "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4";
    final String root3 = "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77";

    checkVector(hashes, leaves, 0, 8, root8, "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    checkVector(hashes, leaves, 5, 8, root8, "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
    checkVector(hashes, leaves, 2, 3, root3, "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");
    checkVector(hashes, leaves, 1, 5, root5, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
  }

  private static void checkVector(final List<Hash32> hashes, final List<byte[]> leaves, final int index, final int size, final String root,
      final String... path) {
    final MerkleProof proof = MerkleTree.proof(hashes.subList(0, size), index);
    assertThat(proof.path()).extracting(Hash32::toHex).as("leaf %d of %d", index, size).containsExactly(path);
    assertThat(proof.verify(leaves.get(index), Hash32.fromHex(root))).isTrue();
  }

  @Test
  void aOneLeafTreeHasAnEmptyPathAndTheLeafHashIsTheRoot() {
    final byte[] data = "data".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    final Hash32 root = MerkleTree.rootOfLeafHashes(List.of(MerkleTree.leafHash(data)));
    final MerkleProof proof = MerkleTree.proof(List.of(MerkleTree.leafHash(data)), 0);
    assertThat(proof.path()).isEmpty();
    assertThat(proof.verify(data, root)).isTrue();
    assertThat(proof.verify(new byte[0], root)).isFalse();
    assertThatThrownBy(() -> new MerkleProof(1, 1, List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MerkleProof(0, 0, List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decodingRejectsTrailingBytesUnknownVersionsAndPathsOfTheWrongLength() {
    final Tree tree = Tree.random(37, 5);
    final byte[] good = tree.proof(20).encode();
    assertThat(MerkleProof.decode(good)).isEqualTo(tree.proof(20));

    assertThatThrownBy(() -> MerkleProof.decode(java.util.Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(DecodingException.class).hasMessageContaining("trailing");
    final byte[] version2 = good.clone();
    version2[0] = 2;
    assertThatThrownBy(() -> MerkleProof.decode(version2)).isInstanceOf(DecodingException.class).hasMessageContaining("version");

    final List<Hash32> path = tree.proof(20).path();
    final List<Hash32> longer = new ArrayList<>(path);
    longer.add(tree.root());
    assertThatThrownBy(() -> MerkleProof.decode(new MerkleProof(20, 37, longer).encode()))
        .isInstanceOf(DecodingException.class).hasMessageContaining("needs " + path.size());
    assertThatThrownBy(() -> MerkleProof.decode(new MerkleProof(20, 37, path.subList(1, path.size())).encode()))
        .isInstanceOf(DecodingException.class);

    // a path count far beyond any tree depth is refused before anything is allocated
    final ByteWriter huge = new ByteWriter().u8(1).i64(0).i64(Long.MAX_VALUE).i32(Integer.MAX_VALUE);
    assertThatThrownBy(() -> MerkleProof.decode(huge.toByteArray())).isInstanceOf(DecodingException.class);
    final ByteWriter outside = new ByteWriter().u8(1).i64(5).i64(5).i32(0);
    assertThatThrownBy(() -> MerkleProof.decode(outside.toByteArray())).isInstanceOf(DecodingException.class).hasMessageContaining("not in a tree");
  }

  @Test
  void theDeepestTreeHasA63HashPath() {
    final long size = Long.MAX_VALUE;
    assertThat(MerkleProof.pathLength(0, size)).isEqualTo(63);
    final List<Hash32> path = new ArrayList<>();
    for (int i = 0; i < 63; i++) {
      path.add(MerkleTree.leafHash(new byte[] {(byte) i}));
    }
    final MerkleProof deep = new MerkleProof(0, size, path);
    assertThat(MerkleProof.decode(deep.encode())).isEqualTo(deep);
  }

  @Property(tries = 30, seed = "67")
  void everyTransactionOfABlockHasAProofAgainstItsHeader(@ForAll final long seed) {
    final Random r = new Random(seed);
    final Block block = ChainCodecTest.randomBlock(r, Ed25519Keys.generate(TestChain.seededRandom(seed)), 12);
    for (final Transaction tx : block.transactions()) {
      final MerkleProof proof = block.inclusionProof(tx.hash()).orElseThrow();
      assertThat(proof.treeSize()).isEqualTo(block.transactions().size());
      assertThat(proof.verify(tx.hash().toArray(), block.header().transactionsRoot())).isTrue();
      assertThat(proof.verify(randomHash(r).toArray(), block.header().transactionsRoot())).isFalse();
    }
    assertThat(block.inclusionProof(randomHash(r))).isEmpty();
  }
}
