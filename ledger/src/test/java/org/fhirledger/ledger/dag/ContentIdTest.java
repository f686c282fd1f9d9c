package org.fhirledger.ledger.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.fhirledger.ledger.codec.ByteReader;
import org.fhirledger.ledger.codec.ByteWriter;
import org.fhirledger.ledger.codec.DecodingException;
import org.junit.jupiter.api.Test;

class ContentIdTest {
  @Test
  void rawLeafOfNothingHasTheWellKnownIpfsId() {
    assertThat(ContentId.of(ContentId.CODEC_RAW, new byte[0])).hasToString("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
  }

  @Property(tries = 200, seed = "51")
  void stringBytesAndCodecFormsRoundTrip(@ForAll final byte[] content, @ForAll @IntRange(min = 0, max = (1 << 28) - 1) final int codec) {
    final ContentId id = ContentId.of(codec, content);
    assertThat(ContentId.parse(id.toString())).isEqualTo(id);
    assertThat(ContentId.parse(id.toString().toUpperCase().replaceFirst("^B", "b"))).isEqualTo(id);
    assertThat(ContentId.fromBytes(id.toBytes())).isEqualTo(id);
    final ByteWriter out = new ByteWriter();
    id.write(out);
    final ByteReader in = new ByteReader(out.toByteArray());
    assertThat(ContentId.read(in)).isEqualTo(id);
    assertThat(id.codec()).isEqualTo(codec);
    assertThat(id.matches(content)).isTrue();
  }

  @Property(tries = 500, seed = "52")
  void randomBytesAreNotACidUnlessWellFormed(@ForAll final byte[] bytes) {
    try {
      assertThat(ContentId.fromBytes(bytes).toBytes()).isEqualTo(bytes);
    } catch (final DecodingException expected) {
      // the only acceptable failure
    }
  }

  @Test
  void leavesAndNodesOfTheSameBytesDiffer() {
    final byte[] b = {1, 2, 3};
    assertThat(ContentId.of(ContentId.CODEC_RAW, b)).isNotEqualTo(ContentId.of(ContentId.CODEC_DAG_NODE, b));
    assertThatThrownBy(() -> ContentId.parse("zQm")).isInstanceOf(IllegalArgumentException.class);
  }
}
