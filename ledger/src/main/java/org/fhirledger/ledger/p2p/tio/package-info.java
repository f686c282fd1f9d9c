/**
 * The t-io implementation of {@link org.fhirledger.ledger.p2p.PeerTransport}: {@link
 * org.fhirledger.ledger.p2p.tio.TioPeerTransport}, configured by {@link
 * org.fhirledger.ledger.p2p.tio.TransportConfig}.
 *
 * <p>Wire format: {@code [4-byte big-endian length][1-byte type][payload]}, the length counting type and
 * payload. Types: HELLO(1), AUTH(2), HEARTBEAT(3), APP(4). Before authentication a frame may be at most
 * 4096 bytes; after it, {@code maxFrameBytes}. A bad type or length closes that connection only.
 *
 * <p>Handshake, both directions at once: HELLO(version, chainId, genesisHash, key, 32-byte nonce), then
 * AUTH(Ed25519 signature over "fhir-ledger/p2p/auth/v1", chainId, genesisHash, the receiver's nonce, the
 * signer's key, the receiver's key). Admitted only if the key is a current member, the chain matches and the
 * signature verifies; APP frames before that are dropped and counted.
 *
 * <p>Topology: the lower key dials the higher; duplicates are resolved identically at both ends (the
 * connection dialled by the lower key wins, else the newer). Each instance owns its t-io executors, its
 * timers and its dialler; t-io's JVM-wide defaults (executors, ReconnConf pool, heartbeat threads, per-IP
 * statistics) are not used.
 */
package org.fhirledger.ledger.p2p.tio;
