package org.fhirledger.ledger.consensus.messages;

import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.CommitSeal;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;

/**
 * The wire form of consensus messages: version, type, fields, author, signature (docs/protocol/ipbft.md).
 * Decoding checks structure only; signatures and membership are checked by the state machine's validation.
 */
public final class ConsensusCodec {
  public static final int VERSION = 1;
  private static final int MAX_CERTIFICATE = 1024;
  private static final int PREPARE_BYTES = 8 + 4 + 32 + 32 + 4 + 64;

  private ConsensusCodec() {}

  public static byte[] encode(final ConsensusMessage message) {
    final ByteWriter out = new ByteWriter(256);
    out.u8(VERSION);
    if (message instanceof Proposal p) {
      out.u8(MessageType.PROPOSAL.code()).i64(p.height()).i32(p.round());
      p.block().write(out);
      out.i32(p.validRound());
      writePrepares(out, p.justification());
    } else if (message instanceof Prepare p) {
      out.u8(MessageType.PREPARE.code());
      writePrepareBody(out, p);
    } else if (message instanceof Commit c) {
      out.u8(MessageType.COMMIT.code()).i64(c.height()).i32(c.round()).hash(c.blockHash());
      out.key(c.seal().validator()).bytes(c.seal().signature());
    } else if (message instanceof RoundChange rc) {
      out.u8(MessageType.ROUND_CHANGE.code()).i64(rc.height()).i32(rc.round()).i32(rc.preparedRound());
      out.bool(rc.preparedBlock() != null);
      if (rc.preparedBlock() != null) {
        rc.preparedBlock().write(out);
      }
      writePrepares(out, rc.preparedCertificate());
    } else {
      throw new IllegalArgumentException("unknown consensus message " + message.getClass());
    }
    out.key(message.author()).bytes(message.signature());
    return out.toByteArray();
  }

  public static ConsensusMessage decode(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    in.expectVersion(VERSION, "consensus message");
    final int type = in.u8();
    final ConsensusMessage message;
    if (type == MessageType.PROPOSAL.code()) {
      final long h = in.i64();
      final int r = in.i32();
      final Block block = Block.read(in);
      if (!block.bodyMatchesHeader()) {
        throw new DecodingException("proposed block body does not match its header");
      }
      final int validRound = in.i32();
      final List<Prepare> justification = readPrepares(in);
      message = new Proposal(h, r, block, validRound, justification, in.key(), signature(in));
    } else if (type == MessageType.PREPARE.code()) {
      message = readPrepareBody(in);
    } else if (type == MessageType.COMMIT.code()) {
      final long h = in.i64();
      final int r = in.i32();
      final Hash32 hash = in.hash();
      final CommitSeal seal = new CommitSeal(in.key(), signature(in));
      message = new Commit(h, r, hash, seal, in.key(), signature(in));
    } else if (type == MessageType.ROUND_CHANGE.code()) {
      final long h = in.i64();
      final int r = in.i32();
      final int preparedRound = in.i32();
      final Block prepared = in.bool() ? Block.read(in) : null;
      if (prepared != null && !prepared.bodyMatchesHeader()) {
        throw new DecodingException("prepared block body does not match its header");
      }
      if ((prepared == null) != (preparedRound < 0)) {
        throw new DecodingException("prepared round and prepared block disagree");
      }
      final List<Prepare> cert = readPrepares(in);
      message = new RoundChange(h, r, preparedRound, prepared, cert, in.key(), signature(in));
    } else {
      throw new DecodingException("unknown consensus message type " + type);
    }
    in.expectEnd();
    if (message.height() < 1 || message.round() < 0) {
      throw new DecodingException("height must be >= 1 and round >= 0");
    }
    return message;
  }

  private static void writePrepareBody(final ByteWriter out, final Prepare p) {
    out.i64(p.height()).i32(p.round()).hash(p.blockHash());
  }

  private static Prepare readPrepareBody(final ByteReader in) {
    final long h = in.i64();
    final int r = in.i32();
    final Hash32 hash = in.hash();
    final PublicKey author = in.key();
    return new Prepare(h, r, hash, author, signature(in));
  }

  private static void writePrepares(final ByteWriter out, final List<Prepare> prepares) {
    out.i32(prepares.size());
    for (final Prepare p : prepares) {
      writePrepareBody(out, p);
      out.key(p.author()).bytes(p.signature());
    }
  }

  private static List<Prepare> readPrepares(final ByteReader in) {
    final int n = in.count(MAX_CERTIFICATE, PREPARE_BYTES);
    final List<Prepare> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(readPrepareBody(in));
    }
    return out;
  }

  private static byte[] signature(final ByteReader in) {
    final byte[] sig = in.bytes(64);
    if (sig.length != 64) {
      throw new DecodingException("an Ed25519 signature has 64 bytes");
    }
    return sig;
  }

}
