package org.fhirledger.ledger.p2p.tio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.tio.core.exception.TioDecodeException;

/** The decoder against t-io's contract, replayed here: the stream arrives cut at arbitrary points. */
class ConnectionDecodeTest {
  private static final int MAX = 1 << 20;

  private record Sent(FrameType type, byte[] payload) {}

  /** What t-io's DecodeRunnable does with our return values (null keeps the bytes, a packet consumes them). */
  private static List<Sent> feed(final Connection connection, final List<byte[]> chunks) throws TioDecodeException {
    final List<Sent> out = new ArrayList<>();
    ByteBuffer leftover = null;
    for (final byte[] chunk : chunks) {
      ByteBuffer buffer = ByteBuffer.wrap(chunk);
      if (leftover != null) {
        final ByteBuffer joined = ByteBuffer.allocate(leftover.remaining() + chunk.length);
        joined.put(leftover).put(chunk).flip();
        buffer = joined;
        leftover = null;
      }
      while (true) {
        final int position = buffer.position();
        final InboundFrame frame = connection.decode(buffer, position, buffer.limit() - position, MAX);
        if (frame == null) {
          buffer.position(position);
          leftover = buffer.slice();
          break;
        }
        if (!frame.isPartial()) {
          out.add(new Sent(frame.type(), frame.payload()));
        }
        if (!buffer.hasRemaining()) {
          break;
        }
      }
    }
    return out;
  }

  @Property(tries = 200)
  void framesCutAnywhereDecodeToTheFramesSent(@ForAll final long seed) throws Exception {
    final Random random = new Random(seed);
    final List<Sent> sent = new ArrayList<>();
    final ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (int i = random.nextInt(8); i >= 0; i--) {
      final byte[] payload = new byte[random.nextInt(10) == 0 ? random.nextInt(200_000) : random.nextInt(64)];
      random.nextBytes(payload);
      final FrameType type = FrameType.values()[random.nextInt(FrameType.values().length)];
      sent.add(new Sent(type, payload));
      stream.writeBytes(Frames.encode(type, payload));
    }
    final byte[] bytes = stream.toByteArray();
    final List<byte[]> chunks = new ArrayList<>();
    for (int at = 0; at < bytes.length; ) {
      final int n = Math.min(bytes.length - at, 1 + random.nextInt(random.nextBoolean() ? 7 : 70_000));
      chunks.add(java.util.Arrays.copyOfRange(bytes, at, at + n));
      at += n;
    }
    final List<Sent> got = feed(new Connection(null, false, null, new byte[32]), chunks);
    assertThat(got).hasSameSizeAs(sent);
    for (int i = 0; i < sent.size(); i++) {
      assertThat(got.get(i).type()).isEqualTo(sent.get(i).type());
      assertThat(got.get(i).payload()).isEqualTo(sent.get(i).payload());
    }
  }

  @Test
  void aLengthAboveTheLimitOrZeroOrAnUnknownTypeIsRejected() {
    final Connection connection = new Connection(null, false, null, new byte[32]);
    final byte[] tooLong = Frames.encode(FrameType.APP, new byte[MAX]);
    assertThatThrownBy(() -> feed(connection, List.of(tooLong))).isInstanceOf(TioDecodeException.class);
    assertThatThrownBy(() -> feed(connection, List.of(new byte[] {0, 0, 0, 0, 4})))
        .isInstanceOf(TioDecodeException.class);
    assertThatThrownBy(() -> feed(connection, List.of(new byte[] {0, 0, 0, 1, 9})))
        .isInstanceOf(TioDecodeException.class);
    assertThatThrownBy(() -> feed(connection, List.of(new byte[] {(byte) 0xff, 0, 0, 1, 4})))
        .isInstanceOf(TioDecodeException.class);
  }
}
