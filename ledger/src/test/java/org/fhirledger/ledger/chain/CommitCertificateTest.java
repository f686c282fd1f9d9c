package org.fhirledger.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.junit.jupiter.api.Test;

class CommitCertificateTest {
  private final TestChain chain = new TestChain(4, 17);
  private final Block block = ChainCodecTest.randomBlock(new Random(17), chain.signers().get(0), 2);
  private final SignatureVerifier verifier = Ed25519Keys.verifier();

  private String check(final CommitCertificate cert) {
    return cert.check(TestChain.CHAIN_ID, chain.validatorSet(), verifier);
  }

  private CommitCertificate withSeals(final List<CommitSeal> seals) {
    return new CommitCertificate(block.height(), 0, block.hash(), seals);
  }

  @Test
  void quorumOfValidSealsIsAccepted() {
    assertThat(chain.validatorSet().quorum()).isEqualTo(3);
    assertThat(check(chain.certify(block, 3))).isNull();
    assertThat(check(chain.certify(block, 4))).isNull();
    assertThat(chain.certify(block).isValid(TestChain.CHAIN_ID, chain.validatorSet(), verifier)).isTrue();
  }

  @Test
  void tooFewSealsAreRejected() {
    assertThat(check(chain.certify(block, 2))).contains("only 2 seals");
    assertThat(check(withSeals(List.of()))).contains("only 0 seals");
  }

  @Test
  void duplicateSealsDoNotCountTwice() {
    final List<CommitSeal> seals = new ArrayList<>(chain.certify(block, 2).seals());
    seals.add(seals.get(0));
    assertThat(check(withSeals(seals))).contains("two seals");
  }

  @Test
  void sealFromANonMemberIsRejected() {
    final TestChain outsiders = new TestChain(1, 18);
    final List<CommitSeal> seals = new ArrayList<>(chain.certify(block, 3).seals());
    seals.set(2, CommitSeal.create(outsiders.signers().get(0), TestChain.CHAIN_ID, block.height(), block.hash()));
    assertThat(check(withSeals(seals))).contains("non-validator");
  }

  @Test
  void badSignatureIsRejected() {
    final List<CommitSeal> seals = new ArrayList<>(chain.certify(block, 3).seals());
    final byte[] sig = seals.get(1).signature();
    sig[10] ^= 1;
    seals.set(1, new CommitSeal(seals.get(1).validator(), sig));
    assertThat(check(withSeals(seals))).contains("bad seal signature");
  }

  @Test
  void sealsForAnotherHeightHashOrChainAreRejected() {
    final List<CommitSeal> seals = chain.certify(block, 4).seals();
    assertThat(check(new CommitCertificate(block.height() + 1, 0, block.hash(), seals))).contains("bad seal signature");
    assertThat(check(new CommitCertificate(block.height(), 0, Hash32.sha256(new byte[] {1}), seals))).contains("bad seal signature");
    assertThat(withSeals(seals).check("another-chain", chain.validatorSet(), verifier)).contains("bad seal signature");
  }

  @Test
  void roundIsNotSignedSoItDoesNotMatterForValidity() {
    assertThat(check(new CommitCertificate(block.height(), 7, block.hash(), chain.certify(block).seals()))).isNull();
  }
}
