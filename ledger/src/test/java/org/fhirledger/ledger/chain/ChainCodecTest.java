package org.fhirledger.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;

class ChainCodecTest {
  private static final String[] NAMES = {"Patient", "Observation", "a", "ü-ñ-日本", "x".repeat(250), "Binary"};

  /** A real signed transaction with 1..maxChanges random changes, all drawn from the seed. */
  static Transaction randomTransaction(final Random r, final Signer signer, final int maxChanges) {
    final int n = 1 + r.nextInt(maxChanges);
    final List<ResourceChange> changes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      final Operation op = Operation.values()[r.nextInt(Operation.values().length)];
      final long version = 1 + r.nextInt(1_000_000);
      final byte[] content = new byte[r.nextInt(100)];
      r.nextBytes(content);
      final ContentId cid = op == Operation.DELETE ? null
          : ContentId.of(r.nextBoolean() ? ContentId.CODEC_RAW : ContentId.CODEC_DAG_NODE, content);
      changes.add(new ResourceChange(op, NAMES[r.nextInt(NAMES.length)], NAMES[r.nextInt(NAMES.length)] + i, version,
          r.nextInt((int) version), cid, cid == null ? 0 : r.nextLong() & Long.MAX_VALUE));
    }
    return Transaction.sign(r.nextBoolean() ? TestChain.CHAIN_ID : "другая-цепь", signer, NAMES[r.nextInt(NAMES.length)], r.nextLong(),
        r.nextLong(), changes);
  }

  static Block randomBlock(final Random r, final Signer signer, final int maxTxs) {
    final List<Transaction> txs = new ArrayList<>();
    final int n = r.nextInt(maxTxs + 1);
    for (int i = 0; i < n; i++) {
      txs.add(randomTransaction(r, signer, 4));
    }
    final List<Chunk> chunks = new ArrayList<>();
    for (int i = r.nextInt(5); i > 0; i--) {
      final byte[] data = new byte[r.nextInt(2000)];
      r.nextBytes(data);
      chunks.add(TestChain.leaf(data));
    }
    final byte[] parent = new byte[32];
    r.nextBytes(parent);
    final BlockHeader header = new BlockHeader(TestChain.CHAIN_ID, r.nextLong() & Long.MAX_VALUE, Hash32.wrap(parent), r.nextLong(),
        signer.publicKey(), r.nextInt(100), Block.transactionsRoot(txs), Block.contentRoot(chunks));
    return new Block(header, txs, chunks);
  }

  @Property(tries = 100, seed = "1")
  void signedTransactionsRoundTrip(@ForAll final long seed, @ForAll @IntRange(min = 1, max = 20) final int maxChanges) {
    final Random r = new Random(seed);
    final Signer signer = Ed25519Keys.generate(TestChain.seededRandom(seed));
    final Transaction tx = randomTransaction(r, signer, maxChanges);

    final Transaction decoded = Transaction.decode(tx.encode());
    assertThat(decoded).isEqualTo(tx);
    assertThat(decoded.hash()).isEqualTo(tx.hash());
    assertThat(decoded.changes()).isEqualTo(tx.changes());
    assertThat(decoded.encode()).isEqualTo(tx.encode());
    assertThat(decoded.hasValidSignature(Ed25519Keys.verifier())).isTrue();
  }

  @Property(tries = 50, seed = "2")
  void blocksRoundTrip(@ForAll final long seed) {
    final Random r = new Random(seed);
    final Block block = randomBlock(r, Ed25519Keys.generate(TestChain.seededRandom(seed)), 6);

    final Block decoded = Block.decode(block.encode());
    assertThat(decoded.hash()).isEqualTo(block.hash());
    assertThat(decoded.header()).isEqualTo(block.header());
    assertThat(decoded.transactions()).isEqualTo(block.transactions());
    assertThat(decoded.chunks()).isEqualTo(block.chunks());
    assertThat(decoded.encode()).isEqualTo(block.encode());
  }

  @Property(tries = 20, seed = "3")
  void certificatesAndGenesisRoundTrip(@ForAll final long seed) {
    final TestChain chain = new TestChain(1 + (int) Math.floorMod(seed, 7L), seed);
    final Block block = randomBlock(new Random(seed), chain.signers().get(0), 2);
    final CommitCertificate cert = chain.certify(block);
    assertThat(CommitCertificate.decode(cert.encode())).isEqualTo(cert);
    assertThat(Genesis.decode(chain.genesis().encode())).isEqualTo(chain.genesis());
  }

  @org.junit.jupiter.api.Test
  void namesTheDecoderWouldRefuseCannotBeSigned() {
    final Signer signer = Ed25519Keys.generate(TestChain.seededRandom(1));
    final ContentId cid = ContentId.of(ContentId.CODEC_RAW, new byte[] {1});
    // 86 three-byte characters: 258 UTF-8 bytes although only 86 chars
    final String tooLong = "日".repeat(86);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ResourceChange(Operation.CREATE, "Patient", tooLong, 1, 0, cid, 1))
        .isInstanceOf(IllegalArgumentException.class);
    final ResourceChange ok = new ResourceChange(Operation.CREATE, "Patient", "日".repeat(85), 1, 0, cid, 1);
    assertThat(Transaction.decode(Transaction.sign("c", signer, "", 0, 0, List.of(ok)).encode()).changes()).containsExactly(ok);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Transaction.sign(tooLong, signer, "", 0, 0, List.of(ok)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 30, seed = "4")
  void changingAnySignedFieldBreaksTheSignature(@ForAll final long seed) {
    final Random r = new Random(seed);
    final Transaction tx = randomTransaction(r, Ed25519Keys.generate(TestChain.seededRandom(seed)), 3);
    final Transaction other = Transaction.sign(tx.chainId(), Ed25519Keys.generate(TestChain.seededRandom(seed + 1)), tx.clientId(),
        tx.timestamp(), tx.nonce(), tx.changes());
    // the other origin's signature under this origin's key must not verify
    final byte[] encoded = tx.encode();
    final byte[] forged = other.encode();
    System.arraycopy(encoded, 0, forged, 0, encoded.length - 64);
    assertThat(Transaction.decode(forged).hasValidSignature(Ed25519Keys.verifier())).isFalse();
  }
}
