package org.fhirledger.ledger.kademlia;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.dag.ContentId;

/**
 * A holder's signed statement "I hold the chunk with this id": Ed25519 over
 * {@code "fhir-ledger/dht/receipt/v1", content id, holder key}. A placement collects r of them, so whoever
 * checks them knows r members committed to serving the content.
 */
public record StorageReceipt(ContentId id, PublicKey holder, byte[] signature) {
  private static final byte[] DOMAIN = "fhir-ledger/dht/receipt/v1".getBytes(StandardCharsets.US_ASCII);

  public StorageReceipt {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(holder, "holder");
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  public static byte[] signedBytes(final ContentId id, final PublicKey holder) {
    final ByteWriter out = new ByteWriter(128);
    out.raw(DOMAIN);
    id.write(out);
    out.key(holder);
    return out.toByteArray();
  }

  public static StorageReceipt sign(final ContentId id, final Signer holder) {
    return new StorageReceipt(id, holder.publicKey(), holder.sign(signedBytes(id, holder.publicKey())));
  }

  public boolean verify(final SignatureVerifier verifier) {
    return verifier.verify(holder, signedBytes(id, holder), signature);
  }
}
