package org.fhirledger.ledger.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.dag.ContentId;
import org.junit.jupiter.api.Test;

class MempoolTest {
  private static final Signer A = key(1);
  private static final Signer B = key(2);

  private static Signer key(final int seed) {
    final byte[] sk = new byte[32];
    sk[0] = (byte) seed;
    return Ed25519Keys.fromPrivateKey(sk);
  }

  private static PendingTransaction tx(final Signer origin, final int n, final int contentBytes) {
    final byte[] content = new byte[contentBytes];
    content[0] = (byte) n;
    final ContentId id = ContentId.of(ContentId.CODEC_RAW, content);
    final ResourceChange change = new ResourceChange(Operation.CREATE, "Patient", "p" + n, 1, 0, id, content.length);
    return new PendingTransaction(Transaction.sign("c", origin, "t", n, n, List.of(change)), List.of(new Chunk(id, content)));
  }

  @Test
  void selectionTakesOriginsInTurnSoABusyHospitalCannotStarveAnother() {
    final Mempool pool = new Mempool(100);
    for (int i = 0; i < 10; i++) {
      pool.add(tx(A, i, 10));
    }
    pool.add(tx(B, 100, 10));
    pool.add(tx(B, 101, 10));
    final List<PendingTransaction> picked = pool.select(4, Long.MAX_VALUE);
    assertThat(picked).hasSize(4);
    assertThat(picked.stream().filter(p -> p.transaction().origin().equals(B.publicKey()))).hasSize(2);
  }

  @Test
  void arrivalOrderIsKeptWithinOneOrigin() {
    final Mempool pool = new Mempool(100);
    for (int i = 0; i < 5; i++) {
      pool.add(tx(A, i, 10));
    }
    assertThat(pool.select(5, Long.MAX_VALUE)).extracting(p -> p.transaction().timestamp()).containsExactly(0L, 1L, 2L, 3L, 4L);
  }

  @Test
  void duplicatesAndOverflowAreRefused() {
    final Mempool pool = new Mempool(2);
    final PendingTransaction t = tx(A, 1, 10);
    assertThat(pool.add(t)).isTrue();
    assertThat(pool.add(t)).isFalse();
    assertThat(pool.add(tx(A, 2, 10))).isTrue();
    assertThat(pool.add(tx(A, 3, 10))).isFalse();
    assertThat(pool.size()).isEqualTo(2);
  }

  @Test
  void selectionStopsAtTheByteBudgetButAlwaysTakesOne() {
    final Mempool pool = new Mempool(10);
    pool.add(tx(A, 1, 10_000));
    pool.add(tx(A, 2, 10_000));
    assertThat(pool.select(10, 1)).hasSize(1);
    assertThat(pool.select(10, 15_000)).hasSize(1);
    assertThat(pool.select(10, 30_000)).hasSize(2);
  }

  @Test
  void removedTransactionsLeaveThePool() {
    final Mempool pool = new Mempool(10);
    final PendingTransaction t = tx(B, 7, 10);
    pool.add(t);
    pool.remove(B.publicKey(), t.transaction().hash());
    assertThat(pool.isEmpty()).isTrue();
    assertThat(pool.contains(t.transaction().hash())).isFalse();
  }
}
