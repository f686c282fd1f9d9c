package org.fhirledger.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ExpiringPagingProviderTest {
  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(final Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(final ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final ExpiringPagingProvider paging = new ExpiringPagingProvider(20, 500, Duration.ofMinutes(30), 3, clock);

  @Test
  void aSearchIsKeptUntilItsLinksExpireThenAnswers410SayingSo() {
    final IBundleProvider results = new SimpleBundleProvider();
    final String id = paging.storeResultList(null, results);
    clock.advance(Duration.ofMinutes(29).plusSeconds(59));
    assertThat(paging.retrieveResultList(null, id)).isSameAs(results);
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> paging.retrieveResultList(null, id)).isInstanceOf(ResourceGoneException.class)
        .hasMessageContaining("expired at 2026-01-01T00:30:00Z").hasMessageContaining("30 min");
  }

  @Test
  void anUnknownOrPushedOutSearchIsA410ThatSaysLinksWorkOnlyAtTheNodeThatIssuedThem() {
    final String first = paging.storeResultList(null, new SimpleBundleProvider());
    final String second = paging.storeResultList(null, new SimpleBundleProvider());
    paging.storeResultList(null, new SimpleBundleProvider());
    paging.storeResultList(null, new SimpleBundleProvider());
    assertThatThrownBy(() -> paging.retrieveResultList(null, first)).isInstanceOf(ResourceGoneException.class)
        .hasMessageContaining("not known at this node");
    assertThat(paging.retrieveResultList(null, second)).isNotNull();
    assertThatThrownBy(() -> paging.retrieveResultList(null, "nonsense")).isInstanceOf(ResourceGoneException.class);
  }

  @Test
  void expiredSearchesMakeRoomBeforeLiveOnesArePushedOut() {
    paging.storeResultList(null, new SimpleBundleProvider());
    paging.storeResultList(null, new SimpleBundleProvider());
    clock.advance(Duration.ofMinutes(31));
    final String live = paging.storeResultList(null, new SimpleBundleProvider());
    paging.storeResultList(null, new SimpleBundleProvider());
    paging.storeResultList(null, new SimpleBundleProvider());
    assertThat(paging.retrieveResultList(null, live)).isNotNull();
    assertThat(paging.getDefaultPageSize()).isEqualTo(20);
    assertThat(paging.getMaximumPageSize()).isEqualTo(500);
  }
}
