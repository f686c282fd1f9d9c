package org.fhirledger.ledger.p2p.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * One node's TLS key and certificate, and the consortium CA it trusts. TLS on the peer-to-peer transport gives
 * confidentiality only: who a peer is comes from the Ed25519-signed hello, which runs inside the TLS session
 * whether or not TLS is on (t-io cannot ask for client certificates, so TLS could not prove the dialler anyway).
 * The trust anchor is the consortium CA alone, never the JVM's public CAs, so a node only completes a TLS
 * handshake with a server whose certificate the consortium issued.
 */
public record TlsIdentity(PrivateKey privateKey, X509Certificate certificate, X509Certificate consortiumCa) {
  private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

  public TlsIdentity {
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(consortiumCa, "consortiumCa");
  }

  /**
   * Reads PEM files (an X.509 certificate, a PKCS#8 private key, the CA's certificate) and checks that they belong
   * together: the certificate is issued by the CA, is valid now, and matches the key. A mismatch is found here, at
   * start-up, with the file named, rather than as an opaque handshake failure with every peer.
   */
  public static TlsIdentity load(final Path certificatePem, final Path privateKeyPem, final Path caPem) throws IOException {
    final X509Certificate certificate = readCertificate(certificatePem);
    final X509Certificate ca = readCertificate(caPem);
    final PrivateKey key = readPrivateKey(privateKeyPem);
    final String problem = check(key, certificate, ca, new Date());
    if (problem != null) {
      throw new IllegalArgumentException(certificatePem + ": " + problem);
    }
    return new TlsIdentity(key, certificate, ca);
  }

  /** Null when the three belong together and the certificate is valid at {@code now}, else what is wrong. */
  static String check(final PrivateKey key, final X509Certificate certificate, final X509Certificate ca, final Date now) {
    try {
      certificate.verify(ca.getPublicKey());
    } catch (final GeneralSecurityException e) {
      return "not issued by the consortium CA " + ca.getSubjectX500Principal().getName() + " (" + e.getMessage() + ")";
    }
    try {
      certificate.checkValidity(now);
    } catch (final CertificateException e) {
      return "certificate not valid now: " + e.getMessage();
    }
    try {
      final byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      final String algorithm = signatureAlgorithm(key);
      final Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      final byte[] signature = signer.sign();
      final Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature) ? null : "the private key does not match the certificate";
    } catch (final GeneralSecurityException e) {
      return "the private key does not match the certificate (" + e.getMessage() + ")";
    }
  }

  private static String signatureAlgorithm(final PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448 sign without a separate digest
    };
  }

  /** Key managers presenting this node's certificate chain (node, then CA). */
  public KeyManagerFactory keyManagerFactory() {
    try {
      final KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("node", privateKey, IN_MEMORY_PASSWORD, new X509Certificate[] {certificate, consortiumCa});
      final KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, IN_MEMORY_PASSWORD);
      return factory;
    } catch (final GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not build the TLS key manager", e);
    }
  }

  /** Trust managers whose only anchor is the consortium CA. */
  public TrustManagerFactory trustManagerFactory() {
    try {
      final KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("consortium-ca", consortiumCa);
      final TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      return factory;
    } catch (final GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not build the TLS trust manager", e);
    }
  }

  /** Writes the certificate and the private key as PEM (the key as PKCS#8, readable by {@code openssl pkey}). */
  public void write(final Path certificatePem, final Path privateKeyPem) throws IOException {
    writePem(certificatePem, certificate);
    writePrivateKey(privateKeyPem, privateKey);
  }

  /** As PKCS#8 ("PRIVATE KEY"); BouncyCastle's default for an EC key would be the older SEC1 form. */
  static void writePrivateKey(final Path file, final PrivateKey key) throws IOException {
    try {
      writePem(file, new JcaPKCS8Generator(key, null));
    } catch (final org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IOException("could not encode the private key of " + file, e);
    }
  }

  static void writePem(final Path file, final Object object) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(object);
    }
  }

  public static X509Certificate readCertificate(final Path file) throws IOException {
    final Object object = readPem(file);
    if (!(object instanceof X509CertificateHolder holder)) {
      throw new IllegalArgumentException(file + " does not hold a PEM certificate");
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (final CertificateException e) {
      throw new IllegalArgumentException(file + ": unreadable certificate", e);
    }
  }

  static PrivateKey readPrivateKey(final Path file) throws IOException {
    final Object object = readPem(file);
    if (!(object instanceof PrivateKeyInfo info)) {
      throw new IllegalArgumentException(file + " does not hold a PKCS#8 PEM private key");
    }
    return new JcaPEMKeyConverter().getPrivateKey(info);
  }

  private static Object readPem(final Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(in)) {
      final Object object = parser.readObject();
      if (object == null) {
        throw new IllegalArgumentException(file + " holds no PEM block");
      }
      return object;
    }
  }
}
