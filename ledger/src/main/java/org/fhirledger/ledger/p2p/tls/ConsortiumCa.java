package org.fhirledger.ledger.p2p.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The consortium's own certificate authority for transport TLS, made by {@code init-network --tls}: an ECDSA
 * P-256 key and a self-signed CA certificate, which issues each hospital a TLS certificate for its p2p host.
 * P-256 rather than Ed25519 because every TLS 1.2 and 1.3 stack (and t-io's JSSE engine) accepts it. The CA key
 * is needed again only to admit a new hospital, so it belongs offline with the trusted manager, not on a node.
 */
public final class ConsortiumCa {
  private static final Duration VALIDITY = Duration.ofDays(3650);
  private static final String SIGNATURE = "SHA256withECDSA";

  private final PrivateKey key;
  private final X509Certificate certificate;

  private ConsortiumCa(final PrivateKey key, final X509Certificate certificate) {
    this.key = key;
    this.certificate = certificate;
  }

  public static ConsortiumCa generate(final String chainId, final SecureRandom random) {
    Objects.requireNonNull(chainId, "chainId");
    final KeyPair pair = ecKeyPair(random);
    final X500Name subject = name("FHIR Ledger consortium CA " + chainId);
    final Instant now = Instant.now();
    try {
      final X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(random),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
      final JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new ConsortiumCa(pair.getPrivate(), sign(builder, pair.getPrivate()));
    } catch (final GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("could not create the consortium CA", e);
    }
  }

  public static ConsortiumCa load(final Path certificatePem, final Path privateKeyPem) throws IOException {
    return new ConsortiumCa(TlsIdentity.readPrivateKey(privateKeyPem), TlsIdentity.readCertificate(certificatePem));
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * A new key and certificate for one node. {@code hosts} go into the subjectAltName (IP addresses as such, other
   * names as DNS names) so that standard tools that do check host names accept the certificate too.
   */
  public TlsIdentity issue(final String nodeName, final List<String> hosts, final SecureRandom random) {
    final KeyPair pair = ecKeyPair(random);
    final Instant now = Instant.now();
    try {
      final X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(random),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)),
          name("FHIR Ledger node " + nodeName), pair.getPublic());
      final JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      builder.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      if (!hosts.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, altNames(hosts));
      }
      return new TlsIdentity(pair.getPrivate(), sign(builder, key), certificate);
    } catch (final GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("could not issue a TLS certificate for " + nodeName, e);
    }
  }

  /** Writes the CA certificate (distributed to every node) and its key (kept offline). */
  public void write(final Path certificatePem, final Path privateKeyPem) throws IOException {
    TlsIdentity.writePem(certificatePem, certificate);
    TlsIdentity.writePrivateKey(privateKeyPem, key);
  }

  private static GeneralNames altNames(final List<String> hosts) {
    final List<GeneralName> names = new ArrayList<>();
    for (final String host : hosts) {
      names.add(isIpLiteral(host) ? new GeneralName(GeneralName.iPAddress, host) : new GeneralName(GeneralName.dNSName, host));
    }
    return new GeneralNames(names.toArray(new GeneralName[0]));
  }

  private static boolean isIpLiteral(final String host) {
    if (host.contains(":")) {
      return true;
    }
    if (!host.matches("[0-9.]+")) {
      return false;
    }
    try {
      return InetAddress.getByName(host) != null; // a numeric literal: no lookup happens
    } catch (final java.net.UnknownHostException e) {
      return false;
    }
  }

  private static X509Certificate sign(final X509v3CertificateBuilder builder, final PrivateKey signingKey) throws CertificateException {
    try {
      final ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(signingKey);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (final OperatorCreationException e) {
      throw new IllegalStateException("no " + SIGNATURE + " signer", e);
    }
  }

  private static X500Name name(final String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "FHIR Ledger").addRDN(BCStyle.CN, commonName).build();
  }

  private static BigInteger serial(final SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE); // positive and at most 16 bytes (RFC 5280 4.1.2.2)
  }

  private static KeyPair ecKeyPair(final SecureRandom random) {
    try {
      final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (final GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 key generator", e);
    }
  }
}
