/**
 * {@code fhir-ledger bench}: a load tool for FHIR Ledger networks, like {@code pgbench} for PostgreSQL.
 *
 * <p>It starts a network of node processes from the same jar (or targets running endpoints), drives
 * concurrent clients over raw FHIR JSON with {@link java.net.http.HttpClient}, and reports committed
 * operations and resources per second, latency percentiles (HdrHistogram), blocks per second and
 * transactions per block (read from the nodes' own chains after the run), errors by kind, and CPU and
 * peak RSS per node. {@code --find-max} follows the paper's method (section 7): raise an open-loop offered
 * rate until the committed rate falls behind, then hold the best sustainable rate and report TPS by its
 * Eq. 1 over whole block intervals.
 *
 * <p>Nothing here is used by a running node; the package only talks HTTP to nodes and reads a stopped
 * node's store.
 */
package org.fhirledger.server.bench;
