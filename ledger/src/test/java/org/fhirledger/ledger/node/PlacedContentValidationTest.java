package org.fhirledger.ledger.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.ContentPlacement;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.Dag;
import org.fhirledger.ledger.dag.DagBuilder;
import org.fhirledger.ledger.dag.DagReader;
import org.fhirledger.ledger.kademlia.ContentAssignment;
import org.fhirledger.ledger.kademlia.StorageReceipt;
import org.fhirledger.ledger.store.AppliedBlock;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validity rule of large content on a real RocksDB store: a proposal whose large content has a valid
 * receipt from every assigned holder of every leaf passes and executes; a missing, forged, misplaced or absent
 * receipt rejects the whole proposal; small content with receipts is refused too.
 */
class PlacedContentValidationTest {
  private static final int SIZE = 3 * 1024 * 1024 + 17;
  private final TestChain chain = new TestChain(4, 11);
  @TempDir
  Path dir;
  private RocksDbLedgerStore store;
  private LedgerBlockValidator validator;
  private Dag dag;
  private List<ContentId> leaves;
  private List<Chunk> interior;

  @BeforeEach
  void open() {
    store = RocksDbLedgerStore.open(dir);
    store.initGenesis(chain.genesis());
    validator = new LedgerBlockValidator(TestChain.CHAIN_ID, chain.genesis().manager(), store, Ed25519Keys.verifier(), tx -> false,
        Genesis.DEFAULT_LARGE_CONTENT_THRESHOLD);
    final byte[] content = new byte[SIZE];
    new Random(5).nextBytes(content);
    dag = new DagBuilder().build(content);
    final Map<ContentId, byte[]> all = new HashMap<>();
    dag.chunks().forEach(c -> all.put(c.id(), c.data()));
    leaves = DagReader.leafIds(dag.root(), dag.size(), id -> java.util.Optional.ofNullable(all.get(id)));
    interior = dag.chunks().stream().filter(c -> c.id().codec() == ContentId.CODEC_DAG_NODE).toList();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Signer signerOf(final PublicKey key) {
    return chain.signers().stream().filter(s -> s.publicKey().equals(key)).findFirst().orElseThrow();
  }

  /** Every assigned holder signs every leaf it is assigned, in assignment order: what ContentPlacer collects. */
  private List<byte[]> honestReceipts() {
    final ContentAssignment assignment = new ContentAssignment(chain.validatorSet());
    final List<byte[]> sigs = new ArrayList<>();
    for (final ContentId leaf : leaves) {
      for (final PublicKey holder : assignment.holders(leaf)) {
        sigs.add(StorageReceipt.sign(leaf, signerOf(holder)).signature());
      }
    }
    return sigs;
  }

  private Transaction binaryWrite(final long size, final List<byte[]> receipts) {
    final ResourceChange change = new ResourceChange(Operation.CREATE, "Binary", "big", 1, 0, dag.root(), size);
    final List<ContentPlacement> placements = receipts == null ? List.of() : List.of(new ContentPlacement(0, receipts));
    return Transaction.sign(TestChain.CHAIN_ID, chain.signers().get(1), "c", 1_700_000_000_000L, 42, List.of(change), 0, List.of(),
        placements);
  }

  private String validate(final Transaction tx, final List<Chunk> chunks) {
    final Block block = chain.block(1, store.blockHash(0).orElseThrow(), List.of(tx), chunks);
    return validator.validate(Block.decode(block.encode()));
  }

  @Test
  void largeContentWithEveryReceiptIsValidAndExecutesWithoutItsLeaves() {
    final Transaction tx = binaryWrite(dag.size(), honestReceipts());
    assertThat(Transaction.decode(tx.encode())).isEqualTo(tx);
    assertThat(tx.placements().get(0).size()).isEqualTo(leaves.size() * 3);
    assertThat(validate(tx, interior)).isNull();
    final Block block = chain.block(1, store.blockHash(0).orElseThrow(), List.of(tx), interior);
    final AppliedBlock applied = new BlockExecutor(store).execute(block, chain.certify(block));
    store.apply(applied);
    assertThat(applied.outcomes().get(0).committed()).isTrue();
    assertThat(store.head("Binary", "big")).hasValueSatisfying(v -> assertThat(v.contentSize()).isEqualTo(SIZE));
  }

  @Test
  void aMissingReceiptRejectsTheProposal() {
    final List<byte[]> receipts = honestReceipts();
    receipts.remove(receipts.size() - 1);
    assertThat(validate(binaryWrite(dag.size(), receipts), interior)).contains("receipts").contains("need " + leaves.size() * 3);
  }

  @Test
  void aReceiptSignedByAMemberThatIsNotTheAssignedHolderRejectsTheProposal() {
    final List<byte[]> receipts = honestReceipts();
    final ContentAssignment assignment = new ContentAssignment(chain.validatorSet());
    final ContentId leaf = leaves.get(leaves.size() / 2);
    final PublicKey outsider = chain.validatorSet().validators().stream().map(v -> v.publicKey())
        .filter(k -> !assignment.holders(leaf).contains(k)).findFirst().orElseThrow();
    // the outsider signs a perfectly good receipt of its own: it is still not the holder the set assigns
    final int index = leaves.indexOf(leaf) * 3;
    receipts.set(index, StorageReceipt.sign(leaf, signerOf(outsider)).signature());
    assertThat(validate(binaryWrite(dag.size(), receipts), interior)).contains("receipt " + index).contains("does not verify");
  }

  @Test
  void aForgedSignatureRejectsTheProposal() {
    final List<byte[]> receipts = honestReceipts();
    final byte[] forged = receipts.get(1).clone();
    forged[10] ^= 1;
    receipts.set(1, forged);
    assertThat(validate(binaryWrite(dag.size(), receipts), interior)).contains("receipt 1").contains("does not verify");
  }

  @Test
  void receiptsOfOneLeafDoNotStandForAnother() {
    final List<byte[]> receipts = honestReceipts();
    final List<byte[]> swapped = new ArrayList<>(receipts.subList(3, 6));
    swapped.addAll(receipts.subList(0, 3));
    swapped.addAll(receipts.subList(6, receipts.size()));
    assertThat(validate(binaryWrite(dag.size(), swapped), interior)).contains("does not verify");
  }

  @Test
  void largeContentWithoutReceiptsIsRejectedEvenWhenTheBlockCarriesEveryChunk() {
    assertThat(validate(binaryWrite(dag.size(), null), dag.chunks())).contains("has no placement receipts");
  }

  @Test
  void smallContentWithReceiptsIsRejected() {
    // the size decides: below the threshold the content must travel with the block, receipts or not
    assertThat(validate(binaryWrite(1000, honestReceipts()), interior)).contains("is not large");
  }

  @Test
  void placedContentWhoseInteriorNodesAreMissingIsRejected() {
    assertThat(validate(binaryWrite(dag.size(), honestReceipts()), List.of())).contains("interior nodes");
  }

  @Test
  void aThresholdOtherThanTheDefaultIsPartOfTheGenesisAndOfItsHash() {
    final Genesis standard = chain.genesis();
    final Genesis lower = new Genesis(standard.chainId(), standard.timestamp(), standard.validators(), standard.manager(), 512 * 1024);
    assertThat(Genesis.decode(standard.encode())).isEqualTo(standard);
    assertThat(standard.encode()[0]).isEqualTo((byte) Genesis.ENCODING_VERSION);
    assertThat(Genesis.decode(lower.encode())).isEqualTo(lower);
    assertThat(lower.hash()).isNotEqualTo(standard.hash());
    assertThat(lower.isLarge(600 * 1024)).isTrue();
    assertThat(standard.isLarge(600 * 1024)).isFalse();
  }
}
