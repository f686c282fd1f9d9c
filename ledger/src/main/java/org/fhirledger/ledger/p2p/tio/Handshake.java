package org.fhirledger.ledger.p2p.tio;

import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * The mutual authentication: each side sends a HELLO with a fresh nonce, then an AUTH signing the PEER's
 * nonce together with the chain identity and both keys. A recorded AUTH is useless on another connection
 * because the receiver's nonce differs, and it cannot be reflected because the keys are ordered
 * (signer first).
 */
final class Handshake {
  static final int PROTOCOL_VERSION = 1;
  static final int NONCE_LENGTH = 32;
  /** The largest frame accepted before a connection is authenticated: HELLO and AUTH are small. */
  static final int MAX_FRAME_BYTES = 4096;
  private static final int MAX_CHAIN_ID_LENGTH = 256;
  private static final String DOMAIN = "fhir-ledger/p2p/auth/v1";

  private Handshake() {}

  record Hello(int version, String chainId, Hash32 genesisHash, PublicKey key, byte[] nonce) {
    byte[] encode() {
      return new ByteWriter(128)
          .u8(version)
          .string(chainId)
          .hash(genesisHash)
          .key(key)
          .raw(nonce)
          .toByteArray();
    }

    /** Throws DecodingException on malformed input. */
    static Hello decode(final byte[] payload) {
      final ByteReader in = new ByteReader(payload);
      final int version = in.u8();
      final Hello hello =
          new Hello(version, in.string(MAX_CHAIN_ID_LENGTH), in.hash(), in.key(), in.raw(NONCE_LENGTH));
      in.expectEnd();
      return hello;
    }
  }

  /** What the AUTH signature covers: domain, chain, genesis, the receiver's nonce, signer's key, receiver's key. */
  static byte[] authMessage(
      final String chainId,
      final Hash32 genesisHash,
      final byte[] receiverNonce,
      final PublicKey signerKey,
      final PublicKey receiverKey) {
    return new ByteWriter(192)
        .string(DOMAIN)
        .string(chainId)
        .hash(genesisHash)
        .raw(receiverNonce)
        .key(signerKey)
        .key(receiverKey)
        .toByteArray();
  }

  static byte[] encodeAuth(final byte[] signature) {
    return new ByteWriter(Ed25519Keys.SIGNATURE_LENGTH + 4).bytes(signature).toByteArray();
  }

  /** Throws DecodingException on malformed input. */
  static byte[] decodeAuth(final byte[] payload) {
    final ByteReader in = new ByteReader(payload);
    final byte[] signature = in.bytes(Ed25519Keys.SIGNATURE_LENGTH);
    in.expectEnd();
    return signature;
  }
}
