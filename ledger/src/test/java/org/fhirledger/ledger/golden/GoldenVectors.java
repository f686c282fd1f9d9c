package org.fhirledger.ledger.golden;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.BlockHeader;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.CommitSeal;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.MerkleProof;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.consensus.messages.Commit;
import org.fhirledger.ledger.consensus.messages.ConsensusCodec;
import org.fhirledger.ledger.consensus.messages.Prepare;
import org.fhirledger.ledger.consensus.messages.Proposal;
import org.fhirledger.ledger.consensus.messages.RoundChange;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.DagLink;
import org.fhirledger.ledger.dag.DagNode;

/**
 * The values behind the golden test vectors in {@code src/test/resources/golden/}: everything is built from
 * fixed numbers and strings and from four Ed25519 keys whose private keys are
 * {@code SHA-256("fhirledger/golden/key/" + i)}, i = 0..3. Ed25519 signatures are deterministic, so the same
 * code always gives the same bytes; if it does not, the encoding has changed.
 */
final class GoldenVectors {
  static final String CHAIN_ID = "golden-chain";
  static final long HEIGHT = 7;
  static final List<Signer> KEYS = keys();

  /** One vector: its file name, how to build it from the fixed values, and how to decode and re-encode its bytes. */
  record Vector(String name, String description, Supplier<byte[]> build, Function<byte[], byte[]> reencode) {}

  private GoldenVectors() {}

  private static List<Signer> keys() {
    final List<Signer> keys = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      keys.add(Ed25519Keys.fromPrivateKey(Hash32.sha256(("fhirledger/golden/key/" + i).getBytes(StandardCharsets.US_ASCII)).toArray()));
    }
    return List.copyOf(keys);
  }

  static byte[] patientJson() {
    return "{\"resourceType\":\"Patient\",\"id\":\"example\",\"meta\":{\"versionId\":\"1\"}}".getBytes(StandardCharsets.UTF_8);
  }

  static Chunk patientLeaf() {
    return new Chunk(ContentId.of(ContentId.CODEC_RAW, patientJson()), patientJson());
  }

  static DagNode dagNode() {
    final byte[] a = "hello, ".getBytes(StandardCharsets.US_ASCII);
    final byte[] b = "world".getBytes(StandardCharsets.US_ASCII);
    return DagNode.over(List.of(new DagLink(ContentId.of(ContentId.CODEC_RAW, a), a.length), new DagLink(ContentId.of(ContentId.CODEC_RAW, b), b.length)));
  }

  /**
   * A create, an update of content held in a DAG node, and a delete, signed by key 0, asking for referential
   * integrity, under two conditions (a conditional create's "no match" and a conditional update's one match).
   */
  static Transaction transaction() {
    final byte[] json = patientJson();
    final DagNode node = dagNode();
    return Transaction.sign(CHAIN_ID, KEYS.get(0), "client-a", 1_700_000_000_000L, 42, List.of(
        new ResourceChange(Operation.CREATE, "Patient", "example", 1, 0, ContentId.of(ContentId.CODEC_RAW, json), json.length),
        new ResourceChange(Operation.UPDATE, "Binary", "scan-1", 3, 2, node.id(), node.size()),
        new ResourceChange(Operation.DELETE, "Encounter", "enc-9", 2, 1, null, 0)),
        Transaction.FLAG_REFERENTIAL_INTEGRITY,
        List.of(new org.fhirledger.ledger.chain.Condition("Patient", List.of("identifier=urn:oid:1.2.36.146.595.217.0.1|12345"), List.of()),
            new org.fhirledger.ledger.chain.Condition("Binary", List.of("identifier=scan-1"), List.of("scan-1"))));
  }

  static List<Transaction> transactions() {
    final byte[] json = patientJson();
    final ResourceChange create = new ResourceChange(Operation.CREATE, "Observation", "obs-1", 1, 0, ContentId.of(ContentId.CODEC_RAW, json), json.length);
    return List.of(transaction(),
        Transaction.sign(CHAIN_ID, KEYS.get(1), "client-b", 1_700_000_000_500L, 43, List.of(create)),
        Transaction.sign(CHAIN_ID, KEYS.get(2), "", 1_700_000_001_000L, 44,
            List.of(new ResourceChange(Operation.DELETE, "Observation", "obs-0", 5, 4, null, 0))));
  }

  static BlockHeader header() {
    return new BlockHeader(CHAIN_ID, HEIGHT, Hash32.sha256("golden parent".getBytes(StandardCharsets.US_ASCII)), 1_700_000_007_000L,
        KEYS.get(1).publicKey(), 0, Block.transactionsRoot(transactions()), Block.contentRoot(List.of(patientLeaf())));
  }

  static Block block() {
    return new Block(header(), transactions(), List.of(patientLeaf()));
  }

  static List<Prepare> prepares() {
    final Hash32 hash = block().hash();
    return List.of(Prepare.create(KEYS.get(0), CHAIN_ID, HEIGHT, 0, hash), Prepare.create(KEYS.get(1), CHAIN_ID, HEIGHT, 0, hash),
        Prepare.create(KEYS.get(2), CHAIN_ID, HEIGHT, 0, hash));
  }

  static CommitCertificate certificate() {
    final Hash32 hash = block().hash();
    final List<CommitSeal> seals = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      seals.add(CommitSeal.create(KEYS.get(i), CHAIN_ID, HEIGHT, hash));
    }
    return new CommitCertificate(HEIGHT, 0, hash, seals);
  }

  static Genesis genesis() {
    final List<Validator> validators = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      validators.add(new Validator("hospital-" + i, KEYS.get(i).publicKey(), "10.0.0." + (i + 1), 30300 + i));
    }
    return new Genesis(CHAIN_ID, 1_700_000_000_000L, validators, KEYS.get(0).publicKey());
  }

  /**
   * A create of a Binary whose content (the DAG node of dag-node.hex) was placed: the receipts of the 3
   * assigned holders (2f+1 of the 4 golden validators) of each of its 2 leaves, in assignment order.
   */
  static Transaction placedTransaction() {
    final DagNode node = dagNode();
    final org.fhirledger.ledger.kademlia.ContentAssignment assignment = new org.fhirledger.ledger.kademlia.ContentAssignment(genesis().validatorSet());
    final List<byte[]> receipts = new ArrayList<>();
    for (final DagLink leaf : node.links()) {
      for (final org.fhirledger.ledger.crypto.PublicKey holder : assignment.holders(leaf.id())) {
        final Signer key = KEYS.stream().filter(k -> k.publicKey().equals(holder)).findFirst().orElseThrow();
        receipts.add(org.fhirledger.ledger.kademlia.StorageReceipt.sign(leaf.id(), key).signature());
      }
    }
    return Transaction.sign(CHAIN_ID, KEYS.get(1), "client-c", 1_700_000_002_000L, 45,
        List.of(new ResourceChange(Operation.CREATE, "Binary", "large-1", 1, 0, node.id(), node.size())), 0, List.of(),
        List.of(new org.fhirledger.ledger.chain.ContentPlacement(0, receipts)));
  }

  /** The golden genesis with a large-content threshold of 512 KiB instead of the default: encoding version 2. */
  static Genesis genesisWithThreshold() {
    final Genesis g = genesis();
    return new Genesis(g.chainId(), g.timestamp(), g.validators(), g.manager(), 512 * 1024);
  }

  /** A fifth member, key {@code SHA-256("fhirledger/golden/key/4")}, that the manager (key 0) adds. */
  static Validator newMember() {
    final Signer key = Ed25519Keys.fromPrivateKey(Hash32.sha256("fhirledger/golden/key/4".getBytes(StandardCharsets.US_ASCII)).toArray());
    return new Validator("hospital-4", key.publicKey(), "10.0.0.5", 30304);
  }

  static org.fhirledger.ledger.chain.MembershipChange addMember() {
    return org.fhirledger.ledger.chain.MembershipChange.add(newMember());
  }

  static List<Vector> all() {
    return List.of(
        new Vector("transaction", "Transaction: create, update (DAG node content), delete; referential integrity; two conditions; signed by key 0",
            () -> transaction().encode(), b -> Transaction.decode(b).encode()),
        new Vector("block-header", "BlockHeader at height 7 over the three transactions and one chunk of block.hex",
            () -> header().encode(), GoldenVectors::reencodeHeader),
        new Vector("block", "Block: header, three transactions, one raw leaf chunk",
            () -> block().encode(), b -> Block.decode(b).encode()),
        new Vector("proposal", "Proposal (round 1, re-proposing the block prepared in round 0 with its three PREPAREs), by key 1",
            () -> Proposal.create(KEYS.get(1), CHAIN_ID, HEIGHT, 1, block(), 0, prepares()).encode(), GoldenVectors::reencodeConsensus),
        new Vector("prepare", "Prepare (round 0) by key 2",
            () -> prepares().get(2).encode(), GoldenVectors::reencodeConsensus),
        new Vector("commit", "Commit (round 0) with its commit seal, by key 3",
            () -> Commit.create(KEYS.get(3), CHAIN_ID, HEIGHT, 0, block().hash()).encode(), GoldenVectors::reencodeConsensus),
        new Vector("round-change", "RoundChange to round 2 carrying the block prepared in round 0 and its PREPAREs, by key 2",
            () -> RoundChange.create(KEYS.get(2), CHAIN_ID, HEIGHT, 2, 0, block(), prepares()).encode(), GoldenVectors::reencodeConsensus),
        new Vector("commit-certificate", "CommitCertificate: seals of keys 0, 1, 2 over the block",
            () -> certificate().encode(), b -> CommitCertificate.decode(b).encode()),
        new Vector("genesis", "Genesis of the four golden validators, key 0 as manager",
            () -> genesis().encode(), b -> Genesis.decode(b).encode()),
        new Vector("genesis-threshold", "Genesis as genesis.hex with a large-content threshold of 512 KiB (encoding version 2)",
            () -> genesisWithThreshold().encode(), b -> Genesis.decode(b).encode()),
        new Vector("placed-transaction", "Transaction: create of Binary/large-1 whose DAG-node content was placed; 2 leaves x 3 holders' receipts; signed by key 1",
            () -> placedTransaction().encode(), b -> Transaction.decode(b).encode()),
        new Vector("dag-node", "DagNode over the raw leaves \"hello, \" and \"world\"",
            () -> dagNode().encode(), b -> DagNode.decode(b).encode()),
        new Vector("merkle-proof", "MerkleProof of transaction 1 of the block's three against its transactionsRoot",
            () -> block().inclusionProof(transactions().get(1).hash()).orElseThrow().encode(), b -> MerkleProof.decode(b).encode()),
        new Vector("membership-transaction", "Transaction: ADD_VALIDATOR of hospital-4 (key 4), signed by the manager, key 0",
            () -> addMember().sign(CHAIN_ID, KEYS.get(0), "operator", 1_700_000_002_000L, 45).encode(), b -> Transaction.decode(b).encode()),
        new Vector("member-record", "Member record of hospital-4: the raw chunk an ADD_VALIDATOR's content id names",
            () -> addMember().chunk().data(), b -> b),
        new Vector("validator-set", "ValidatorSet as the store keeps it: the four golden validators, then hospital-4",
            () -> genesis().validatorSet().with(newMember()).encode(), b -> org.fhirledger.ledger.chain.ValidatorSet.decode(b).encode()));
  }

  private static byte[] reencodeHeader(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    final BlockHeader header = BlockHeader.read(in);
    in.expectEnd();
    return header.encode();
  }

  private static byte[] reencodeConsensus(final byte[] bytes) {
    return ConsensusCodec.decode(bytes).encode();
  }
}
