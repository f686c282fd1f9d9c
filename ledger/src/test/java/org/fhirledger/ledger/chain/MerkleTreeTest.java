package org.fhirledger.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Sha256;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
  /** RFC 6962 section 2.1, written straight from the definition over the raw leaves. */
  private static byte[] naiveRoot(final List<byte[]> leaves) {
    if (leaves.size() == 1) {
      return Sha256.digest(ByteBuffer.allocate(1 + leaves.get(0).length).put((byte) 0).put(leaves.get(0)).array());
    }
    int k = 1;
    while (k * 2 < leaves.size()) {
      k *= 2;
    }
    final byte[] left = naiveRoot(leaves.subList(0, k));
    final byte[] right = naiveRoot(leaves.subList(k, leaves.size()));
    return Sha256.digest(ByteBuffer.allocate(65).put((byte) 1).put(left).put(right).array());
  }

  private static Hash32 root(final List<byte[]> leaves) {
    return MerkleTree.rootOfLeafHashes(leaves.stream().map(MerkleTree::leafHash).toList());
  }

  @Test
  void rootMatchesTheDefinitionForOneToTwentyLeaves() {
    final List<byte[]> leaves = new ArrayList<>();
    for (int n = 1; n <= 20; n++) {
      leaves.add(new byte[] {(byte) n, (byte) (n * 7)});
      assertThat(root(leaves).toArray()).as("%d leaves", n).isEqualTo(naiveRoot(leaves));
    }
  }

  @Test
  void emptyTreeIsTheHashOfNothing() {
    assertThat(MerkleTree.rootOfLeafHashes(List.of()).toHex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void matchesTheCertificateTransparencyTestVectors() {
    final HexFormat hex = HexFormat.of();
    final List<byte[]> leaves = List.of(hex.parseHex(""), hex.parseHex("00"), hex.parseHex("10"), hex.parseHex("2021"), hex.parseHex("3031"),
        hex.parseHex("40414243"), hex.parseHex("5051525354555657"), hex.parseHex("606162636465666768696a6b6c6d6e6f"));
    final String[] roots = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
    for (int n = 1; n <= leaves.size(); n++) {
      assertThat(root(leaves.subList(0, n)).toHex()).as("%d leaves", n).isEqualTo(roots[n - 1]);
    }
  }

  @Test
  void aLeafCannotPassForAnInteriorNode() {
    final Hash32 a = MerkleTree.leafHash(new byte[] {1});
    final Hash32 b = MerkleTree.leafHash(new byte[] {2});
    final byte[] concatenated = ByteBuffer.allocate(64).put(a.toArray()).put(b.toArray()).array();
    assertThat(MerkleTree.leafHash(concatenated)).isNotEqualTo(MerkleTree.nodeHash(a, b));
  }
}
