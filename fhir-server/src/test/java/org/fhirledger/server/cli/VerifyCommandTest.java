package org.fhirledger.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.BlockHeader;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.CommitSeal;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.node.BlockExecutor;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** {@code fhir-ledger verify} as a user runs it, on a real chain of four certified blocks in a node's data folder. */
class VerifyCommandTest {
  private static final String CHAIN_ID = "verify-test";
  private static final int BLOCKS = 4;
  private final List<Signer> signers = new ArrayList<>();
  @TempDir
  Path data;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeChain() throws Exception {
    final SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(42);
    final List<Validator> validators = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      signers.add(Ed25519Keys.generate(random));
      validators.add(new Validator("node-" + i, signers.get(i).publicKey(), "127.0.0.1", 30300 + i));
    }
    final Genesis genesis = new Genesis(CHAIN_ID, 1_700_000_000_000L, validators, signers.get(0).publicKey());
    final ValidatorSet set = genesis.validatorSet();
    try (RocksDbLedgerStore store = RocksDbLedgerStore.open(data.resolve("chain"))) {
      store.initGenesis(genesis);
      for (long h = 1; h <= BLOCKS; h++) {
        final byte[] content = ("{\"resourceType\":\"Patient\",\"id\":\"p" + h + "\"}").getBytes(StandardCharsets.UTF_8);
        final ContentId cid = ContentId.of(ContentId.CODEC_RAW, content);
        final Transaction tx = Transaction.sign(CHAIN_ID, signers.get((int) h % 4), "client", 1_700_000_000_000L + h, h,
            List.of(new ResourceChange(Operation.CREATE, "Patient", "p" + h, 1, 0, cid, content.length)));
        final List<Chunk> chunks = List.of(new Chunk(cid, content));
        final BlockHeader header = new BlockHeader(CHAIN_ID, h, store.blockHash(h - 1).orElseThrow(), 1_700_000_000_000L + h * 1000,
            set.proposer(h, 0), 0, Block.transactionsRoot(List.of(tx)), Block.contentRoot(chunks));
        final Block block = new Block(header, List.of(tx), chunks);
        final List<CommitSeal> seals = new ArrayList<>();
        for (int i = 0; i < set.quorum(); i++) {
          seals.add(CommitSeal.create(signers.get(i), CHAIN_ID, h, block.hash()));
        }
        store.apply(new BlockExecutor(store).execute(block, new CommitCertificate(h, 0, block.hash(), seals)));
      }
    }
  }

  private int verify(final String... extra) {
    final List<String> args = new ArrayList<>(List.of("verify", "--data", data.toString()));
    args.addAll(List.of(extra));
    return FhirLedgerMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
  }

  @Test
  void anIntactChainExitsZeroWithASummary() {
    assertThat(verify("--no-progress")).isZero();
    assertThat(out.toString())
        .startsWith("OK: every height verified of " + data.resolve("chain"))
        .contains("heights       4 verified of 4")
        .contains("transactions  4")
        .contains("resources     4")
        .contains("chunks        4 (")
        .containsPattern("on disk +\\d")
        .containsPattern("time +\\d+\\.\\d\\d s");
    assertThat(err.toString()).as("no progress line when asked for none").isEmpty();
  }

  @Test
  void aRemovedBlockExitsNonZeroNamingItsHeight() throws Exception {
    deleteBlock(3);
    assertThat(verify("--no-progress")).isEqualTo(1);
    assertThat(out.toString())
        .startsWith("FAILED at height 3: block missing")
        .contains("heights       2 verified of 4");
  }

  @Test
  void theProgressLineGoesToStderrAndEndsAtTheLastHeight() {
    assertThat(verify("--progress")).isZero();
    assertThat(err.toString()).contains("verifying [").contains("100% 4/4 heights").endsWith(System.lineSeparator());
    assertThat(out.toString()).doesNotContain("verifying [");
  }

  @Test
  void aFolderWithoutAStoreExitsTwo() {
    final List<String> args = List.of("verify", "--data", data.resolve("nothing-here").toString());
    assertThat(FhirLedgerMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new))).isEqualTo(2);
    assertThat(err.toString()).contains("no ledger store");
  }

  /** Deletes a block behind the store's back, as a bad disk or an intruder would. */
  private void deleteBlock(final long height) throws Exception {
    final String dir = data.resolve("chain").toString();
    final List<byte[]> names;
    try (Options options = new Options()) {
      names = RocksDB.listColumnFamilies(options, dir);
    }
    final List<ColumnFamilyDescriptor> descriptors = names.stream().map(ColumnFamilyDescriptor::new).toList();
    final List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (RocksDB db = RocksDB.open(dir, descriptors, handles)) {
      for (int i = 0; i < names.size(); i++) {
        if ("blocks".equals(new String(names.get(i), StandardCharsets.US_ASCII))) {
          db.delete(handles.get(i), ByteBuffer.allocate(8).putLong(height).array());
        }
      }
    } finally {
      handles.forEach(ColumnFamilyHandle::close);
    }
  }
}
