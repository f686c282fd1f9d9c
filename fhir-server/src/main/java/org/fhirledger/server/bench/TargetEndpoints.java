package org.fhirledger.server.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Endpoints someone else runs ({@code --target} or {@code --baseline}): the bench only talks HTTP to them. */
public record TargetEndpoints(List<URI> fhirBases) implements BenchNetwork {
  public TargetEndpoints {
    fhirBases = List.copyOf(fhirBases);
    if (fhirBases.isEmpty()) {
      throw new IllegalArgumentException("no target URL");
    }
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
  public List<NodeProbe> probes() {
    return List.of();
  }

  @Override
  public Optional<Path> chainDirOfFirstNode() {
    return Optional.empty();
  }

  @Override
  public String usageNote() {
    return "running endpoints: CPU and RSS not measured";
  }

  @Override
  public void close() {
    // not ours to stop
  }
}
