package org.fhirledger.ledger.node;

import java.time.Duration;
import org.fhirledger.ledger.consensus.ConsensusConfig;

/**
 * Settings of the ledger node shell: batching (a block carries up to {@code blockMaxTransactions} or waits
 * at most {@code blockWait} after the first pending transaction), catch-up batch size, event queue bound.
 */
public record NodeConfig(
    int blockMaxTransactions,
    long blockMaxBytes,
    Duration blockWait,
    int syncBatchBlocks,
    Duration statusInterval,
    int eventQueueCapacity,
    ConsensusConfig consensus) {
  public static final int DEFAULT_BLOCK_MAX_TRANSACTIONS = 500;
  public static final long DEFAULT_BLOCK_MAX_BYTES = 32L * 1024 * 1024;
  public static final Duration DEFAULT_BLOCK_WAIT = Duration.ofMillis(2);
  public static final int DEFAULT_SYNC_BATCH_BLOCKS = 64;
  public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofMillis(1000);
  public static final int DEFAULT_EVENT_QUEUE_CAPACITY = 200_000;

  public static NodeConfig defaults() {
    return new NodeConfig(
        DEFAULT_BLOCK_MAX_TRANSACTIONS,
        DEFAULT_BLOCK_MAX_BYTES,
        DEFAULT_BLOCK_WAIT,
        DEFAULT_SYNC_BATCH_BLOCKS,
        DEFAULT_STATUS_INTERVAL,
        DEFAULT_EVENT_QUEUE_CAPACITY,
        ConsensusConfig.defaults());
  }
}
