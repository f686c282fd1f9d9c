package org.fhirledger.ledger.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.fhirledger.ledger.p2p.PeerListener;
import org.fhirledger.ledger.p2p.tio.TioPeerTransport;
import org.fhirledger.ledger.p2p.tio.TransportConfig;
import org.fhirledger.ledger.p2p.tls.ConsortiumCa;
import org.fhirledger.ledger.p2p.tls.TlsIdentity;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One message there and back between two members over the real transport: two {@link TioPeerTransport}s in this
 * JVM on 127.0.0.1 (signed handshake done in set-up, one connection for the pair, so one direction leaves through
 * the socket the dialler opened and the other through the socket the server accepted). The second member echoes
 * every payload to its sender from the transport's thread; the benchmark thread sends the next payload only when
 * the echo is back: one message in flight. Payloads: 64 B (a consensus vote is ~150 B) and 64 KiB (a block of a
 * few dozen small resources); optionally over the transport's TLS with certificates of a consortium CA.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 3, time = 5)
@Threads(1)
@Fork(1)
public class TransportRoundTripBenchmark {
  private static final String CHAIN = "bench-round-trip";
  private static final String HOST = "127.0.0.1";

  @Param({"64", "65536"})
  public int payloadBytes;

  @Param({"false", "true"})
  public boolean tls;

  private final List<Validator> members = new CopyOnWriteArrayList<>();
  private final MemberDirectory directory = () -> List.copyOf(members);
  private final List<TioPeerTransport> transports = new ArrayList<>();
  private PublicKey echoKey;
  private byte[] payload;
  private volatile CompletableFuture<byte[]> pending = new CompletableFuture<>();

  @Setup(Level.Trial)
  public void connect() throws IOException {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.fhirledger")).setLevel(ch.qos.logback.classic.Level.WARN);
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.tio")).setLevel(ch.qos.logback.classic.Level.OFF);
    final List<Signer> keys = List.of(Ed25519Keys.generate(TestChain.seededRandom(500)), Ed25519Keys.generate(TestChain.seededRandom(501)));
    for (int i = 0; i < keys.size(); i++) {
      members.add(new Validator("m" + i, keys.get(i).publicKey(), HOST, 0));
    }
    final SecureRandom random = TestChain.seededRandom(502);
    final ConsortiumCa ca = tls ? ConsortiumCa.generate(CHAIN, random) : null;
    final TransportConfig config = TransportConfig.of(HOST, 0, CHAIN, Hash32.sha256(CHAIN.getBytes(StandardCharsets.UTF_8)));
    echoKey = keys.get(1).publicKey();
    final List<PeerListener> listeners = List.of(
        (from, bytes) -> pending.complete(bytes),
        (from, bytes) -> transports.get(1).send(from, bytes));
    for (int i = 0; i < keys.size(); i++) {
      final TlsIdentity identity = tls ? ca.issue("m" + i, List.of(HOST), random) : null;
      final TioPeerTransport t = identity == null ? new TioPeerTransport(config, keys.get(i), Ed25519Keys.verifier(), directory)
          : new TioPeerTransport(config, keys.get(i), Ed25519Keys.verifier(), directory, identity);
      transports.add(t);
      t.start(listeners.get(i));
      final Validator v = members.get(i);
      members.set(i, new Validator(v.name(), v.publicKey(), v.host(), t.port()));
    }
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!transports.stream().allMatch(t -> t.connectedPeers().size() == 1)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the two members did not connect within 60 s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a harness set-up, not a test: poll the transports
    }
    payload = new byte[payloadBytes];
    random.nextBytes(payload);
  }

  @TearDown(Level.Trial)
  public void close() {
    transports.forEach(TioPeerTransport::close);
  }

  /** One payload to the echoing member and back. */
  @Benchmark
  public byte[] roundTrip() throws Exception {
    final CompletableFuture<byte[]> echo = new CompletableFuture<>();
    pending = echo;
    if (!transports.get(0).send(echoKey, payload)) {
      throw new IllegalStateException("the echoing member is not connected");
    }
    final byte[] back = echo.get(30, TimeUnit.SECONDS);
    if (back.length != payloadBytes) {
      throw new IllegalStateException("echo of " + back.length + " bytes for " + payloadBytes);
    }
    return back;
  }
}
