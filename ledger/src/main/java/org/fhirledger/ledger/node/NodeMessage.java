package org.fhirledger.ledger.node;

import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.Hash32;

/**
 * The node-to-node application messages carried in the transport's APP frames: a type byte, then the body
 * in the ledger's deterministic encoding. Decoding rejects anything malformed with a DecodingException.
 */
public sealed interface NodeMessage {
  int TYPE_TRANSACTION = 1;
  int TYPE_CONSENSUS = 2;
  int TYPE_STATUS = 3;
  int TYPE_SYNC_REQUEST = 4;
  int TYPE_SYNC_RESPONSE = 5;
  int MAX_CHUNKS_PER_TX = 100_000;
  int MAX_SYNC_BLOCKS = 1024;
  int MAX_GOSSIP_TRANSACTIONS = 100_000;

  byte[] encode();

  /**
   * Client transactions gossiped to every validator, with the content they write: all that this node accepted in
   * one turn of its event loop travel in one message (one frame and one event per peer instead of one per transaction).
   */
  record TransactionGossip(List<PendingTransaction> transactions) implements NodeMessage {
    public TransactionGossip {
      transactions = List.copyOf(transactions);
    }

    @Override
    public byte[] encode() {
      long size = 16;
      for (final PendingTransaction p : transactions) {
        size += p.sizeBytes();
      }
      final ByteWriter out = new ByteWriter((int) Math.min(size, 1 << 26));
      out.u8(TYPE_TRANSACTION).i32(transactions.size());
      for (final PendingTransaction p : transactions) {
        p.transaction().write(out);
        out.i32(p.chunks().size());
        for (final Chunk c : p.chunks()) {
          c.write(out);
        }
      }
      return out.toByteArray();
    }
  }

  /** An encoded consensus message (PROPOSE, PREPARE, COMMIT, ROUND-CHANGE). */
  record ConsensusPayload(byte[] payload) implements NodeMessage {
    @Override
    public byte[] encode() {
      return new ByteWriter(payload.length + 8).u8(TYPE_CONSENSUS).bytes(payload).toByteArray();
    }
  }

  /** "My chain ends here": lets a lagging peer see that it is behind even when nobody is voting. */
  record Status(long height, Hash32 blockHash) implements NodeMessage {
    @Override
    public byte[] encode() {
      return new ByteWriter(48).u8(TYPE_STATUS).i64(height).hash(blockHash).toByteArray();
    }
  }

  /** Asks for certified blocks from a height on. */
  record SyncRequest(long fromHeight, int maxBlocks) implements NodeMessage {
    @Override
    public byte[] encode() {
      return new ByteWriter(16).u8(TYPE_SYNC_REQUEST).i64(fromHeight).i32(maxBlocks).toByteArray();
    }
  }

  /** Consecutive final blocks, each with its commit certificate; the receiver checks every one. */
  record SyncResponse(List<CertifiedBlock> blocks) implements NodeMessage {
    public SyncResponse {
      blocks = List.copyOf(blocks);
    }

    @Override
    public byte[] encode() {
      final ByteWriter out = new ByteWriter(4096);
      out.u8(TYPE_SYNC_RESPONSE).i32(blocks.size());
      for (final CertifiedBlock b : blocks) {
        b.block().write(out);
        b.certificate().write(out);
      }
      return out.toByteArray();
    }
  }

  record CertifiedBlock(Block block, CommitCertificate certificate) {}

  static NodeMessage decode(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    final NodeMessage msg = switch (in.u8()) {
      case TYPE_TRANSACTION -> {
        final int count = in.count(MAX_GOSSIP_TRANSACTIONS, 100);
        final List<PendingTransaction> transactions = new ArrayList<>(count);
        for (int t = 0; t < count; t++) {
          final Transaction tx = Transaction.read(in);
          final int n = in.count(MAX_CHUNKS_PER_TX, 40);
          final List<Chunk> chunks = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            chunks.add(Chunk.read(in));
          }
          transactions.add(new PendingTransaction(tx, chunks));
        }
        yield new TransactionGossip(transactions);
      }
      case TYPE_CONSENSUS -> new ConsensusPayload(in.bytes(Integer.MAX_VALUE));
      case TYPE_STATUS -> new Status(in.i64(), in.hash());
      case TYPE_SYNC_REQUEST -> new SyncRequest(in.i64(), in.i32());
      case TYPE_SYNC_RESPONSE -> {
        final int n = in.count(MAX_SYNC_BLOCKS, 100);
        final List<CertifiedBlock> blocks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          final Block b = Block.read(in);
          if (!b.bodyMatchesHeader()) {
            throw new DecodingException("block body does not match its header roots");
          }
          blocks.add(new CertifiedBlock(b, CommitCertificate.read(in)));
        }
        yield new SyncResponse(blocks);
      }
      default -> throw new DecodingException("unknown node message type");
    };
    in.expectEnd();
    return msg;
  }
}
