package org.fhirledger.ledger.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.fhirledger.ledger.chain.TestChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  @TempDir Path dir;
  private final Signer signer = Ed25519Keys.generate(TestChain.seededRandom(5));

  @Test
  void keysRoundTripThroughPemFiles() throws Exception {
    final Path key = dir.resolve("node.key");
    final Path pub = dir.resolve("node.pub");
    KeyFiles.writePrivateKey(key, signer);
    KeyFiles.writePublicKey(pub, signer.publicKey());

    final Signer read = KeyFiles.readPrivateKey(key);
    assertThat(read.publicKey()).isEqualTo(signer.publicKey());
    assertThat(KeyFiles.readPublicKey(pub)).isEqualTo(signer.publicKey());
    final byte[] msg = "hello".getBytes(StandardCharsets.US_ASCII);
    assertThat(Ed25519Keys.verifier().verify(signer.publicKey(), msg, read.sign(msg))).isTrue();
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
  }

  @Test
  void filesAreStandardPkcs8AndSpkiThatTheJdkReads() throws Exception {
    final Path key = dir.resolve("node.key");
    final Path pub = dir.resolve("node.pub");
    KeyFiles.writePrivateKey(key, signer);
    KeyFiles.writePublicKey(pub, signer.publicKey());
    final KeyFactory ed = KeyFactory.getInstance("Ed25519");
    assertThat(ed.generatePrivate(new PKCS8EncodedKeySpec(der(key))).getAlgorithm()).isIn("EdDSA", "Ed25519");
    final byte[] spki = ed.generatePublic(new X509EncodedKeySpec(der(pub))).getEncoded();
    assertThat(java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length)).isEqualTo(signer.publicKey().toArray());
  }

  private static byte[] der(final Path pem) throws Exception {
    final String body = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }

  @Test
  void aPublicKeyFileIsNotAPrivateKey() throws Exception {
    final Path pub = dir.resolve("node.pub");
    KeyFiles.writePublicKey(pub, signer.publicKey());
    assertThatThrownBy(() -> KeyFiles.readPrivateKey(pub)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aKeyOfAnotherAlgorithmIsRefused() throws Exception {
    final Path other = dir.resolve("other.key");
    // a PKCS#8 header for X25519 (OID 1.3.101.110) in front of 32 bytes
    Files.writeString(other, "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> KeyFiles.readPrivateKey(other)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Ed25519");
  }
}
