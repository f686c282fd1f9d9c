package org.fhirledger.server.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The FHIR endpoints a run drives: a network the bench started, or endpoints someone else runs. */
public interface BenchNetwork extends AutoCloseable {
  /** "processes", "in-process" or "target". */
  String mode();

  /** FHIR base URLs, one per node (…/fhir). */
  List<URI> fhirBases();

  /** Validators of the network the bench started; empty for running endpoints (not known). */
  Optional<Integer> validators();

  /** Where each node's CPU and memory are read; empty when not on this machine's process table. */
  List<NodeProbe> probes();

  /**
   * The RocksDB folder of node 0's chain, readable once {@link #close} returned (a running node holds its
   * lock); empty for running endpoints.
   */
  Optional<Path> chainDirOfFirstNode();

  /** What the report should say about where CPU and RSS figures come from. */
  String usageNote();

  @Override
  void close();
}
