package org.fhirledger.ledger.chain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;

/** Test fixture: a seeded consortium (keys, genesis) that makes real signed transactions, blocks and certificates. */
public final class TestChain {
  public static final String CHAIN_ID = "test-chain";
  private final List<Signer> signers = new ArrayList<>();
  private final Genesis genesis;

  public TestChain(final int validators, final long seed) {
    final SecureRandom random = seededRandom(seed);
    final List<Validator> vs = new ArrayList<>();
    for (int i = 0; i < validators; i++) {
      final Signer s = Ed25519Keys.generate(random);
      signers.add(s);
      vs.add(new Validator("node-" + i, s.publicKey(), "127.0.0.1", 30300 + i));
    }
    genesis = new Genesis(CHAIN_ID, 1_700_000_000_000L, vs, signers.get(0).publicKey());
  }

  /** A deterministic SecureRandom: SHA1PRNG seeded before first use never mixes in system entropy. */
  public static SecureRandom seededRandom(final long seed) {
    try {
      final SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(ByteBuffer.allocate(8).putLong(seed).array());
      return r;
    } catch (final NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Genesis genesis() {
    return genesis;
  }

  public List<Signer> signers() {
    return signers;
  }

  public ValidatorSet validatorSet() {
    return genesis.validatorSet();
  }

  public static byte[] json(final String type, final String id, final long version) {
    return ("{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"" + version + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  public static Chunk leaf(final byte[] content) {
    return new Chunk(ContentId.of(ContentId.CODEC_RAW, content), content);
  }

  /** A signed single-change transaction writing the given content (null for a delete). */
  public Transaction write(final String type, final String id, final long version, final byte[] content, final long nonce) {
    final Operation op = content == null ? Operation.DELETE : version == 1 ? Operation.CREATE : Operation.UPDATE;
    final ContentId cid = content == null ? null : ContentId.of(ContentId.CODEC_RAW, content);
    final ResourceChange change = new ResourceChange(op, type, id, version, version - 1, cid, content == null ? 0 : content.length);
    return Transaction.sign(CHAIN_ID, signers.get((int) (nonce % signers.size())), "client-" + nonce, 1_700_000_000_000L + nonce, nonce,
        List.of(change));
  }

  public Block block(final long height, final Hash32 parent, final List<Transaction> txs, final List<Chunk> chunks) {
    final ValidatorSet set = validatorSet();
    final BlockHeader header = new BlockHeader(CHAIN_ID, height, parent, 1_700_000_000_000L + height * 1000, set.proposer(height, 0), 0,
        Block.transactionsRoot(txs), Block.contentRoot(chunks));
    return new Block(header, txs, chunks);
  }

  /** A certificate with seals from the first {@code count} validators. */
  public CommitCertificate certify(final Block block, final int count) {
    final List<CommitSeal> seals = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      seals.add(CommitSeal.create(signers.get(i), CHAIN_ID, block.height(), block.hash()));
    }
    return new CommitCertificate(block.height(), 0, block.hash(), seals);
  }

  public CommitCertificate certify(final Block block) {
    return certify(block, validatorSet().quorum());
  }
}
