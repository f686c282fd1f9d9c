package org.fhirledger.ledger.kademlia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.dag.ContentId;
import org.junit.jupiter.api.Test;

class DhtMessageTest {
  private final PublicKey key = Ed25519Keys.generate(DhtSimulation.seeded(1)).publicKey();
  private final ContentId id = ContentId.of(ContentId.CODEC_RAW, "chunk".getBytes());

  @Test
  void everyMessageSurvivesTheRoundTrip() {
    final List<DhtMessage> all = List.of(
        new DhtMessage.Ping(1), new DhtMessage.Pong(2), new DhtMessage.FindNode(3, NodeId.of(key)),
        new DhtMessage.Nodes(4, List.of(key, key)), new DhtMessage.FindValue(5, id),
        new DhtMessage.Value(6, id, "chunk".getBytes()), new DhtMessage.Store(7, id, "chunk".getBytes()),
        new DhtMessage.Stored(8, id, true, new byte[64]), new DhtMessage.Have(9, List.of(id, id)),
        new DhtMessage.HaveReply(10, List.of(true, false)));
    for (final DhtMessage m : all) {
      final byte[] wire = m.encode();
      assertThat(DhtMessage.isDhtPayload(wire)).isTrue();
      final DhtMessage back = DhtMessage.decode(wire);
      assertThat(back.getClass()).isEqualTo(m.getClass());
      assertThat(back.requestId()).isEqualTo(m.requestId());
      assertThat(back.encode()).isEqualTo(wire);
    }
  }

  @Test
  void ledgerMessagesAreNotDhtPayloads() {
    for (int type = 1; type <= 5; type++) {
      assertThat(DhtMessage.isDhtPayload(new byte[] {(byte) type})).isFalse();
    }
  }

  @Test
  void malformedMessagesAreRejected() {
    final byte[] ping = new DhtMessage.Ping(1).encode();
    final byte[] badVersion = ping.clone();
    badVersion[1] = 9;
    assertThatThrownBy(() -> DhtMessage.decode(badVersion)).isInstanceOf(DecodingException.class);
    final byte[] trailing = java.util.Arrays.copyOf(ping, ping.length + 1);
    assertThatThrownBy(() -> DhtMessage.decode(trailing)).isInstanceOf(DecodingException.class);
    // a NODES that claims a million contacts
    final byte[] huge = new ByteWriter().u8(DhtMessage.TYPE_NODES).u8(1).i64(1).i32(1_000_000).toByteArray();
    assertThatThrownBy(() -> DhtMessage.decode(huge)).isInstanceOf(DecodingException.class);
    // a VALUE over the largest chunk
    final byte[] big = new ByteWriter().u8(DhtMessage.TYPE_VALUE).u8(1).i64(1).bytes(id.toBytes())
        .i32((1 << 20) + 1).toByteArray();
    assertThatThrownBy(() -> DhtMessage.decode(big)).isInstanceOf(DecodingException.class);
  }

  @Test
  void aReceiptVerifiesOnlyForItsChunkAndHolder() {
    final var signer = Ed25519Keys.generate(DhtSimulation.seeded(2));
    final StorageReceipt receipt = StorageReceipt.sign(id, signer);
    assertThat(receipt.verify(Ed25519Keys.verifier())).isTrue();
    final ContentId other = ContentId.of(ContentId.CODEC_RAW, "other".getBytes());
    assertThat(new StorageReceipt(other, signer.publicKey(), receipt.signature()).verify(Ed25519Keys.verifier()))
        .isFalse();
    assertThat(new StorageReceipt(id, key, receipt.signature()).verify(Ed25519Keys.verifier())).isFalse();
  }
}
