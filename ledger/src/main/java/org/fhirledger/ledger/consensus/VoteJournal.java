package org.fhirledger.ledger.consensus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.consensus.messages.ConsensusCodec;
import org.fhirledger.ledger.consensus.messages.Prepare;
import org.fhirledger.ledger.crypto.Hash32;

/**
 * What this validator has signed at the current height, and its lock: the state that must survive a crash so
 * that it never signs a different block at an (height, round) it already voted at, and never prepares against
 * its lock. Votes are kept as hashes: Ed25519 signatures are deterministic, so a restored vote is re-signed
 * byte for byte. The lock is kept with its block and the quorum of PREPAREs that justify it ({@link Lock}),
 * so that after a restart this validator can still re-propose it: without that, a lock nobody else can
 * justify would stall the height. The shell writes the votes (small, every vote) and the lock (only when it
 * changes) synced, before it sends the message that changed them.
 */
public record VoteJournal(long height, List<Vote> votes, int lockedRound, Hash32 lockedHash, Lock lock) {
  public static final int ENCODING_VERSION = 1;
  private static final int MAX_VOTES = 100_000;

  /** The locked block and the PREPAREs of a quorum for it at {@code round}. */
  public record Lock(int round, Block block, List<Prepare> certificate) {
    public Lock {
      certificate = List.copyOf(certificate);
    }

    public byte[] encode(final long height) {
      final ByteWriter out = new ByteWriter(256);
      out.u8(ENCODING_VERSION).i64(height).i32(round);
      block.write(out);
      out.i32(certificate.size());
      certificate.forEach(p -> out.bytes(ConsensusCodec.encode(p)));
      return out.toByteArray();
    }
  }

  /** One signed vote of this validator. */
  public record Vote(int round, Kind kind, Hash32 blockHash) {}

  /** The message kinds that commit a validator to a block; codes are part of the encoding. */
  public enum Kind {
    PROPOSE(1),
    PREPARE(2),
    COMMIT(3);

    private final int code;

    Kind(final int code) {
      this.code = code;
    }

    static Kind of(final int code) {
      for (final Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      throw new DecodingException("unknown vote kind " + code);
    }
  }

  public VoteJournal {
    votes = List.copyOf(votes);
    if ((lockedRound < 0) != (lockedHash == null)) {
      throw new IllegalArgumentException("a lock has both a round and a hash, or neither");
    }
    if (lock != null && (lock.round() != lockedRound || !lock.block().hash().equals(lockedHash))) {
      throw new IllegalArgumentException("the lock's block is not the locked hash");
    }
  }

  public static VoteJournal empty(final long height) {
    return new VoteJournal(height, List.of(), -1, null, null);
  }

  public VoteJournal with(final Vote vote) {
    final List<Vote> more = new ArrayList<>(votes);
    more.add(vote);
    return new VoteJournal(height, more, lockedRound, lockedHash, lock);
  }

  public VoteJournal locked(final Lock newLock) {
    return new VoteJournal(height, votes, newLock.round(), newLock.block().hash(), newLock);
  }

  /** This journal with its lock's block and certificate read back from {@link Lock#encode}, if they match it. */
  public VoteJournal withLockFrom(final byte[] lockBytes) {
    final ByteReader in = new ByteReader(lockBytes);
    in.expectVersion(ENCODING_VERSION, "vote lock");
    final long h = in.i64();
    final int r = in.i32();
    final Block block = Block.read(in);
    final int n = in.count(MAX_VOTES, 4);
    final List<Prepare> certificate = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (!(ConsensusCodec.decode(in.bytes(Integer.MAX_VALUE)) instanceof Prepare p)) {
        throw new DecodingException("a lock certificate holds PREPAREs only");
      }
      certificate.add(p);
    }
    in.expectEnd();
    if (h != height || r != lockedRound || !block.hash().equals(lockedHash)) {
      return this; // a lock of an earlier height or round: the votes say what holds
    }
    return new VoteJournal(height, votes, lockedRound, lockedHash, new Lock(r, block, certificate));
  }

  /** The block this validator signed with this kind at the round, if any. */
  public Optional<Hash32> voted(final int round, final Kind kind) {
    for (final Vote v : votes) {
      if (v.round() == round && v.kind() == kind) {
        return Optional.of(v.blockHash());
      }
    }
    return Optional.empty();
  }

  /** The votes and the lock's round and hash; the lock's block goes separately ({@link Lock#encode}). */
  public byte[] encode() {
    final ByteWriter out = new ByteWriter(32 + votes.size() * 40);
    out.u8(ENCODING_VERSION).i64(height).i32(votes.size());
    for (final Vote v : votes) {
      out.i32(v.round()).u8(v.kind().code).hash(v.blockHash());
    }
    out.i32(lockedRound).bool(lockedHash != null);
    if (lockedHash != null) {
      out.hash(lockedHash);
    }
    return out.toByteArray();
  }

  public static VoteJournal decode(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    in.expectVersion(ENCODING_VERSION, "vote journal");
    final long height = in.i64();
    final int n = in.count(MAX_VOTES, 37);
    final List<Vote> votes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      votes.add(new Vote(in.i32(), Kind.of(in.u8()), in.hash()));
    }
    final int lockedRound = in.i32();
    final Hash32 lockedHash = in.bool() ? in.hash() : null;
    in.expectEnd();
    try {
      return new VoteJournal(height, votes, lockedRound, lockedHash, null);
    } catch (final IllegalArgumentException e) {
      throw new DecodingException("invalid vote journal: " + e.getMessage());
    }
  }
}
