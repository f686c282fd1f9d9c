package org.fhirledger.server.config;

import java.io.IOException;
import java.nio.file.Path;
import org.fhirledger.ledger.p2p.tls.TlsIdentity;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One hospital node's settings, bound from {@code node.yaml} (prefix {@code fhirledger.node}) or from the
 * environment ({@code FHIRLEDGER_NODE_P2P_PORT} and so on). The FHIR port is Spring's {@code server.port}.
 *
 * @param name human name of the hospital, shown in $ledger-status
 * @param keyFile the node's Ed25519 private key (PKCS#8 PEM)
 * @param genesisFile the consortium's genesis (JSON written by init-network)
 * @param dataDir where RocksDB keeps the chain, chunks and world state
 * @param p2pHost address the peer-to-peer server binds to
 * @param p2pPort peer-to-peer port (T-io)
 * @param p2pTlsCertFile this node's TLS certificate (PEM, issued by the consortium CA); with the next two set,
 *     peer-to-peer connections run inside TLS; all three empty: plain TCP (peers authenticate either way)
 * @param p2pTlsKeyFile the TLS certificate's private key (PKCS#8 PEM)
 * @param p2pTlsCaFile the consortium CA's certificate (PEM), the only TLS trust anchor
 * @param jdbcUrl PostgreSQL for the search index; empty = embedded PostgreSQL under dataDir
 * @param jdbcUsername PostgreSQL user
 * @param jdbcPassword PostgreSQL password
 * @param maxResourceBytes largest request body accepted (413 above it)
 * @param blockMaxTransactions most transactions in one block
 * @param blockWaitMillis how long a proposer waits to fill a block
 * @param roundTimeoutMillis first round timeout of I-PBFT (doubles each round)
 * @param writeTimeoutMillis how long a FHIR write waits for its block before answering 503
 * @param referentialIntegrity refuse (422) a write that references a resource that does not exist, and (409) a
 *     delete of a resource that others reference; decided on the ledger, per transaction, as this node asks
 * @param updateAsCreate whether a PUT to an id that does not exist creates the resource with the client's id
 *     (R4 http.html#upsert); when false such a PUT answers 405
 * @param conditionalDeleteMultiple let a conditional delete remove every match (otherwise 412 on several)
 * @param cascadeDelete honour {@code _cascade=delete} on delete (removes what references the resource too)
 * @param validateWrites whether every create, update and patch is validated (base R4 and its declared
 *     meta.profile) and rejected with 422 when the validator reports an error
 * @param searchPageLinkTtlSeconds how long the next/previous links of a search keep working after its first page
 *     (410 Gone after that)
 * @param searchDefaultPageSize entries per search page when the client gives no {@code _count}
 * @param searchMaxPageSize the largest {@code _count} honoured (a larger one is cut to it)
 * @param configDir the folder relative paths in this configuration are resolved against (set by the CLI
 *     to the folder of node.yaml; default: the working directory)
 */
@ConfigurationProperties(prefix = "fhirledger.node")
public record NodeProperties(
    @DefaultValue("hospital") String name,
    String keyFile,
    String genesisFile,
    @DefaultValue("./data") String dataDir,
    @DefaultValue("127.0.0.1") String p2pHost,
    @DefaultValue("9080") int p2pPort,
    @DefaultValue("") String p2pTlsCertFile,
    @DefaultValue("") String p2pTlsKeyFile,
    @DefaultValue("") String p2pTlsCaFile,
    @DefaultValue("") String jdbcUrl,
    @DefaultValue("postgres") String jdbcUsername,
    @DefaultValue("") String jdbcPassword,
    @DefaultValue("" + DEFAULT_MAX_RESOURCE_BYTES) long maxResourceBytes,
    @DefaultValue("" + DEFAULT_BLOCK_MAX_TRANSACTIONS) int blockMaxTransactions,
    @DefaultValue("" + DEFAULT_BLOCK_WAIT_MILLIS) long blockWaitMillis,
    @DefaultValue("" + DEFAULT_ROUND_TIMEOUT_MILLIS) long roundTimeoutMillis,
    @DefaultValue("" + DEFAULT_WRITE_TIMEOUT_MILLIS) long writeTimeoutMillis,
    @DefaultValue("true") boolean referentialIntegrity,
    @DefaultValue("true") boolean updateAsCreate,
    @DefaultValue("false") boolean conditionalDeleteMultiple,
    @DefaultValue("false") boolean cascadeDelete,
    @DefaultValue("false") boolean validateWrites,
    @DefaultValue("" + DEFAULT_SEARCH_PAGE_LINK_TTL_SECONDS) long searchPageLinkTtlSeconds,
    @DefaultValue("" + DEFAULT_SEARCH_PAGE_SIZE) int searchDefaultPageSize,
    @DefaultValue("" + DEFAULT_SEARCH_MAX_PAGE_SIZE) int searchMaxPageSize,
    @DefaultValue(".") String configDir) {

  public static final long DEFAULT_MAX_RESOURCE_BYTES = 16L * 1024 * 1024;
  public static final int DEFAULT_BLOCK_MAX_TRANSACTIONS = 500;
  public static final long DEFAULT_BLOCK_WAIT_MILLIS = 2;
  public static final long DEFAULT_ROUND_TIMEOUT_MILLIS = 1000;
  public static final long DEFAULT_WRITE_TIMEOUT_MILLIS = 30_000;
  public static final long DEFAULT_SEARCH_PAGE_LINK_TTL_SECONDS = 30 * 60;
  public static final int DEFAULT_SEARCH_PAGE_SIZE = 20;
  public static final int DEFAULT_SEARCH_MAX_PAGE_SIZE = 500;

  /**
   * The node's transport TLS identity, or null when TLS is off. Setting only some of the three files is a
   * configuration error (a node that silently fell back to plain TCP would be worse than one that does not start).
   */
  public TlsIdentity p2pTls() throws IOException {
    final Path cert = resolve(p2pTlsCertFile);
    final Path key = resolve(p2pTlsKeyFile);
    final Path ca = resolve(p2pTlsCaFile);
    if (cert == null && key == null && ca == null) {
      return null;
    }
    if (cert == null || key == null || ca == null) {
      throw new IllegalArgumentException(
          "p2p TLS needs all three of p2p-tls-cert-file, p2p-tls-key-file and p2p-tls-ca-file (or none)");
    }
    return TlsIdentity.load(cert, key, ca);
  }

  /**
   * A configured path, resolved against {@link #configDir} when relative. Paths are bound as strings: Spring's
   * String-to-Path conversion goes through resources and refuses "../genesis.json".
   */
  public Path resolve(final String path) {
    if (path == null || path.isBlank()) {
      return null;
    }
    final Path p = Path.of(path);
    return p.isAbsolute() ? p : Path.of(configDir).resolve(p).toAbsolutePath().normalize();
  }
}
