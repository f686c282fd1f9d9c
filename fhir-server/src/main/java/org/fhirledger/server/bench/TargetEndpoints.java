package org.fhirledger.server.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Endpoints someone else runs ({@code --target} or {@code --baseline}): the bench talks HTTP to them, and reads
 * /proc only for the processes the operator named ({@code --baseline-pid}).
 *
 * @param probes the named processes behind the endpoints, measured as nodes are; empty: HTTP figures only
 */
public record TargetEndpoints(List<URI> fhirBases, List<NodeProbe> probes) implements BenchNetwork {
  public TargetEndpoints {
    fhirBases = List.copyOf(fhirBases);
    probes = List.copyOf(probes);
    if (fhirBases.isEmpty()) {
      throw new IllegalArgumentException("no target URL");
    }
  }

  /** Endpoints whose processes are not measured. */
  public TargetEndpoints(final List<URI> fhirBases) {
    this(fhirBases, List.of());
  }

  /** Parses {@code URL,URL,...}; a trailing slash is dropped. */
  public static TargetEndpoints parse(final String urls) {
    return new TargetEndpoints(java.util.Arrays.stream(urls.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .map(s -> URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s)).toList());
  }

  @Override
  public String mode() {
    return "target";
  }

  @Override
  public Optional<Integer> validators() {
    return Optional.empty();
  }

  @Override
  public Optional<Path> chainDirOfFirstNode() {
    return Optional.empty();
  }

  @Override
  public String usageNote() {
    return probes.isEmpty() ? "running endpoints: CPU and RSS not measured"
        : "running endpoints: CPU and RSS of the named process" + (probes.get(0).postgresDataDir() == null ? "" : " and its PostgreSQL")
            + " from /proc";
  }

  @Override
  public void close() {
    // not ours to stop
  }
}
