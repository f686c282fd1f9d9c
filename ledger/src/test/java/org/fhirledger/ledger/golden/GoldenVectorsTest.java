package org.fhirledger.ledger.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fhirledger.ledger.golden.GoldenVectors.CHAIN_ID;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.MerkleProof;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.consensus.messages.Commit;
import org.fhirledger.ledger.consensus.messages.ConsensusCodec;
import org.fhirledger.ledger.consensus.messages.Prepare;
import org.fhirledger.ledger.consensus.messages.Proposal;
import org.fhirledger.ledger.consensus.messages.RoundChange;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.DagNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The checked-in hex vectors pin the encoding: each decodes and re-encodes byte for byte, and the same value
 * built afresh from the fixed inputs encodes to the same hex. A change to any encoding fails here first.
 * Regenerate (only for a deliberate, documented format change):
 * {@code mvn -q -o -pl ledger test -Dtest=GoldenVectorsTest -Dfhirledger.regenerateGolden=true}.
 */
class GoldenVectorsTest {
  private static final boolean REGENERATE = Boolean.getBoolean("fhirledger.regenerateGolden");
  // surefire runs in the module directory
  private static final Path SOURCE_DIR = Path.of("src", "test", "resources", "golden");
  private static final HexFormat HEX = HexFormat.of();
  private static final SignatureVerifier VERIFIER = Ed25519Keys.verifier();

  static byte[] golden(final String name) {
    try (InputStream in = GoldenVectorsTest.class.getResourceAsStream("/golden/" + name + ".hex")) {
      if (in == null) {
        throw new AssertionError("missing golden vector " + name + ".hex; regenerate with -Dfhirledger.regenerateGolden=true");
      }
      final String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      return HEX.parseHex(text.lines().filter(l -> !l.startsWith("#")).map(String::strip).collect(Collectors.joining()));
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(final GoldenVectors.Vector v) throws IOException {
    final String hex = HEX.formatHex(v.build().get());
    final StringBuilder text = new StringBuilder()
        .append("# FHIR Ledger golden vector: ").append(v.description()).append('\n')
        .append("# ").append(hex.length() / 2).append(" bytes; encoding in docs/protocol/encoding.md; values in GoldenVectors.java\n")
        .append("# Regenerate: mvn -q -o -pl ledger test -Dtest=GoldenVectorsTest -Dfhirledger.regenerateGolden=true\n");
    for (int i = 0; i < hex.length(); i += 64) {
      text.append(hex, i, Math.min(hex.length(), i + 64)).append('\n');
    }
    Files.createDirectories(SOURCE_DIR);
    Files.writeString(SOURCE_DIR.resolve(v.name() + ".hex"), text.toString(), StandardCharsets.US_ASCII);
  }

  @TestFactory
  Stream<DynamicTest> eachVectorDecodesReencodesAndIsRebuiltByteForByte() {
    return GoldenVectors.all().stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> {
      if (REGENERATE) {
        write(v);
        return;
      }
      final byte[] bytes = golden(v.name());
      assertThat(HEX.formatHex(v.reencode().apply(bytes))).as("%s decoded and re-encoded", v.name()).isEqualTo(HEX.formatHex(bytes));
      assertThat(HEX.formatHex(v.build().get())).as("%s rebuilt from the fixed values", v.name()).isEqualTo(HEX.formatHex(bytes));
    }));
  }

  @Test
  void theDecodedVectorsAreValidAndAgreeWithEachOther() {
    // while regenerating, the classpath still holds the old files
    Assumptions.assumeFalse(REGENERATE);
    final Genesis genesis = Genesis.decode(golden("genesis"));
    final Block block = Block.decode(golden("block"));
    assertThat(block.header().encode()).isEqualTo(golden("block-header"));
    assertThat(block.transactions()).allSatisfy(tx -> assertThat(tx.hasValidSignature(VERIFIER)).isTrue());
    assertThat(Transaction.decode(golden("transaction"))).isEqualTo(block.transactions().get(0));

    final CommitCertificate cert = CommitCertificate.decode(golden("commit-certificate"));
    assertThat(cert.blockHash()).isEqualTo(block.hash());
    assertThat(cert.check(CHAIN_ID, genesis.validatorSet(), VERIFIER)).isNull();

    final Proposal proposal = (Proposal) ConsensusCodec.decode(golden("proposal"));
    assertThat(proposal.block()).isEqualTo(block);
    assertThat(proposal.hasValidSignature(CHAIN_ID, VERIFIER)).isTrue();
    assertThat(proposal.justification()).allSatisfy(p -> assertThat(p.hasValidSignature(CHAIN_ID, VERIFIER)).isTrue());
    assertThat(((Prepare) ConsensusCodec.decode(golden("prepare"))).hasValidSignature(CHAIN_ID, VERIFIER)).isTrue();
    assertThat(((Commit) ConsensusCodec.decode(golden("commit"))).hasValidSignature(CHAIN_ID, VERIFIER)).isTrue();
    final RoundChange roundChange = (RoundChange) ConsensusCodec.decode(golden("round-change"));
    assertThat(roundChange.hasValidSignature(CHAIN_ID, VERIFIER)).isTrue();
    assertThat(roundChange.preparedBlock()).isEqualTo(block);

    final MerkleProof proof = MerkleProof.decode(golden("merkle-proof"));
    assertThat(proof.verify(block.transactions().get(1).hash().toArray(), block.header().transactionsRoot())).isTrue();

    final Transaction add = Transaction.decode(golden("membership-transaction"));
    assertThat(add.origin()).isEqualTo(genesis.manager());
    assertThat(add.hasValidSignature(VERIFIER)).isTrue();
    final byte[] record = golden("member-record");
    final org.fhirledger.ledger.chain.MembershipChange change = org.fhirledger.ledger.chain.MembershipChange.from(add.changes().get(0),
        id -> id.matches(record) ? java.util.Optional.of(record) : java.util.Optional.empty());
    assertThat(org.fhirledger.ledger.chain.ValidatorSet.decode(golden("validator-set"))).isEqualTo(genesis.validatorSet().with(change.member()));

    final DagNode node = DagNode.decode(golden("dag-node"));
    assertThat(node.size()).isEqualTo(12);
    assertThat(node.links().get(0).id()).isEqualTo(ContentId.of(ContentId.CODEC_RAW, "hello, ".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void theGoldenKeysAreTheDocumentedOnes() {
    // SHA-256("fhirledger/golden/key/0") as an RFC 8032 private key; the same public key comes out of Python's cryptography
    assertThat(GoldenVectors.KEYS.get(0).publicKey().toHex()).isEqualTo("20a12e8d95534d8b3abd139e42cbbd6d1aeb27469f77e24ca0b8e650fef83f49");
  }
}
