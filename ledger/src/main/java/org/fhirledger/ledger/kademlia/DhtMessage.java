package org.fhirledger.ledger.kademlia;

import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.dag.ContentId;

/**
 * The DHT's messages, carried in the transport's authenticated APP frames (so the sender is the peer the
 * handshake proved, never a field of the message). Encoding: type byte (0x40..0x49, apart from the ledger's
 * {@code NodeMessage} types 1..5 so both share one transport), version byte, request id (i64, chosen by the
 * requester and echoed by the answer), then the body. Every list and byte string is bounded before it is read.
 */
public sealed interface DhtMessage {
  int VERSION = 1;
  int FIRST_TYPE = 0x40;
  int LAST_TYPE = 0x49;
  int TYPE_PING = 0x40;
  int TYPE_PONG = 0x41;
  int TYPE_FIND_NODE = 0x42;
  int TYPE_NODES = 0x43;
  int TYPE_FIND_VALUE = 0x44;
  int TYPE_VALUE = 0x45;
  int TYPE_STORE = 0x46;
  int TYPE_STORED = 0x47;
  int TYPE_HAVE = 0x48;
  int TYPE_HAVE_REPLY = 0x49;
  /** Contacts in one NODES answer: k = 20 is the most ever sent; a little slack for other k. */
  int MAX_CONTACTS = 64;
  /** Content ids in one HAVE probe. */
  int MAX_HAVE_IDS = 4096;

  long requestId();

  void writeBody(ByteWriter out);

  int type();

  /** Bytes the encoding is likely to take, so a chunk-carrying message is written without regrowing. */
  default int sizeHint() {
    return 64;
  }

  default byte[] encode() {
    final ByteWriter out = new ByteWriter(sizeHint());
    out.u8(type()).u8(VERSION).i64(requestId());
    writeBody(out);
    return out.toByteArray();
  }

  /** True when a payload's first byte says it is a DHT message (the rest is checked by {@link #decode}). */
  static boolean isDhtPayload(final byte[] payload) {
    return payload.length > 0 && (payload[0] & 0xff) >= FIRST_TYPE && (payload[0] & 0xff) <= LAST_TYPE;
  }

  /** Are you there? Answered by PONG; Algorithm 1 pings a full bucket's head. */
  record Ping(long requestId) implements DhtMessage {
    public int type() {
      return TYPE_PING;
    }

    public void writeBody(final ByteWriter out) {}
  }

  record Pong(long requestId) implements DhtMessage {
    public int type() {
      return TYPE_PONG;
    }

    public void writeBody(final ByteWriter out) {}
  }

  /** The k contacts you know closest to this id, please. */
  record FindNode(long requestId, NodeId target) implements DhtMessage {
    public int type() {
      return TYPE_FIND_NODE;
    }

    public void writeBody(final ByteWriter out) {
      out.raw(target.toBytes());
    }
  }

  /** Contacts, as keys: the receiver derives their ids, so a peer cannot place a contact at an id of its choosing. */
  record Nodes(long requestId, List<PublicKey> contacts) implements DhtMessage {
    public Nodes {
      contacts = List.copyOf(contacts);
      if (contacts.size() > MAX_CONTACTS) {
        throw new IllegalArgumentException("too many contacts: " + contacts.size());
      }
    }

    public int type() {
      return TYPE_NODES;
    }

    public void writeBody(final ByteWriter out) {
      out.i32(contacts.size());
      contacts.forEach(out::key);
    }
  }

  /** The chunk with this id if you hold it, else your k closest contacts to its key. */
  record FindValue(long requestId, ContentId id) implements DhtMessage {
    public int type() {
      return TYPE_FIND_VALUE;
    }

    public void writeBody(final ByteWriter out) {
      id.write(out);
    }
  }

  /** A chunk's bytes. Not trusted: the requester checks them against the id it asked for. */
  record Value(long requestId, ContentId id, byte[] data) implements DhtMessage {
    public int sizeHint() {
      return data.length + 96;
    }

    public int type() {
      return TYPE_VALUE;
    }

    public void writeBody(final ByteWriter out) {
      id.write(out);
      out.bytes(data);
    }
  }

  /** Please hold this chunk; the receiver checks the bytes against the id before storing. */
  record Store(long requestId, ContentId id, byte[] data) implements DhtMessage {
    public int sizeHint() {
      return data.length + 96;
    }

    public int type() {
      return TYPE_STORE;
    }

    public void writeBody(final ByteWriter out) {
      id.write(out);
      out.bytes(data);
    }
  }

  /**
   * The answer to STORE: held (with the holder's signed {@link StorageReceipt} signature) or refused (the
   * bytes did not match the id, or the receiver is not among the chunk's closest members).
   */
  record Stored(long requestId, ContentId id, boolean held, byte[] receiptSignature) implements DhtMessage {
    public int type() {
      return TYPE_STORED;
    }

    public void writeBody(final ByteWriter out) {
      id.write(out);
      out.bool(held);
      out.bytes(receiptSignature);
    }
  }

  /** Which of these chunks do you hold? Republish asks before it sends any bytes. */
  record Have(long requestId, List<ContentId> ids) implements DhtMessage {
    public Have {
      ids = List.copyOf(ids);
      if (ids.size() > MAX_HAVE_IDS) {
        throw new IllegalArgumentException("too many ids: " + ids.size());
      }
    }

    public int type() {
      return TYPE_HAVE;
    }

    public void writeBody(final ByteWriter out) {
      out.i32(ids.size());
      ids.forEach(id -> id.write(out));
    }
  }

  /** One flag per id of the HAVE, in its order. */
  record HaveReply(long requestId, List<Boolean> held) implements DhtMessage {
    public HaveReply {
      held = List.copyOf(held);
    }

    public int type() {
      return TYPE_HAVE_REPLY;
    }

    public void writeBody(final ByteWriter out) {
      out.i32(held.size());
      held.forEach(out::bool);
    }
  }

  /** Decodes one message; anything malformed, over-long or of an unknown version is a DecodingException. */
  static DhtMessage decode(final byte[] payload) {
    final ByteReader in = new ByteReader(payload);
    final int type = in.u8();
    in.expectVersion(VERSION, "DHT message");
    final long id = in.i64();
    final DhtMessage message = switch (type) {
      case TYPE_PING -> new Ping(id);
      case TYPE_PONG -> new Pong(id);
      case TYPE_FIND_NODE -> new FindNode(id, NodeId.wrap(in.raw(NodeId.LENGTH)));
      case TYPE_NODES -> {
        final int n = in.count(MAX_CONTACTS, PublicKey.LENGTH);
        final List<PublicKey> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          keys.add(in.key());
        }
        yield new Nodes(id, keys);
      }
      case TYPE_FIND_VALUE -> new FindValue(id, ContentId.read(in));
      case TYPE_VALUE -> new Value(id, ContentId.read(in), in.bytes(Chunk.MAX_CHUNK_BYTES));
      case TYPE_STORE -> new Store(id, ContentId.read(in), in.bytes(Chunk.MAX_CHUNK_BYTES));
      case TYPE_STORED -> new Stored(id, ContentId.read(in), in.bool(), in.bytes(Ed25519Keys.SIGNATURE_LENGTH));
      case TYPE_HAVE -> {
        final int n = in.count(MAX_HAVE_IDS, 40);
        final List<ContentId> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          ids.add(ContentId.read(in));
        }
        yield new Have(id, ids);
      }
      case TYPE_HAVE_REPLY -> {
        final int n = in.count(MAX_HAVE_IDS, 1);
        final List<Boolean> held = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          held.add(in.bool());
        }
        yield new HaveReply(id, held);
      }
      default -> throw new DecodingException("unknown DHT message type " + type);
    };
    in.expectEnd();
    return message;
  }
}
