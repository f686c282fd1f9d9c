package org.fhirledger.ledger.p2p.tio;

import static org.assertj.core.api.Assertions.assertThat;

import org.fhirledger.ledger.crypto.PublicKey;
import org.junit.jupiter.api.Test;

class ConnectionPreferenceTest {
  private static final PublicKey LOW = PublicKey.wrap(new byte[32]);
  private static final PublicKey HIGH = PublicKey.wrap(filled((byte) 0x80));

  private static byte[] filled(final byte b) {
    final byte[] bytes = new byte[32];
    java.util.Arrays.fill(bytes, b);
    return bytes;
  }

  private static Connection connection(final boolean outbound, final PublicKey remote) {
    final Connection connection = new Connection(null, outbound, null, new byte[32]);
    connection.remoteKey = remote;
    return connection;
  }

  @Test
  void bothEndsPreferTheConnectionDialledByTheLowerKey() {
    // LOW dialled HIGH: outbound at LOW, inbound at HIGH; both call it preferred
    assertThat(connection(true, HIGH).isPreferredDirection(LOW)).isTrue();
    assertThat(connection(false, LOW).isPreferredDirection(HIGH)).isTrue();
    // HIGH dialled LOW: neither end prefers it
    assertThat(connection(true, LOW).isPreferredDirection(HIGH)).isFalse();
    assertThat(connection(false, HIGH).isPreferredDirection(LOW)).isFalse();
  }
}
