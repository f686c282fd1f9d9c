package org.fhirledger.ledger.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.dag.ContentId;
import org.junit.jupiter.api.Test;

class RememberingSignerTest {
  private final Signer key = Ed25519Keys.generate(TestChain.seededRandom(7));
  private final AtomicInteger verifications = new AtomicInteger();
  private final RememberingVerifier verifier = new RememberingVerifier((k, message, signature) -> {
    verifications.incrementAndGet();
    return Ed25519Keys.verifier().verify(k, message, signature);
  }, 100);
  private final RememberingSigner signer = new RememberingSigner(key, verifier);

  @Test
  void aTransactionSignedHereIsAcceptedWithoutAnEd25519Verification() {
    final Transaction tx = transaction(signer, 1);
    assertThat(tx.hasValidSignature(verifier)).isTrue();
    assertThat(verifications).hasValue(0);
    // the signature is the real one: a verifier that remembers nothing accepts it too
    assertThat(tx.hasValidSignature(Ed25519Keys.verifier())).isTrue();
  }

  @Test
  void theSameKeySigningElsewhereIsStillVerified() {
    transaction(signer, 1);
    final Transaction other = transaction(key, 2);
    assertThat(other.hasValidSignature(verifier)).isTrue();
    assertThat(verifications).hasValue(1);
  }

  @Test
  void aSignatureMadeHereCountsForNoOtherMessage() {
    final byte[] message = "COMMIT h=9".getBytes(StandardCharsets.UTF_8);
    final byte[] signature = signer.sign(message);
    assertThat(verifier.verify(key.publicKey(), "COMMIT h=10".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
    final byte[] flipped = signature.clone();
    flipped[5] ^= 1;
    assertThat(verifier.verify(key.publicKey(), message, flipped)).isFalse();
    assertThat(verifications).hasValue(2);
    assertThat(verifier.verify(key.publicKey(), message, signature)).isTrue();
    assertThat(verifications).hasValue(2);
  }

  private static Transaction transaction(final Signer origin, final long nonce) {
    final byte[] content = ("{\"resourceType\":\"Patient\",\"id\":\"p" + nonce + "\"}").getBytes(StandardCharsets.UTF_8);
    return Transaction.sign("remembering-signer", origin, "test", 1_700_000_000_000L, nonce,
        List.of(new ResourceChange(Operation.CREATE, "Patient", "p" + nonce, 1, 0, ContentId.of(ContentId.CODEC_RAW, content), content.length)));
  }
}
