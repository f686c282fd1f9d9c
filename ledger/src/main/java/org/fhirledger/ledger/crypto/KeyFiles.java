package org.fhirledger.ledger.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Reads and writes Ed25519 keys as standard PEM: PKCS#8 for the private key and SubjectPublicKeyInfo
 * for the public key (RFC 8410), so that {@code openssl pkey -in node.key -text} reads them.
 */
public final class KeyFiles {
  // RFC 8410: the DER prefixes before the 32 raw key bytes are fixed for Ed25519.
  private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private KeyFiles() {}

  public static void writePrivateKey(final Path file, final Signer signer) throws IOException {
    final byte[] der = concat(PKCS8_PREFIX, Ed25519Keys.privateKeyOf(signer));
    Files.writeString(file, pem("PRIVATE KEY", der));
  }

  public static void writePublicKey(final Path file, final PublicKey key) throws IOException {
    Files.writeString(file, pem("PUBLIC KEY", concat(SPKI_PREFIX, key.toArray())));
  }

  public static Signer readPrivateKey(final Path file) throws IOException {
    final byte[] der = unpem(Files.readString(file, StandardCharsets.US_ASCII), "PRIVATE KEY");
    return Ed25519Keys.fromPrivateKey(stripPrefix(der, PKCS8_PREFIX, file));
  }

  public static PublicKey readPublicKey(final Path file) throws IOException {
    final byte[] der = unpem(Files.readString(file, StandardCharsets.US_ASCII), "PUBLIC KEY");
    return PublicKey.wrap(stripPrefix(der, SPKI_PREFIX, file));
  }

  /**
   * A public key as an operator pastes it: the PEM of {@code node.pub} (SubjectPublicKeyInfo) or the 64 hex digits
   * of the raw key. Throws {@link IllegalArgumentException} with the reason for anything else.
   */
  public static PublicKey parsePublicKey(final String text) {
    final String trimmed = text.strip();
    if (trimmed.startsWith("-----BEGIN")) {
      return PublicKey.wrap(stripPrefix(unpem(trimmed, "PUBLIC KEY"), SPKI_PREFIX, "the PEM"));
    }
    if (!trimmed.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("a public key is a PEM 'PUBLIC KEY' block or 64 hex digits");
    }
    return PublicKey.fromHex(trimmed.toLowerCase(java.util.Locale.ROOT));
  }

  private static byte[] stripPrefix(final byte[] der, final byte[] prefix, final Object source) {
    if (der.length != prefix.length + 32 || !Arrays.equals(der, 0, prefix.length, prefix, 0, prefix.length)) {
      throw new IllegalArgumentException(source + " does not hold an Ed25519 key (RFC 8410 DER expected)");
    }
    return Arrays.copyOfRange(der, prefix.length, der.length);
  }

  private static String pem(final String label, final byte[] der) {
    final String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  private static byte[] unpem(final String text, final String label) {
    final String begin = "-----BEGIN " + label + "-----";
    final String end = "-----END " + label + "-----";
    final int b = text.indexOf(begin);
    final int e = text.indexOf(end);
    if (b < 0 || e < b) {
      throw new IllegalArgumentException("no PEM block '" + label + "' found");
    }
    return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
  }

  private static byte[] concat(final byte[] a, final byte[] b) {
    final byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
