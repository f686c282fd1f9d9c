package org.fhirledger.ledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.node.BlockExecutor;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import org.fhirledger.ledger.store.rocksdb.RocksDbTamper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real chain of five blocks in RocksDB, audited whole and then tampered with on disk, one way per test. */
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
        final Transaction tx = chain.write("Patient", "p" + h, 1, content, h);
        final Block block = chain.block(h, store.blockHash(h - 1).orElseThrow(), List.of(tx), List.of(TestChain.leaf(content)));
        store.apply(executor.execute(block, chain.certify(block)));
        blocks.add(block);
      }
    }
  }

  private ChainAuditor.Report audit() {
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(dir)) {
      return auditor.audit(store);
    }
  }

  @Test
  void anUntouchedChainVerifiesEndToEnd() {
    final ChainAuditor.Report report = audit();
    assertThat(report.ok()).isTrue();
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
    final Chunk chunk = blocks.get(4).chunks().get(0);
    RocksDbTamper.overwrite(dir, RocksDbTamper.CHUNKS, chunk.id().toBytes(), "not the content".getBytes());
    assertThat(audit().failure()).hasValueSatisfying(f -> assertThat(f.height()).isEqualTo(5));
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
