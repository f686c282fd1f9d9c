package org.fhirledger.ledger.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ByteCodecTest {
  @Property(tries = 300, seed = "41")
  void fieldsRoundTrip(@ForAll final int a, @ForAll final long b, @ForAll final boolean c, @ForAll final String s,
      @ForAll @Size(max = 100) final byte[] bytes) {
    final byte[] encoded = new ByteWriter().i32(a).i64(b).bool(c).string(s).bytes(bytes).u8(200).toByteArray();
    final ByteReader in = new ByteReader(encoded);
    assertThat(in.i32()).isEqualTo(a);
    assertThat(in.i64()).isEqualTo(b);
    assertThat(in.bool()).isEqualTo(c);
    // lone surrogates are not representable in UTF-8; the writer replaces them, so compare re-encoded forms
    assertThat(in.string(Integer.MAX_VALUE)).isEqualTo(new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.nio.charset.StandardCharsets.UTF_8));
    assertThat(in.bytes(100)).isEqualTo(bytes);
    assertThat(in.u8()).isEqualTo(200);
    in.expectEnd();
  }

  @Test
  void integersAreBigEndian() {
    assertThat(new ByteWriter().i32(0x01020304).i64(0x05060708090a0b0cL).toByteArray())
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
  }

  @Test
  void malformedFieldsAreDecodingExceptions() {
    assertThatThrownBy(() -> new ByteReader(new byte[] {2}).bool()).isInstanceOf(DecodingException.class);
    assertThatThrownBy(() -> new ByteReader(new byte[] {0, 0, 0, 2, (byte) 0xc3, 0x28}).string(10)).isInstanceOf(DecodingException.class)
        .hasMessageContaining("UTF-8");
    assertThatThrownBy(() -> new ByteReader(new byte[] {0, 0, 0, 11}).bytes(10)).isInstanceOf(DecodingException.class);
    assertThatThrownBy(() -> new ByteReader(new byte[] {(byte) 0xff, 0, 0, 0}).bytes(10)).isInstanceOf(DecodingException.class);
    assertThatThrownBy(() -> new ByteReader(new byte[] {0, 0, 0, 5, 1}).bytes(10)).isInstanceOf(DecodingException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> new ByteReader(new byte[3]).i32()).isInstanceOf(DecodingException.class);
    assertThatThrownBy(() -> new ByteReader(new byte[] {1}).expectVersion(2, "thing")).isInstanceOf(DecodingException.class);
  }

  @Test
  void countIsCheckedAgainstTheBytesLeft() {
    // 3 items of at least 10 bytes cannot fit in 20 bytes
    final byte[] b = new ByteWriter().i32(3).raw(new byte[20]).toByteArray();
    assertThatThrownBy(() -> new ByteReader(b).count(100, 10)).isInstanceOf(DecodingException.class);
    assertThat(new ByteReader(b).count(100, 5)).isEqualTo(3);
    assertThatThrownBy(() -> new ByteReader(b).count(2, 1)).isInstanceOf(DecodingException.class);
    assertThatThrownBy(() -> new ByteReader(new ByteWriter().i32(-1).toByteArray()).count(100, 0)).isInstanceOf(DecodingException.class);
  }

  @Test
  void aReaderOverASliceStopsAtTheSliceEnd() {
    final ByteReader in = new ByteReader(new byte[] {9, 1, 2, 9}, 1, 2);
    assertThat(in.raw(2)).containsExactly(1, 2);
    in.expectEnd();
    assertThatThrownBy(in::u8).isInstanceOf(DecodingException.class);
  }
}
