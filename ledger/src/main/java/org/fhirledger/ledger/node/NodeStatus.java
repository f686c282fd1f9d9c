package org.fhirledger.ledger.node;

import org.fhirledger.ledger.crypto.Hash32;

/** A snapshot of a node for operators ($ledger-status) and tests. */
public record NodeStatus(
    String nodeId,
    String publicKey,
    String chainId,
    long height,
    Hash32 lastBlockHash,
    int validators,
    int connectedPeers,
    long consensusHeight,
    int consensusRound,
    int pendingTransactions,
    int evidence,
    long droppedMessages) {}
