package org.fhirledger.ledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.BlockHeader;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.CommitSeal;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.node.BlockExecutor;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import org.fhirledger.ledger.store.rocksdb.RocksDbTamper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real chain of five blocks in RocksDB (the last one also updates a resource), audited whole and then
 * tampered with on disk, one way per test: each must be caught, at the right height.
 */
class ChainAuditorTest {
  private final TestChain chain = new TestChain(4, 21);
  private final ChainAuditor auditor = new ChainAuditor(Ed25519Keys.verifier());
  private final List<Block> blocks = new ArrayList<>();
  @TempDir
  Path dir;

  @BeforeEach
  void writeChain() {
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir)) {
      store.initGenesis(chain.genesis());
      final BlockExecutor executor = new BlockExecutor(store);
      for (long h = 1; h <= 5; h++) {
        final byte[] content = TestChain.json("Patient", "p" + h, 1);
        final List<Transaction> txs = new ArrayList<>(List.of(chain.write("Patient", "p" + h, 1, content, h)));
        final List<Chunk> chunks = new ArrayList<>(List.of(TestChain.leaf(content)));
        if (h == 5) { // p1 gets a second version, so its head moves on from the block that created it
          txs.add(chain.write("Patient", "p1", 2, P1_V2, 50));
          chunks.add(TestChain.leaf(P1_V2));
        }
        final Block block = chain.block(h, store.blockHash(h - 1).orElseThrow(), txs, chunks);
        store.apply(executor.execute(block, chain.certify(block)));
        blocks.add(block);
      }
    }
  }

  private static final byte[] P1_V2 = TestChain.json("Patient", "p1", 2);

  private ChainAuditor.Report audit() {
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir)) {
      return auditor.audit(store);
    }
  }

  @Test
  void anUntouchedChainVerifiesEndToEndAndCountsWhatItRead() {
    final ChainAuditor.Report report = audit();
    assertThat(report.failure()).isEmpty();
    assertThat(report.verifiedThrough()).isEqualTo(5);
    assertThat(report.transactions()).isEqualTo(6);
    assertThat(report.resources()).isEqualTo(5);
    assertThat(report.chunks()).isEqualTo(6);
    assertThat(report.chunkBytes()).isEqualTo(blocks.stream().flatMap(b -> b.chunks().stream()).mapToLong(Chunk::size).sum());
  }

  @Test
  void progressIsReportedForEveryChunkAndHeight() {
    final List<Long> heights = new ArrayList<>();
    final long[] chunks = {0};
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir)) {
      auditor.audit(store, new ChainAuditor.Progress() {
        @Override
        public void chunkScanned(final long count, final long bytes) {
          chunks[0] = count;
        }

        @Override
        public void heightVerified(final long height, final long chainHeight) {
          assertThat(chainHeight).isEqualTo(5);
          heights.add(height);
        }
      });
    }
    assertThat(heights).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(chunks[0]).isEqualTo(6);
  }

  @Test
  void aRemovedBlockIsFoundAtItsHeight() throws Exception {
    RocksDbTamper.delete(dir, RocksDbTamper.BLOCKS, RocksDbTamper.heightKey(3));
    final ChainAuditor.Report report = audit();
    assertThat(report.failure()).contains(new ChainAuditor.Failure(3, "block missing"));
    assertThat(report.verifiedThrough()).isEqualTo(2);
  }

  @Test
  void anEditedHeaderNoLongerHashesToTheRecordedHash() throws Exception {
    final Block original = blocks.get(1);
    final BlockHeader h = original.header();
    final BlockHeader edited = new BlockHeader(h.chainId(), h.height(), h.parentHash(), h.timestamp() + 1, h.proposer(), h.round(),
        h.transactionsRoot(), h.contentRoot());
    RocksDbTamper.overwrite(dir, RocksDbTamper.BLOCKS, RocksDbTamper.heightKey(2),
        new Block(edited, original.transactions(), original.chunks()).encode());
    assertThat(audit().failure()).hasValueSatisfying(f -> {
      assertThat(f.height()).isEqualTo(2);
      assertThat(f.reason()).contains("hash recorded for this height");
    });
  }

  @Test
  void aTransactionReplacedUnderAnUnchangedHeaderBreaksTheMerkleRoot() throws Exception {
    final Block original = blocks.get(2);
    final byte[] other = TestChain.json("Patient", "p3", 1).clone();
    other[other.length - 2] = '!';
    final Transaction replaced = chain.write("Patient", "p3", 1, other, 3);
    RocksDbTamper.overwrite(dir, RocksDbTamper.BLOCKS, RocksDbTamper.heightKey(3),
        new Block(original.header(), List.of(replaced), original.chunks()).encode());
    assertThat(audit().failure()).hasValueSatisfying(f -> {
      assertThat(f.height()).isEqualTo(3);
      assertThat(f.reason()).contains("body does not match");
    });
  }

  @Test
  void aSealWithOneFlippedSignatureBitInvalidatesTheCertificate() throws Exception {
    final CommitCertificate cert = chain.certify(blocks.get(3));
    final List<CommitSeal> seals = new ArrayList<>(cert.seals());
    final byte[] sig = seals.get(1).signature();
    sig[10] ^= 0x04;
    seals.set(1, new CommitSeal(seals.get(1).validator(), sig));
    RocksDbTamper.overwrite(dir, RocksDbTamper.CERTIFICATES, RocksDbTamper.heightKey(4),
        new CommitCertificate(cert.height(), cert.round(), cert.blockHash(), seals).encode());
    assertThat(audit().failure()).hasValueSatisfying(f -> {
      assertThat(f.height()).isEqualTo(4);
      assertThat(f.reason()).contains("invalid commit certificate");
    });
  }

  @Test
  void aHeadMovedBackToAnOlderVersionIsBlamedOnTheHeightThatWroteTheNewest() throws Exception {
    RocksDbTamper.overwrite(dir, RocksDbTamper.HEADS, RocksDbTamper.headKey("Patient", "p1"), RocksDbTamper.heightKey(1));
    final ChainAuditor.Report report = audit();
    assertThat(report.failure()).hasValueSatisfying(f -> {
      assertThat(f.height()).isEqualTo(5);
      assertThat(f.reason()).contains("head of Patient/p1 is version 1").contains("newest version the chain wrote is 2");
    });
    assertThat(report.verifiedThrough()).isEqualTo(5);
  }

  @Test
  void aRemovedHeadIsFound() throws Exception {
    RocksDbTamper.delete(dir, RocksDbTamper.HEADS, RocksDbTamper.headKey("Patient", "p2"));
    assertThat(audit().failure()).hasValueSatisfying(f -> {
      assertThat(f.height()).isEqualTo(2);
      assertThat(f.reason()).contains("no head for Patient/p2");
    });
  }

  @Test
  void aHeadNoBlockWroteIsFound() throws Exception {
    RocksDbTamper.overwrite(dir, RocksDbTamper.HEADS, RocksDbTamper.headKey("Patient", "ghost"), RocksDbTamper.heightKey(1));
    assertThat(audit().failure()).hasValueSatisfying(f -> {
      assertThat(f.height()).isEqualTo(ChainAuditor.NO_HEIGHT);
      assertThat(f.reason()).contains("Patient/ghost").contains("no block wrote");
    });
  }

  @Test
  void aBlockStoredAboveTheRecordedHeightIsFound() throws Exception {
    RocksDbTamper.overwrite(dir, RocksDbTamper.BLOCKS, RocksDbTamper.heightKey(6), blocks.get(4).encode());
    assertThat(audit().failure()).hasValueSatisfying(f -> {
      assertThat(f.height()).isEqualTo(6);
      assertThat(f.reason()).contains("above the recorded height 5");
    });
  }

  @Test
  void aCorruptChunkThatNoBlockCarriedIsFoundToo() throws Exception {
    final Chunk loose = TestChain.leaf("large content placed on this node outside any block".getBytes(StandardCharsets.UTF_8));
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir)) {
      store.putChunk(loose.id(), loose.data());
    }
    assertThat(audit().ok()).isTrue();
    RocksDbTamper.overwrite(dir, RocksDbTamper.CHUNKS, loose.id().toBytes(), "bit rot".getBytes(StandardCharsets.UTF_8));
    final ChainAuditor.Report report = audit();
    assertThat(report.failure()).hasValueSatisfying(f -> {
      assertThat(f.height()).isEqualTo(ChainAuditor.NO_HEIGHT);
      assertThat(f.reason()).contains(loose.id().toString()).contains("does not hash to its id");
    });
    assertThat(report.verifiedThrough()).isEqualTo(5);
  }

  @Test
  void aCertificateWithTooFewSealsIsFoundAtItsHeight() throws Exception {
    final CommitCertificate weak = chain.certify(blocks.get(2), 2);
    RocksDbTamper.overwrite(dir, RocksDbTamper.CERTIFICATES, RocksDbTamper.heightKey(3), weak.encode());
    final ChainAuditor.Report report = audit();
    assertThat(report.failure()).hasValueSatisfying(f -> {
      assertThat(f.height()).isEqualTo(3);
      assertThat(f.reason()).contains("certificate");
    });
    assertThat(report.verifiedThrough()).isEqualTo(2);
  }

  @Test
  void aRewrittenBlockBreaksTheHashChainAtItsHeight() throws Exception {
    final byte[] other = TestChain.json("Patient", "forged", 1);
    final Block forged = chain.block(4, blocks.get(2).hash(), List.of(chain.write("Patient", "forged", 1, other, 99)),
        List.of(TestChain.leaf(other)));
    RocksDbTamper.overwrite(dir, RocksDbTamper.BLOCKS, RocksDbTamper.heightKey(4), forged.encode());
    assertThat(audit().failure()).hasValueSatisfying(f -> assertThat(f.height()).isEqualTo(4));
  }

  @Test
  void aTransactionWhoseSignatureWasSwappedIsFound() throws Exception {
    final Block original = blocks.get(1);
    final Transaction tx = original.transactions().get(0);
    final byte[] encoded = tx.encode();
    encoded[encoded.length - 1] ^= 0x01; // the last byte of the signature: the hash and the Merkle roots do not change
    final Transaction badSig = Transaction.decode(encoded);
    final Block tampered = new Block(original.header(), List.of(badSig), original.chunks());
    assertThat(tampered.hash()).isEqualTo(original.hash());
    RocksDbTamper.overwrite(dir, RocksDbTamper.BLOCKS, RocksDbTamper.heightKey(2), tampered.encode());
    assertThat(audit().failure()).hasValueSatisfying(f -> {
      assertThat(f.height()).isEqualTo(2);
      assertThat(f.reason()).contains("signed");
    });
  }

  @Test
  void aCorruptedChunkIsFoundAtTheBlockThatCarriedIt() throws Exception {
    final Chunk chunk = blocks.get(3).chunks().get(0);
    RocksDbTamper.overwrite(dir, RocksDbTamper.CHUNKS, chunk.id().toBytes(), "not the content".getBytes(StandardCharsets.UTF_8));
    assertThat(audit().failure()).hasValueSatisfying(f -> {
      assertThat(f.height()).isEqualTo(4);
      assertThat(f.reason()).contains(chunk.id().toString()).contains("does not hash to its id");
    });
  }

  @Test
  void aRemovedChunkIsFoundAtTheBlockThatCarriedIt() throws Exception {
    final Chunk chunk = blocks.get(4).chunks().get(1);
    RocksDbTamper.delete(dir, RocksDbTamper.CHUNKS, chunk.id().toBytes());
    assertThat(audit().failure()).hasValueSatisfying(f -> {
      assertThat(f.height()).isEqualTo(5);
      assertThat(f.reason()).contains("not in the chunk store");
    });
  }

  @Test
  void anEmptyChainIsFine() {
    final Path empty = dir.resolve("empty");
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(empty)) {
      store.initGenesis(chain.genesis());
      assertThat(auditor.audit(store).ok()).isTrue();
      assertThat(store.blockHash(0)).contains(chain.genesis().hash());
    }
  }
}
