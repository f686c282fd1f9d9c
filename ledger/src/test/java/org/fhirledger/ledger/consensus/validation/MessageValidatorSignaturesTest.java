package org.fhirledger.ledger.consensus.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.fhirledger.ledger.chain.CommitSeal;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.consensus.messages.Commit;
import org.fhirledger.ledger.consensus.messages.Prepare;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Signer;
import org.junit.jupiter.api.Test;

/** The stateless part a node runs on its transport threads before a message is queued for the state machine. */
class MessageValidatorSignaturesTest {
  private static final String CHAIN = "sig-check";
  private final Signer alice = Ed25519Keys.generate(TestChain.seededRandom(11));
  private final Signer bob = Ed25519Keys.generate(TestChain.seededRandom(12));
  private final Hash32 hash = Hash32.sha256("block".getBytes(StandardCharsets.UTF_8));
  private final MessageValidator validator = new MessageValidator(CHAIN, Ed25519Keys.verifier());

  @Test
  void correctlySignedPrepareAndCommitPass() {
    assertThat(validator.checkSignatures(Prepare.create(alice, CHAIN, 3, 0, hash))).isNull();
    assertThat(validator.checkSignatures(Commit.create(alice, CHAIN, 3, 0, hash))).isNull();
  }

  @Test
  void prepareWithAFlippedSignatureBitFails() {
    final Prepare good = Prepare.create(alice, CHAIN, 3, 0, hash);
    final byte[] sig = good.signature();
    sig[0] ^= 1;
    assertThat(validator.checkSignatures(new Prepare(3, 0, hash, alice.publicKey(), sig))).contains("signature");
  }

  @Test
  void prepareSignedForAnotherChainFails() {
    final Prepare other = Prepare.create(alice, "another-chain", 3, 0, hash);
    assertThat(validator.checkSignatures(other)).isNotNull();
  }

  @Test
  void commitWhoseSealIsAnotherValidatorsFails() {
    final Commit good = Commit.create(alice, CHAIN, 3, 0, hash);
    final Commit borrowedSeal = new Commit(3, 0, hash, CommitSeal.create(bob, CHAIN, 3, hash), alice.publicKey(), good.signature());
    assertThat(validator.checkSignatures(borrowedSeal)).isNotNull();
  }
}
