package org.fhirledger.ledger.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.Hash32;

/**
 * A block: header, transactions, and the Merkle-DAG chunks of the (small) content those transactions
 * write, so that every node stores the content with the block. Immutable; the hash is the header's.
 */
public final class Block {
  public static final int MAX_TRANSACTIONS = 100_000;
  public static final int MAX_CHUNKS = 1_000_000;
  private final BlockHeader header;
  private final List<Transaction> transactions;
  private final List<Chunk> chunks;
  private final Hash32 hash;
  /**
   * The encoding, made on first use: a node writes one block to the wire (proposer), its vote lock and its store,
   * and encoding ~40 transactions with their content each time was a visible part of the event thread's work.
   */
  private volatile byte[] encoded;

  public Block(final BlockHeader header, final List<Transaction> transactions, final List<Chunk> chunks) {
    this.header = header;
    this.transactions = List.copyOf(transactions);
    this.chunks = List.copyOf(chunks);
    this.hash = header.hash();
  }

  public static Hash32 transactionsRoot(final List<Transaction> txs) {
    return MerkleTree.rootOfLeafHashes(transactionLeaves(txs));
  }

  // a transaction's leaf in the tree is its 32-byte hash
  private static List<Hash32> transactionLeaves(final List<Transaction> txs) {
    final List<Hash32> leaves = new ArrayList<>(txs.size());
    for (final Transaction tx : txs) {
      leaves.add(MerkleTree.leafHash(tx.hash().toArray()));
    }
    return leaves;
  }

  /**
   * The proof that the transaction with this hash is in the block: its audit path to the header's
   * {@code transactionsRoot}, checked with {@code proof.verify(txHash.toArray(), header.transactionsRoot())}.
   * Empty when the block does not hold it.
   */
  public Optional<MerkleProof> inclusionProof(final Hash32 txHash) {
    for (int i = 0; i < transactions.size(); i++) {
      if (transactions.get(i).hash().equals(txHash)) {
        return Optional.of(MerkleTree.proof(transactionLeaves(transactions), i));
      }
    }
    return Optional.empty();
  }

  public static Hash32 contentRoot(final List<Chunk> chunks) {
    final List<Hash32> leaves = new ArrayList<>(chunks.size());
    for (final Chunk c : chunks) {
      leaves.add(MerkleTree.leafHash(c.id().toBytes()));
    }
    return MerkleTree.rootOfLeafHashes(leaves);
  }

  /** True when the body matches the roots the header commits to. */
  public boolean bodyMatchesHeader() {
    return header.transactionsRoot().equals(transactionsRoot(transactions)) && header.contentRoot().equals(contentRoot(chunks));
  }

  public BlockHeader header() {
    return header;
  }

  public long height() {
    return header.height();
  }

  public Hash32 hash() {
    return hash;
  }

  public List<Transaction> transactions() {
    return transactions;
  }

  public List<Chunk> chunks() {
    return chunks;
  }

  public void write(final ByteWriter out) {
    out.raw(encoded());
  }

  private byte[] encoded() {
    byte[] e = encoded;
    if (e == null) {
      long size = 256 + 512L * transactions.size(); // a guess for the transactions, the chunks' sizes are known
      for (final Chunk c : chunks) {
        size += 48 + c.size();
      }
      final ByteWriter out = new ByteWriter((int) Math.min(size, 1 << 26));
      writeFields(out);
      e = out.toByteArray();
      encoded = e;
    }
    return e;
  }

  private void writeFields(final ByteWriter out) {
    header.write(out);
    out.i32(transactions.size());
    for (final Transaction tx : transactions) {
      tx.write(out);
    }
    out.i32(chunks.size());
    for (final Chunk c : chunks) {
      c.write(out);
    }
  }

  public byte[] encode() {
    return encoded().clone();
  }

  public static Block read(final ByteReader in) {
    final BlockHeader header = BlockHeader.read(in);
    final int ntx = in.count(MAX_TRANSACTIONS, 64);
    final List<Transaction> txs = new ArrayList<>(ntx);
    for (int i = 0; i < ntx; i++) {
      txs.add(Transaction.read(in));
    }
    final int nchunks = in.count(MAX_CHUNKS, 40);
    final List<Chunk> chunks = new ArrayList<>(nchunks);
    for (int i = 0; i < nchunks; i++) {
      chunks.add(Chunk.read(in));
    }
    return new Block(header, txs, chunks);
  }

  public static Block decode(final byte[] bytes) {
    final ByteReader in = new ByteReader(bytes);
    final Block b = read(in);
    in.expectEnd();
    if (!b.bodyMatchesHeader()) {
      throw new DecodingException("block body does not match its header roots");
    }
    return b;
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof Block b && b.hash.equals(hash);
  }

  @Override
  public int hashCode() {
    return hash.hashCode();
  }

  @Override
  public String toString() {
    return "Block[h=" + header.height() + ", " + hash.toShortHex() + ", txs=" + transactions.size() + "]";
  }
}
