package org.fhirledger.ledger.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.crypto.Hash32;

/**
 * Blocks shaped like the write path's: each transaction creates one resource whose ~1 KiB canonical JSON
 * travels in the block as one raw chunk. Transactions are really signed (by the four test validators).
 */
final class BenchBlocks {
  static final int RESOURCE_BYTES = 1024;
  private final TestChain chain = new TestChain(4, 7);
  private long nonce;

  TestChain chain() {
    return chain;
  }

  /** The next {@code count} signed transactions and their content chunks, each creating a fresh resource. */
  Body body(final int count) {
    final List<Transaction> txs = new ArrayList<>(count);
    final List<Chunk> chunks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      final long n = nonce++;
      final byte[] content = resource("o" + n);
      txs.add(chain.write("Observation", "o" + n, 1, content, n));
      chunks.add(TestChain.leaf(content));
    }
    return new Body(txs, chunks);
  }

  Block block(final long height, final Hash32 parent, final int txCount) {
    final Body body = body(txCount);
    return chain.block(height, parent, body.transactions(), body.chunks());
  }

  private static byte[] resource(final String id) {
    final StringBuilder s = new StringBuilder(RESOURCE_BYTES + 64);
    s.append("{\"resourceType\":\"Observation\",\"id\":\"").append(id).append("\",\"status\":\"final\",\"code\":{\"text\":\"");
    while (s.length() < RESOURCE_BYTES - 3) {
      s.append((char) ('a' + s.length() % 26));
    }
    return s.append("\"}}").toString().getBytes(StandardCharsets.UTF_8);
  }

  record Body(List<Transaction> transactions, List<Chunk> chunks) {}
}
