package org.fhirledger.server.operations;

import ca.uhn.fhir.rest.annotation.Operation;
import java.util.List;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.chain.ValidatorSet;
import org.fhirledger.ledger.consensus.messages.Commit;
import org.fhirledger.ledger.consensus.messages.ConsensusMessage;
import org.fhirledger.ledger.consensus.messages.Prepare;
import org.fhirledger.ledger.consensus.messages.Proposal;
import org.fhirledger.ledger.consensus.statemachine.Evidence;
import org.fhirledger.ledger.node.LedgerNode;
import org.fhirledger.ledger.node.NodeStatus;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.fhirledger.server.index.ReindexJobs;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;

/**
 * {@code GET /fhir/$ledger-status}: what operators and tests need to see of the chain without opening the store.
 * {@code validators} is the count and each {@code validator} (parts name, publicKey, endpoint) one member of the
 * set in force at the next height, as the chain's membership transactions left it.
 */
public final class LedgerStatusProvider {
  /** The newest conflicts listed one by one; the count covers them all. */
  static final int MAX_EVIDENCE_SHOWN = 100;
  private final LedgerNode ledger;
  private final String nodeName;
  private final Supplier<List<ReindexJobs.Job>> reindexJobs;
  private final LongSupplier indexedHeight;

  /**
   * With the node's custom search parameter reindex jobs (one {@code reindex} parameter each) and the height its
   * search index has applied ({@code indexedHeight}: searches answer as of that height, so an operator sees how far
   * the projection trails the chain).
   */
  public LedgerStatusProvider(final LedgerNode ledger, final String nodeName,
      final Supplier<List<ReindexJobs.Job>> reindexJobs, final LongSupplier indexedHeight) {
    this.ledger = ledger;
    this.nodeName = nodeName;
    this.reindexJobs = reindexJobs;
    this.indexedHeight = indexedHeight;
  }

  @Operation(name = "$ledger-status", idempotent = true)
  public Parameters ledgerStatus() {
    // read before the chain's height: the index only applies blocks the chain has, so it can never show ahead
    final long indexed = indexedHeight.getAsLong();
    final NodeStatus s = ledger.status();
    final Parameters p = new Parameters();
    p.addParameter().setName("nodeId").setValue(new StringType(s.nodeId()));
    p.addParameter().setName("nodeName").setValue(new StringType(nodeName));
    p.addParameter().setName("publicKey").setValue(new StringType(s.publicKey()));
    p.addParameter().setName("chainId").setValue(new StringType(s.chainId()));
    p.addParameter().setName("height").setValue(new IntegerType(Math.toIntExact(s.height())));
    p.addParameter().setName("lastBlockHash").setValue(new StringType(s.lastBlockHash().toHex()));
    p.addParameter().setName("indexedHeight").setValue(new IntegerType(Math.toIntExact(indexed)));
    p.addParameter().setName("validators").setValue(new IntegerType(s.validators()));
    final ValidatorSet current = ledger.currentValidators();
    p.addParameter().setName("quorum").setValue(new IntegerType(current.quorum()));
    p.addParameter().setName("manager").setValue(new StringType(ledger.genesis().manager().toHex()));
    addValidators(p, current);
    p.addParameter().setName("connectedPeers").setValue(new IntegerType(s.connectedPeers()));
    p.addParameter().setName("consensusRound").setValue(new IntegerType(s.consensusRound()));
    p.addParameter().setName("pendingTransactions").setValue(new IntegerType(s.pendingTransactions()));
    p.addParameter().setName("evidence").setValue(new IntegerType(s.evidence()));
    p.addParameter().setName("droppedMessages").setValue(new IntegerType(Math.toIntExact(Math.min(Integer.MAX_VALUE, s.droppedMessages()))));
    for (final ReindexJobs.Job job : reindexJobs.get()) {
      addReindex(p, job);
    }
    final List<Evidence> evidence = ledger.evidence();
    for (final Evidence e : evidence.subList(Math.max(0, evidence.size() - MAX_EVIDENCE_SHOWN), evidence.size())) {
      addEvidence(p, e);
    }
    return p;
  }

  /** One {@code validator} parameter per member, in rotation order. */
  static void addValidators(final Parameters p, final ValidatorSet validators) {
    for (final Validator v : validators.validators()) {
      final Parameters.ParametersParameterComponent member = p.addParameter().setName("validator");
      member.addPart().setName("name").setValue(new StringType(v.name()));
      member.addPart().setName("publicKey").setValue(new StringType(v.publicKey().toHex()));
      member.addPart().setName("endpoint").setValue(new StringType(v.host() + ":" + v.p2pPort()));
    }
  }

  /**
   * One custom search parameter's reindex on this node: {@code state} running or done, the {@code parameter} code,
   * its {@code url} and {@code base} types, {@code resourcesDone} of {@code resourcesTotal} (the total counted when it
   * started; resources written again meanwhile got the parameter from the live indexer and leave the count), the
   * activation {@code height} (the block that wrote the SearchParameter), and once done the {@code doneHeight}.
   */
  static void addReindex(final Parameters p, final ReindexJobs.Job job) {
    final ParametersParameterComponent item = p.addParameter().setName("reindex");
    item.addPart().setName("state").setValue(new CodeType(job.state()));
    item.addPart().setName("parameter").setValue(new StringType(job.code()));
    item.addPart().setName("url").setValue(new StringType(job.url()));
    item.addPart().setName("base").setValue(new StringType(String.join(",", job.bases())));
    item.addPart().setName("resourcesDone").setValue(new IntegerType(Math.toIntExact(Math.min(Integer.MAX_VALUE, job.resourcesDone()))));
    item.addPart().setName("resourcesTotal").setValue(new IntegerType(Math.toIntExact(Math.min(Integer.MAX_VALUE, job.resourcesTotal()))));
    item.addPart().setName("height").setValue(new StringType(Long.toString(job.activationHeight())));
    if (job.doneHeight() != null) {
      item.addPart().setName("doneHeight").setValue(new StringType(Long.toString(job.doneHeight())));
    }
  }

  /** One conflict: who signed what twice, where, and the two block hashes (the signed messages stay in the node). */
  private static void addEvidence(final Parameters p, final Evidence e) {
    final ParametersParameterComponent item = p.addParameter().setName("evidenceItem");
    item.addPart().setName("validator").setValue(new StringType(e.first().author().toHex()));
    item.addPart().setName("message").setValue(new StringType(e.first().getClass().getSimpleName()));
    item.addPart().setName("height").setValue(new StringType(Long.toString(e.first().height())));
    item.addPart().setName("round").setValue(new IntegerType(e.first().round()));
    item.addPart().setName("first").setValue(new StringType(blockHash(e.first())));
    item.addPart().setName("second").setValue(new StringType(blockHash(e.second())));
  }

  private static String blockHash(final ConsensusMessage m) {
    if (m instanceof Proposal p) {
      return p.block().hash().toHex();
    }
    if (m instanceof Prepare p) {
      return p.blockHash().toHex();
    }
    return m instanceof Commit c ? c.blockHash().toHex() : "";
  }
}
