package org.fhirledger.ledger.consensus.messages;

import java.nio.charset.StandardCharsets;
import org.fhirledger.ledger.codec.ByteWriter;

/** The domain-separated prefix of every signed consensus payload: a signature for one chain and type never counts for another. */
final class SignedPart {
  private static final byte[] DOMAIN = "fhirledger/ipbft/v1".getBytes(StandardCharsets.US_ASCII);

  private SignedPart() {}

  static ByteWriter start(final MessageType type, final String chainId, final long height, final int round) {
    return new ByteWriter(128).raw(DOMAIN).u8(type.code()).string(chainId).i64(height).i32(round);
  }
}
