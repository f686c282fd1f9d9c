package org.fhirledger.ledger.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.codec.DecodingException;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.ledger.store.TransactionOutcome;

class StoreEncodingTest {
  private static byte[] bytes(final Random r, final int n) {
    final byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  @Property(tries = 200, seed = "21")
  void resourceVersionsRoundTrip(
      @ForAll @AlphaChars @StringLength(min = 1, max = 40) final String type,
      @ForAll @StringLength(min = 1, max = 64) final String id,
      @ForAll final long seed) {
    final Random r = new Random(seed);
    final Operation op = Operation.values()[r.nextInt(3)];
    final ContentId content = op == Operation.DELETE ? null : ContentId.of(ContentId.CODEC_RAW, bytes(r, r.nextInt(50)));
    final ResourceVersion v = new ResourceVersion(type, id, 1 + r.nextInt(1000), op, content, r.nextInt(1 << 20), r.nextLong(),
        r.nextInt(1_000_000), r.nextInt(1000), Hash32.wrap(bytes(r, 32)), PublicKey.wrap(bytes(r, 32)));
    final byte[] encoded = StoreEncoding.encode(v);
    assertThat(StoreEncoding.decodeVersion(encoded)).isEqualTo(v);
    assertThatThrownBy(() -> StoreEncoding.decodeVersion(Arrays.copyOf(encoded, encoded.length - 1))).isInstanceOf(DecodingException.class);
  }

  @Property(tries = 100, seed = "22")
  void outcomesRoundTrip(@ForAll final boolean committed, @ForAll @StringLength(max = 200) final String why, @ForAll final long seed) {
    final Random r = new Random(seed);
    final Hash32 tx = Hash32.wrap(bytes(r, 32));
    final TransactionOutcome o = committed ? TransactionOutcome.committed(tx, r.nextInt(1000), r.nextInt(100))
        : TransactionOutcome.rejected(tx, r.nextInt(1000), r.nextInt(100), why);
    assertThat(StoreEncoding.decodeOutcome(StoreEncoding.encode(o))).isEqualTo(o);
  }

  @Property(tries = 50, seed = "23")
  void versionKeysSortNumerically(@ForAll final long seed) {
    final Random r = new Random(seed);
    final long a = 1 + (r.nextLong() >>> 2);
    final long b = 1 + (r.nextLong() >>> 2);
    final int byBytes = Arrays.compareUnsigned(StoreEncoding.versionKey("Patient", "x", a), StoreEncoding.versionKey("Patient", "x", b));
    assertThat(Integer.signum(byBytes)).isEqualTo(Long.signum(Long.compare(a, b)));
  }
}
