package org.fhirledger.ledger.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.TestChain;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.Signer;
import org.fhirledger.ledger.node.LedgerNode;
import org.fhirledger.ledger.node.NodeConfig;
import org.fhirledger.ledger.p2p.MemberDirectory;
import org.fhirledger.ledger.p2p.tio.TioPeerTransport;
import org.fhirledger.ledger.p2p.tio.TransportConfig;
import org.fhirledger.ledger.store.rocksdb.RocksDbLedgerStore;

/**
 * A network of real {@link LedgerNode}s in one JVM for the ledger's benchmarks: seeded keys, one synced RocksDB store
 * each in a temporary folder, T-io on 127.0.0.1 with ephemeral ports, {@link NodeConfig#defaults()}. Returns once
 * every node is connected to every other.
 */
final class LoopbackNetwork implements AutoCloseable {
  final List<Signer> keys = new ArrayList<>();
  final List<LedgerNode> nodes = new ArrayList<>();
  final List<TioPeerTransport> transports = new ArrayList<>();
  final List<RocksDbLedgerStore> stores = new ArrayList<>();
  private final List<Validator> members = new CopyOnWriteArrayList<>();
  private final MemberDirectory directory = () -> List.copyOf(members);
  private final Path dir;
  /** Ed25519 verifications the nodes' ledger code asked the crypto library for (the transports' handshakes not counted). */
  final java.util.concurrent.atomic.AtomicLong ledgerVerifications = new java.util.concurrent.atomic.AtomicLong();

  private LoopbackNetwork(final Path dir) {
    this.dir = dir;
  }

  /** Starts {@code nodeCount} validators of chain {@code chain}; key i is {@code TestChain.seededRandom(seedBase + i)}. */
  static LoopbackNetwork start(final String chain, final int nodeCount, final int seedBase) throws IOException {
    final LoopbackNetwork net = new LoopbackNetwork(Files.createTempDirectory(chain));
    final List<Validator> validators = new ArrayList<>();
    for (int i = 0; i < nodeCount; i++) {
      net.keys.add(Ed25519Keys.generate(TestChain.seededRandom(seedBase + i)));
      validators.add(new Validator("v" + i, net.keys.get(i).publicKey(), "127.0.0.1", 0));
    }
    net.members.addAll(validators);
    final Genesis genesis = new Genesis(chain, 1_700_000_000_000L, validators, validators.get(0).publicKey());
    final TransportConfig transport = TransportConfig.of("127.0.0.1", 0, chain, Hash32.sha256(chain.getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < nodeCount; i++) {
      final RocksDbLedgerStore store = RocksDbLedgerStore.open(net.dir.resolve("node-" + i));
      store.initGenesis(genesis);
      final TioPeerTransport t = new TioPeerTransport(transport, net.keys.get(i), Ed25519Keys.verifier(), net.directory);
      final org.fhirledger.ledger.crypto.SignatureVerifier ed25519 = Ed25519Keys.verifier();
      final org.fhirledger.ledger.crypto.SignatureVerifier counted = (key, message, signature) -> {
        net.ledgerVerifications.incrementAndGet();
        return ed25519.verify(key, message, signature);
      };
      final LedgerNode node = new LedgerNode(genesis, net.keys.get(i), counted, store, t, NodeConfig.defaults(), List.of());
      node.start();
      final Validator v = net.members.get(i);
      net.members.set(i, new Validator(v.name(), v.publicKey(), v.host(), t.port()));
      net.stores.add(store);
      net.transports.add(t);
      net.nodes.add(node);
    }
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!net.transports.stream().allMatch(t -> t.connectedPeers().size() == nodeCount - 1)) {
      if (System.nanoTime() > deadline) {
        net.close();
        throw new IllegalStateException("the " + nodeCount + " nodes did not connect within 60 s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a harness set-up, not a test: poll the transports
    }
    return net;
  }

  @Override
  public void close() throws IOException {
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).close();
      transports.get(i).close();
      stores.get(i).close();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
