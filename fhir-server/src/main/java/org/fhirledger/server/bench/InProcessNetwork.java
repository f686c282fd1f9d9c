package org.fhirledger.server.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.fhirledger.server.cli.LocalNetwork;

/**
 * N nodes inside the bench's own JVM ({@link LocalNetwork}, one shared embedded PostgreSQL): for machines
 * where child JVMs cannot be started. CPU and RSS are then those of the whole JVM, clients included.
 */
public final class InProcessNetwork implements BenchNetwork {
  private final LocalNetwork network;

  private InProcessNetwork(final LocalNetwork network) {
    this.network = network;
  }

  public static InProcessNetwork start(final Path dir, final int nodes) throws IOException {
    return new InProcessNetwork(LocalNetwork.start(dir, nodes, 0));
  }

  @Override
  public String mode() {
    return "in-process";
  }

  @Override
  public List<URI> fhirBases() {
    return network.nodes().stream().map(n -> URI.create(n.fhirBaseUrl())).toList();
  }

  @Override
  public Optional<Integer> validators() {
    return Optional.of(network.size());
  }

  @Override
  public List<NodeProbe> probes() {
    return List.of(new NodeProbe("bench JVM (all nodes + clients)", ProcessHandle.current().pid(), null));
  }

  @Override
  public Optional<Path> chainDirOfFirstNode() {
    return Optional.of(network.dataDir().resolve("node-0").resolve("data").resolve("chain"));
  }

  @Override
  public String usageNote() {
    return "nodes run inside the bench JVM: CPU and peak RSS are the whole JVM's, clients included";
  }

  @Override
  public void close() {
    network.close();
  }
}
