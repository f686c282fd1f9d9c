package org.fhirledger.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.junit.jupiter.api.Test;

/** The hash taken from received bytes must be the hash the origin signed, or no gossiped transaction would verify. */
class TransactionHashTest {
  private final TestChain chain = new TestChain(4, 13);

  @Test
  void theHashOfDecodedBytesIsTheSignedHash() {
    final Transaction tx = chain.write("Patient", "h", 1, TestChain.json("Patient", "h", 1), 3);
    final Transaction decoded = Transaction.decode(tx.encode());
    assertThat(decoded.hash()).isEqualTo(tx.hash());
    assertThat(decoded.hasValidSignature(Ed25519Keys.verifier())).isTrue();
  }

  @Test
  void aChangedByteInTheSignedPartChangesTheHashAndBreaksTheSignature() {
    final Transaction tx = chain.write("Patient", "h", 1, TestChain.json("Patient", "h", 1), 3);
    final byte[] bytes = tx.encode();
    bytes[bytes.length - 80] ^= 0x01; // inside the last change, before the signature
    final Transaction tampered = Transaction.decode(bytes);
    assertThat(tampered.hash()).isNotEqualTo(tx.hash());
    assertThat(tampered.hasValidSignature(Ed25519Keys.verifier())).isFalse();
  }
}
