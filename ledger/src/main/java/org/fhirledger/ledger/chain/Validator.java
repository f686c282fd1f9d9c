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
  }

  void write(final ByteWriter out) {
    out.string(name).key(publicKey).string(host).i32(p2pPort);
  }

  static Validator read(final ByteReader in) {
    return new Validator(in.string(256), in.key(), in.string(256), in.i32());
  }
}
