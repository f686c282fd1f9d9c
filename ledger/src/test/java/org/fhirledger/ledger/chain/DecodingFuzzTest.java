package org.fhirledger.ledger.chain;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.junit.jupiter.api.Test;

/** Hostile bytes must fail with DecodingException only: never another exception, never an OutOfMemoryError. */
class DecodingFuzzTest {
  private static final List<Function<byte[], Object>> DECODERS =
      List.of(Transaction::decode, Block::decode, CommitCertificate::decode, Genesis::decode, MerkleProof::decode, ValidatorSet::decode);

  private static final TestChain CHAIN = new TestChain(4, 9);
  private static final Block BLOCK = ChainCodecTest.randomBlock(new Random(9), CHAIN.signers().get(0), 3);
  private static final List<byte[]> VALID = List.of(
      ChainCodecTest.randomTransaction(new Random(8), CHAIN.signers().get(1), 3).encode(),
      BLOCK.encode(),
      CHAIN.certify(BLOCK).encode(),
      CHAIN.genesis().encode(),
      MerkleTree.proof(java.util.Collections.nCopies(300, MerkleTree.leafHash(new byte[] {1})), 200).encode(),
      CHAIN.validatorSet().encode());

  private static void decodesOrFailsCleanly(final Function<byte[], Object> decoder, final byte[] bytes) {
    try {
      decoder.apply(bytes);
    } catch (final DecodingException expected) {
      // the one acceptable failure
    }
  }

  @Property(tries = 1000, seed = "31")
  void randomBytesFailCleanly(@ForAll @Size(max = 300) final byte[] bytes) {
    DECODERS.forEach(d -> decodesOrFailsCleanly(d, bytes));
  }

  @Property(tries = 1000, seed = "32")
  void mutatedEncodingsFailCleanly(@ForAll final long seed) {
    final Random r = new Random(seed);
    final int which = r.nextInt(VALID.size());
    final byte[] bytes = VALID.get(which).clone();
    for (int i = 1 + r.nextInt(4); i > 0; i--) {
      switch (r.nextInt(3)) {
        case 0 -> bytes[r.nextInt(bytes.length)] = (byte) r.nextInt(256);
        case 1 -> bytes[r.nextInt(bytes.length)] ^= (byte) (1 << r.nextInt(8));
        default -> {
          // a length or count field turned huge
          final int at = r.nextInt(bytes.length - 4);
          bytes[at] = (byte) (r.nextBoolean() ? 0x7f : 0xff);
          bytes[at + 1] = (byte) 0xff;
        }
      }
    }
    decodesOrFailsCleanly(DECODERS.get(which), bytes);
  }

  @Test
  void everyTruncationIsRejected() {
    for (int i = 0; i < VALID.size(); i++) {
      final byte[] valid = VALID.get(i);
      final Function<byte[], Object> decoder = DECODERS.get(i);
      for (int len = 0; len < valid.length; len++) {
        final byte[] cut = Arrays.copyOf(valid, len);
        assertThatThrownBy(() -> decoder.apply(cut)).as("decoder %d, %d of %d bytes", i, len, valid.length)
            .isInstanceOf(DecodingException.class);
      }
    }
  }

  @Test
  void trailingBytesAreRejected() {
    for (int i = 0; i < VALID.size(); i++) {
      final byte[] longer = Arrays.copyOf(VALID.get(i), VALID.get(i).length + 1);
      final Function<byte[], Object> decoder = DECODERS.get(i);
      assertThatThrownBy(() -> decoder.apply(longer)).isInstanceOf(DecodingException.class).hasMessageContaining("trailing");
    }
  }

  @Test
  void unknownVersionsAreRejected() {
    for (int i = 0; i < VALID.size(); i++) {
      final byte[] bytes = VALID.get(i).clone();
      bytes[0] = 2;
      final Function<byte[], Object> decoder = DECODERS.get(i);
      assertThatThrownBy(() -> decoder.apply(bytes)).isInstanceOf(DecodingException.class).hasMessageContaining("version");
    }
  }

  @Test
  void absurdCountsAreRejectedBeforeAllocating() {
    // a block header then a transaction count of 2^31-1 with nothing behind it
    final byte[] header = BLOCK.header().encode();
    final byte[] bytes = Arrays.copyOf(header, header.length + 4);
    bytes[header.length] = 0x7f;
    bytes[header.length + 1] = (byte) 0xff;
    bytes[header.length + 2] = (byte) 0xff;
    bytes[header.length + 3] = (byte) 0xff;
    assertThatThrownBy(() -> Block.decode(bytes)).isInstanceOf(DecodingException.class).hasMessageContaining("count");

    final byte[] tx = ChainCodecTest.randomTransaction(new Random(1), Ed25519Keys.generate(TestChain.seededRandom(1)), 1).encode();
    // the chain id length field is right after the version byte
    tx[1] = 0x7f;
    assertThatThrownBy(() -> Transaction.decode(tx)).isInstanceOf(DecodingException.class).hasMessageContaining("length");
  }
}
