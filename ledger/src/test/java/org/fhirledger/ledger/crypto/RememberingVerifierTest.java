package org.fhirledger.ledger.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.fhirledger.ledger.chain.TestChain;
import org.junit.jupiter.api.Test;

class RememberingVerifierTest {
  private final Signer alice = Ed25519Keys.generate(TestChain.seededRandom(1));
  private final Signer bob = Ed25519Keys.generate(TestChain.seededRandom(2));
  private final AtomicInteger verifications = new AtomicInteger();
  private final SignatureVerifier counting = (key, message, signature) -> {
    verifications.incrementAndGet();
    return Ed25519Keys.verifier().verify(key, message, signature);
  };

  @Test
  void aSignatureVerifiedOnceIsAnsweredFromMemoryTheSecondTime() {
    final RememberingVerifier verifier = new RememberingVerifier(counting, 100);
    final byte[] message = bytes("PREPARE h=7");
    final byte[] signature = alice.sign(message);
    assertThat(verifier.verify(alice.publicKey(), message, signature)).isTrue();
    assertThat(verifier.verify(alice.publicKey(), message.clone(), signature.clone())).isTrue();
    assertThat(verifications).hasValue(1);
  }

  @Test
  void aRememberedSignatureCountsForNoOtherMessageOrKey() {
    final RememberingVerifier verifier = new RememberingVerifier(counting, 100);
    final byte[] message = bytes("COMMIT h=7");
    final byte[] signature = alice.sign(message);
    assertThat(verifier.verify(alice.publicKey(), message, signature)).isTrue();
    assertThat(verifier.verify(alice.publicKey(), bytes("COMMIT h=8"), signature)).isFalse();
    assertThat(verifier.verify(bob.publicKey(), message, signature)).isFalse();
    assertThat(verifications).hasValue(3);
  }

  @Test
  void anInvalidSignatureIsNeverRememberedAndIsCheckedEachTime() {
    final RememberingVerifier verifier = new RememberingVerifier(counting, 100);
    final byte[] message = bytes("PROPOSAL h=7");
    final byte[] forged = bob.sign(message);
    assertThat(verifier.verify(alice.publicKey(), message, forged)).isFalse();
    assertThat(verifier.verify(alice.publicKey(), message, forged)).isFalse();
    assertThat(verifications).hasValue(2);
    assertThat(verifier.size()).isZero();
  }

  @Test
  void aFullMemoryIsEmptiedAndFilledAgain() {
    final RememberingVerifier verifier = new RememberingVerifier(counting, 3);
    for (int i = 0; i < 5; i++) {
      final byte[] message = bytes("vote " + i);
      assertThat(verifier.verify(alice.publicKey(), message, alice.sign(message))).isTrue();
    }
    assertThat(verifier.size()).isEqualTo(2);
    final byte[] first = bytes("vote 0");
    assertThat(verifier.verify(alice.publicKey(), first, alice.sign(first))).isTrue();
    assertThat(verifications).hasValue(6);
  }

  private static byte[] bytes(final String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
