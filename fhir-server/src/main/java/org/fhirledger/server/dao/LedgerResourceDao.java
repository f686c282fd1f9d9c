package org.fhirledger.server.dao;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.dag.Dag;
import org.fhirledger.ledger.dag.DagBuilder;
import org.fhirledger.ledger.dag.DagReader;
import org.fhirledger.ledger.node.LedgerNode;
import org.fhirledger.server.dao.patch.ResourcePatcher;
import org.fhirledger.ledger.node.NodeBusyException;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The one DAO behind every resource type. A write assigns id, versionId, lastUpdated and source, encodes
 * the canonical JSON once, splits it into Merkle-DAG chunks, signs a ledger transaction with the node key and
 * answers only when the block holding it is final and applied here. Reads come from this node's world
 * state and chunk store, each chunk verified against its content id.
 */
public final class LedgerResourceDao {
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private final FhirContext fhir;
  private final LedgerNode ledger;
  private final long maxResourceBytes;
  private final long writeTimeoutMillis;
  private final String source;
  private static final DagBuilder DAG_BUILDER = new DagBuilder();
  private final SecureRandom nonces = new SecureRandom();
  private final ResourcePatcher patcher;

  public LedgerResourceDao(final FhirContext fhir, final LedgerNode ledger, final long maxResourceBytes, final long writeTimeoutMillis) {
    this.fhir = fhir;
    this.ledger = ledger;
    this.maxResourceBytes = maxResourceBytes;
    this.writeTimeoutMillis = writeTimeoutMillis;
    this.source = "urn:fhirledger:node:" + ledger.publicKey().nodeIdHex();
    this.patcher = new ResourcePatcher(fhir);
  }

  public MethodOutcome create(final Resource resource, final String clientId) {
    final String type = resource.fhirType();
    final String id = UUID.randomUUID().toString();
    return write(Operation.CREATE, type, id, 0, resource, clientId, true);
  }

  /**
   * Update, or create with the client's id when it does not exist yet. {@code ifMatchVersion} (from If-Match)
   * must equal the current version or the update fails with 412.
   */
  public MethodOutcome update(final String type, final String id, final Resource resource, final Long ifMatchVersion, final String clientId) {
    checkId(id);
    final Optional<ResourceVersion> head = store().head(type, id);
    final long current = head.map(ResourceVersion::versionId).orElse(0L);
    if (ifMatchVersion != null && ifMatchVersion != current) {
      throw new PreconditionFailedException("If-Match expected version " + ifMatchVersion + " of " + type + "/" + id
          + " but the current version is " + current);
    }
    final boolean created = head.isEmpty() || head.get().deleted();
    return write(Operation.UPDATE, type, id, current, resource, clientId, created);
  }

  public MethodOutcome delete(final String type, final String id, final Long ifMatchVersion, final String clientId) {
    final ResourceVersion head = store().head(type, id)
        .orElseThrow(() -> new ResourceNotFoundException(new IdType(type, id)));
    if (ifMatchVersion != null && ifMatchVersion != head.versionId()) {
      throw new PreconditionFailedException("If-Match expected version " + ifMatchVersion + " of " + type + "/" + id
          + " but the current version is " + head.versionId());
    }
    if (head.deleted()) {
      // Deleting what is already deleted changes nothing and succeeds (R4 http.html#delete).
      final MethodOutcome outcome = new MethodOutcome(new IdType(type, id, String.valueOf(head.versionId())));
      return outcome;
    }
    final ResourceChange change = new ResourceChange(Operation.DELETE, type, id, head.versionId() + 1, head.versionId(), null, 0);
    final Transaction tx = sign(List.of(change), clientId, System.currentTimeMillis());
    await(ledger.submit(tx, List.of()), type, id);
    return new MethodOutcome(new IdType(type, id, String.valueOf(head.versionId() + 1)));
  }

  public Resource read(final String type, final String id) {
    final ResourceVersion head = store().head(type, id).orElseThrow(() -> new ResourceNotFoundException(new IdType(type, id)));
    if (head.deleted()) {
      throw new ResourceGoneException("Resource " + type + "/" + id + " was deleted in version " + head.versionId());
    }
    return load(head);
  }

  public Resource vread(final String type, final String id, final long version) {
    final ResourceVersion v = store().version(type, id, version)
        .orElseThrow(() -> new ResourceNotFoundException(new IdType(type, id, String.valueOf(version))));
    if (v.deleted()) {
      throw new ResourceGoneException("Version " + version + " of " + type + "/" + id + " is a deletion");
    }
    return load(v);
  }

  /** The resource at a known version, parsed from its canonical bytes. */
  public Resource load(final ResourceVersion v) {
    final byte[] bytes = DagReader.read(v.content(), store()::chunk);
    final Resource r = (Resource) fhir.newJsonParser().parseResource(new String(bytes, StandardCharsets.UTF_8));
    r.setId(new IdType(v.resourceType(), v.resourceId(), String.valueOf(v.versionId())));
    return r;
  }

  private MethodOutcome write(
      final Operation op,
      final String type,
      final String id,
      final long previous,
      final Resource resource,
      final String clientId,
      final boolean created) {
    final long version = previous + 1;
    final long now = System.currentTimeMillis();
    resource.setId(new IdType(type, id));
    resource.getMeta().setVersionId(String.valueOf(version));
    resource.getMeta().setLastUpdatedElement(new InstantType(new Date(now)));
    resource.getMeta().setSource(source);
    final IParser parser = fhir.newJsonParser().setPrettyPrint(false);
    final byte[] canonical = parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
    if (canonical.length > maxResourceBytes) {
      throw new PayloadTooLargeException("Resource of " + canonical.length + " bytes is over this server's limit of " + maxResourceBytes);
    }
    final Dag dag = DAG_BUILDER.build(canonical);
    final ResourceChange change = new ResourceChange(op, type, id, version, previous, dag.root(), dag.size());
    final Transaction tx = sign(List.of(change), clientId, now);
    await(ledger.submit(tx, dag.chunks()), type, id);
    resource.setId(new IdType(type, id, String.valueOf(version)));
    final MethodOutcome outcome = new MethodOutcome(resource.getIdElement(), created);
    outcome.setResource(resource);
    return outcome;
  }

  private Transaction sign(final List<ResourceChange> changes, final String clientId, final long now) {
    return Transaction.sign(ledger.genesis().chainId(), ledger.signer(), clientId == null ? "" : clientId, now, nonces.nextLong(), changes);
  }

  private void await(final java.util.concurrent.CompletableFuture<TransactionOutcome> pending, final String type, final String id) {
    final TransactionOutcome outcome;
    try {
      outcome = pending.get(writeTimeoutMillis, TimeUnit.MILLISECONDS);
    } catch (final TimeoutException e) {
      throw new ServiceUnavailableException("The ledger did not commit the write to " + type + "/" + id + " within "
          + writeTimeoutMillis + " ms; it may still commit. Read the resource before retrying.");
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("Interrupted while waiting for the ledger");
    } catch (final ExecutionException e) {
      if (e.getCause() instanceof NodeBusyException busy) {
        throw new ServiceUnavailableException(busy.getMessage());
      }
      throw new ServiceUnavailableException("The ledger failed the write: " + e.getCause());
    }
    if (!outcome.committed()) {
      throw new ResourceVersionConflictException("The ledger rejected the write to " + type + "/" + id + ": " + outcome.rejection());
    }
  }

  /**
   * PATCH: reads the current version, applies the patch (JSON Patch or FHIRPath Patch), lets {@code check} see
   * the result (validation), and writes it as an update expecting the version it read, so that a concurrent
   * write in between makes the ledger reject this one (deterministically, on every node) instead of losing it.
   */
  public MethodOutcome patch(final String type, final String id, final PatchTypeEnum patchType, final String body,
      final Long ifMatchVersion, final String clientId, final Consumer<Resource> check) {
    final ResourceVersion head = store().head(type, id).orElseThrow(() -> new ResourceNotFoundException(new IdType(type, id)));
    if (ifMatchVersion != null && ifMatchVersion != head.versionId()) {
      throw new PreconditionFailedException("If-Match expected version " + ifMatchVersion + " of " + type + "/" + id
          + " but the current version is " + head.versionId());
    }
    if (head.deleted()) {
      throw new ResourceGoneException("Resource " + type + "/" + id + " was deleted in version " + head.versionId());
    }
    final Resource patched = patcher.apply(load(head), patchType, body);
    check.accept(patched);
    try {
      return update(type, id, patched, head.versionId(), clientId);
    } catch (final PreconditionFailedException e) {
      if (ifMatchVersion != null) {
        throw e;
      }
      throw new ResourceVersionConflictException(type + "/" + id + " changed while the patch was applied; read it and patch again");
    }
  }

  /** The newest version of a resource in this node's world state (a deletion included), if it ever existed. */
  public Optional<ResourceVersion> head(final String type, final String id) {
    return store().head(type, id);
  }

  /** An empty resource of the type, to stand for a deleted version in a history. */
  public Resource placeholder(final String type) {
    return (Resource) fhir.getResourceDefinition(type).newInstance();
  }

  private static void checkId(final String id) {
    if (id == null || !FHIR_ID.matcher(id).matches()) {
      throw new InvalidRequestException("'" + id + "' is not a valid FHIR id");
    }
  }

  private LedgerStore store() {
    return ledger.store();
  }

  public static Long versionOf(final IIdType id) {
    return id != null && id.hasVersionIdPart() ? Long.valueOf(id.getVersionIdPart()) : null;
  }
}
