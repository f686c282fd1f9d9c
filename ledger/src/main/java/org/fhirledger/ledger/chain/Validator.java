package org.fhirledger.ledger.chain;

import java.util.Objects;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.crypto.PublicKey;

/** A consortium member that votes: its name, key and peer-to-peer endpoint. */
public record Validator(String name, PublicKey publicKey, String host, int p2pPort) {
  public Validator {
    Objects.requireNonNull(name);
    Objects.requireNonNull(publicKey);
    Objects.requireNonNull(host);
    // what read() refuses must never be built: a member record or genesis peers could not decode
    ResourceChange.checkEncodedLength("validator name", name, MAX_TEXT);
    ResourceChange.checkEncodedLength("validator host", host, MAX_TEXT);
    if (p2pPort < 0 || p2pPort > 65_535) {
      throw new IllegalArgumentException("port " + p2pPort + " is out of range");
    }
  }

  private static final int MAX_TEXT = 256;

  void write(final ByteWriter out) {
    out.string(name).key(publicKey).string(host).i32(p2pPort);
  }

  static Validator read(final ByteReader in) {
    try {
      return new Validator(in.string(MAX_TEXT), in.key(), in.string(MAX_TEXT), in.i32());
    } catch (final IllegalArgumentException e) {
      throw new org.fhirledger.ledger.codec.DecodingException("invalid validator: " + e.getMessage());
    }
  }
}
