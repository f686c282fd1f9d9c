package org.fhirledger.ledger.audit;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.fhirledger.ledger.chain.Block;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.chain.Genesis;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.crypto.SignatureVerifier;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.ledger.store.TransactionOutcome;

/**
 * Offline audit of a node's whole chain, trusting nothing the store says that can be recomputed: every block
 * links to its parent's hash, its body matches its header's Merkle roots, every transaction is signed by a
 * member for this chain, every commit certificate holds a quorum of valid seals for that block, the recorded
 * outcomes sit where the block puts them, every committed change is in the world state, and every chunk
 * the block carried is stored and hashes to its id. The first failure is reported with its height.
 */
public final class ChainAuditor {
  private final SignatureVerifier verifier;

  public ChainAuditor(final SignatureVerifier verifier) {
    this.verifier = verifier;
  }

  /** What the audit found: the heights it verified, and the first problem if any. */
  public record Report(long chainHeight, long verifiedThrough, Optional<Failure> failure) {
    public boolean ok() {
      return failure.isEmpty();
    }
  }

  /** The first height that does not verify, and why. */
  public record Failure(long height, String reason) {}

  public Report audit(final LedgerStore store) {
    final long top = store.height();
    final Optional<Genesis> genesis = store.genesis();
    if (genesis.isEmpty()) {
      return new Report(top, 0, Optional.of(new Failure(0, "the store has no genesis")));
    }
    if (!store.blockHash(0).equals(Optional.of(genesis.get().hash()))) {
      return new Report(top, 0, Optional.of(new Failure(0, "the hash recorded for height 0 is not the genesis hash")));
    }
    final ValidatorSet validators = genesis.get().validatorSet();
    Hash32 parent = genesis.get().hash();
    for (long h = 1; h <= top; h++) {
      final String problem;
      try {
        problem = checkHeight(store, genesis.get().chainId(), validators, h, parent);
      } catch (final RuntimeException e) { // StorageException, DecodingException, DagException: all mean "does not verify"
        return new Report(top, h - 1, Optional.of(new Failure(h, "unreadable: " + e.getMessage())));
      }
      if (problem != null) {
        return new Report(top, h - 1, Optional.of(new Failure(h, problem)));
      }
      parent = store.block(h).orElseThrow().hash();
    }
    return new Report(top, top, Optional.empty());
  }

  private String checkHeight(final LedgerStore store, final String chainId, final ValidatorSet validators, final long h, final Hash32 parent) {
    final Optional<Block> stored = store.block(h);
    if (stored.isEmpty()) {
      return "block missing";
    }
    final Block block = stored.get();
    if (block.height() != h || !chainId.equals(block.header().chainId())) {
      return "block header says height " + block.height() + " of chain '" + block.header().chainId() + "'";
    }
    if (!block.header().parentHash().equals(parent)) {
      return "parent hash " + block.header().parentHash().toShortHex() + " is not the hash of height " + (h - 1);
    }
    if (!store.blockHash(h).equals(Optional.of(block.hash()))) {
      return "the hash index disagrees with the block's own hash";
    }
    if (!block.bodyMatchesHeader()) {
      return "the body does not match the header's Merkle roots";
    }
    if (!validators.contains(block.header().proposer())) {
      return "proposer " + block.header().proposer() + " is not a validator";
    }
    final Optional<CommitCertificate> cert = store.certificate(h);
    if (cert.isEmpty()) {
      return "commit certificate missing";
    }
    if (cert.get().height() != h || !cert.get().blockHash().equals(block.hash())) {
      return "the commit certificate is for another block";
    }
    final String certProblem = cert.get().check(chainId, validators, verifier);
    if (certProblem != null) {
      return "invalid commit certificate: " + certProblem;
    }
    return checkBody(store, chainId, validators, block);
  }

  private String checkBody(final LedgerStore store, final String chainId, final ValidatorSet validators, final Block block) {
    final List<Transaction> txs = block.transactions();
    for (int i = 0; i < txs.size(); i++) {
      final Transaction tx = txs.get(i);
      if (!chainId.equals(tx.chainId()) || !validators.contains(tx.origin()) || !tx.hasValidSignature(verifier)) {
        return "transaction " + i + " is not a valid signed transaction of a member for this chain";
      }
      final Optional<TransactionOutcome> outcome = store.outcome(tx.hash());
      if (outcome.isEmpty() || outcome.get().height() != block.height() || outcome.get().txIndex() != i) {
        return "the outcome of transaction " + i + " is missing or recorded elsewhere";
      }
      if (outcome.get().committed()) {
        for (final ResourceChange c : tx.changes()) {
          final Optional<ResourceVersion> v = store.version(c.resourceType(), c.resourceId(), c.versionId());
          if (v.isEmpty() || !v.get().txHash().equals(tx.hash()) || !java.util.Objects.equals(v.get().content(), c.content())) {
            return "world state lacks " + c.versionedId() + " as transaction " + i + " wrote it";
          }
        }
      }
    }
    final Set<Object> seen = new HashSet<>();
    for (final Chunk c : block.chunks()) {
      if (seen.add(c.id()) && store.chunk(c.id()).isEmpty()) {
        return "chunk " + c.id() + " carried by the block is not in the chunk store";
      }
    }
    return null;
  }
}
