package org.fhirledger.server.dao;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.fhirledger.ledger.chain.Condition;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.dag.DagException;
import org.fhirledger.server.node.LedgerContent;
import org.fhirledger.ledger.node.BlockExecutor.Rejection;
import org.fhirledger.ledger.node.LedgerNode;
import org.fhirledger.server.dao.patch.ResourcePatcher;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.fhirledger.server.dao.LedgerWriter.Staged;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * The one DAO behind every resource type. Writes go through {@link LedgerWriter} and answer only when the
 * block holding them is final and applied here. Conditional operations resolve their criteria against this
 * node's world state, then put that resolution on the transaction as a {@link Condition}: when the block is
 * applied the ledger checks it again against the state left by the transactions before, on every node alike.
 * If another hospital changed the matches in between, the write is resolved again and resubmitted, so two
 * hospitals creating the same patient at once get one resource. Plain updates without If-Match retry a lost
 * version race the same way (last writer wins, as the spec expects); with If-Match the loser gets 412.
 * Reads come from this node's world state and chunk store, each chunk verified against its content id.
 */
public final class LedgerResourceDao {
  /** How often a write whose condition or version changed under it is resolved again before giving up. */
  static final int MAX_ATTEMPTS = 8;
  /** How long a write naming a version this node has not applied yet waits for it (a peer is a block ahead). */
  static final long CATCH_UP_WAIT_MILLIS = 2_000;
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private final FhirContext fhir;
  private final LedgerNode ledger;
  private final LedgerWriter writer;
  private final WritePolicy policy;
  private final ResourcePatcher patcher;
  private final LedgerContent content;

  /** What this server allows beyond the plain interactions. */
  public record WritePolicy(boolean updateCreates, boolean conditionalDeleteMultiple, boolean cascadeDelete) {
    public static WritePolicy defaults() {
      return new WritePolicy(true, false, false);
    }
  }

  public LedgerResourceDao(final FhirContext fhir, final LedgerNode ledger, final LedgerWriter writer, final WritePolicy policy) {
    this(fhir, ledger, writer, policy, null);
  }

  /** {@code content}: reads content by id, fetching leaves of large content from their holders (null: local chunks only). */
  public LedgerResourceDao(final FhirContext fhir, final LedgerNode ledger, final LedgerWriter writer, final WritePolicy policy,
      final LedgerContent content) {
    this.content = content != null ? content : new LedgerContent(ledger.store()::chunk, null);
    this.fhir = fhir;
    this.ledger = ledger;
    this.writer = writer;
    this.policy = policy;
    this.patcher = new ResourcePatcher(fhir);
  }

  public LedgerWriter writer() {
    return writer;
  }

  public MethodOutcome create(final Resource resource, final String clientId) {
    return create(resource, null, clientId);
  }

  /** Create; with {@code ifNoneExist} criteria, the existing match is returned (200) instead of a second resource. */
  public MethodOutcome create(final Resource resource, final String ifNoneExist, final String clientId) {
    final String type = resource.fhirType();
    if (ifNoneExist == null || ifNoneExist.isBlank()) {
      final long now = System.currentTimeMillis();
      final Staged s = writer.stage(Operation.CREATE, type, UUID.randomUUID().toString(), 0, resource, now);
      writer.checkReferencesLocally(List.of(s));
      commit(List.of(s), List.of(), clientId, now, false);
      return outcome(s, true);
    }
    final ConditionKeys.Criteria criteria = ConditionKeys.parse(type, ifNoneExist);
    for (int attempt = 1; ; attempt++) {
      final Resolution match = resolve(criteria);
      if (match.ids().size() > 1) {
        throw new PreconditionFailedException("If-None-Exist " + criteria.text() + " matches " + match.ids().size()
            + " resources; it must match at most one");
      }
      if (match.ids().size() == 1) {
        final Resource existing = read(type, match.ids().first());
        final MethodOutcome found = new MethodOutcome(existing.getIdElement(), false);
        found.setResource(existing);
        return found;
      }
      final long now = System.currentTimeMillis();
      final Staged s = writer.stage(Operation.CREATE, type, UUID.randomUUID().toString(), 0, resource.copy(), now);
      writer.checkReferencesLocally(List.of(s));
      final TransactionOutcome o = writer.submit(List.of(s), match.conditions(), clientId, now);
      if (o.committed()) {
        return outcome(s, true);
      }
      retryOrThrow(o, attempt, false, s.name());
    }
  }

  /**
   * Update, or create with the client's id when it does not exist yet (if this server allows it).
   * {@code ifMatchVersion} (from If-Match) must equal the current version or the update fails with 412.
   */
  public MethodOutcome update(final String type, final String id, final Resource resource, final Long ifMatchVersion, final String clientId) {
    checkId(id);
    awaitVersionSeenElsewhere(type, id, ifMatchVersion);
    for (int attempt = 1; ; attempt++) {
      final Optional<ResourceVersion> head = store().head(type, id);
      final long current = head.map(ResourceVersion::versionId).orElse(0L);
      checkIfMatch(ifMatchVersion, current, type, id);
      final boolean created = head.isEmpty() || head.get().deleted();
      if (head.isEmpty() && !policy.updateCreates()) {
        throw new ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException(type + "/" + id + " does not exist and this server "
            + "does not create resources with client-assigned ids (update-as-create is off); use POST " + type);
      }
      final long now = System.currentTimeMillis();
      final Staged s = writer.stage(Operation.UPDATE, type, id, current, resource.copy(), now);
      writer.checkReferencesLocally(List.of(s));
      final TransactionOutcome o = writer.submit(List.of(s), List.of(), clientId, now);
      if (o.committed()) {
        return outcome(s, created);
      }
      retryOrThrow(o, attempt, ifMatchVersion != null, s.name());
    }
  }

  /** Conditional update (PUT Type?criteria): create when nothing matches, update the one match, 412 on several. */
  public MethodOutcome conditionalUpdate(
      final String type, final String conditionalUrl, final Resource resource, final Long ifMatchVersion, final String clientId) {
    final ConditionKeys.Criteria criteria = ConditionKeys.parse(type, conditionalUrl);
    final String bodyId = resource.getIdElement().hasIdPart() ? resource.getIdElement().getIdPart() : null;
    if (criteria.id() != null) {
      return update(type, criteria.id(), resource, ifMatchVersion, clientId);
    }
    for (int attempt = 1; ; attempt++) {
      final Resolution match = resolve(criteria);
      if (match.ids().size() > 1) {
        throw new PreconditionFailedException(criteria.text() + " matches " + match.ids().size() + " resources; a conditional update needs one");
      }
      final String id = match.ids().isEmpty() ? (bodyId != null ? bodyId : UUID.randomUUID().toString()) : match.ids().first();
      if (bodyId != null && !bodyId.equals(id)) {
        throw new InvalidRequestException("Resource body id '" + bodyId + "' does not match " + type + "/" + id + " found by " + criteria.text());
      }
      checkId(id);
      final Optional<ResourceVersion> head = store().head(type, id);
      final long current = head.map(ResourceVersion::versionId).orElse(0L);
      checkIfMatch(ifMatchVersion, current, type, id);
      final long now = System.currentTimeMillis();
      final Staged s = writer.stage(current == 0 ? Operation.CREATE : Operation.UPDATE, type, id, current, resource.copy(), now);
      writer.checkReferencesLocally(List.of(s));
      final TransactionOutcome o = writer.submit(List.of(s), match.conditions(), clientId, now);
      if (o.committed()) {
        return outcome(s, head.isEmpty() || head.get().deleted());
      }
      retryOrThrow(o, attempt, ifMatchVersion != null, s.name());
    }
  }

  public MethodOutcome delete(final String type, final String id, final Long ifMatchVersion, final String clientId) {
    return delete(type, id, ifMatchVersion, false, clientId);
  }

  /** Delete; idempotent on a deleted resource; {@code cascade} also deletes what references it (if allowed). */
  public MethodOutcome delete(final String type, final String id, final Long ifMatchVersion, final boolean cascade, final String clientId) {
    checkCascade(cascade);
    awaitVersionSeenElsewhere(type, id, ifMatchVersion);
    for (int attempt = 1; ; attempt++) {
      final ResourceVersion head = store().head(type, id).orElseThrow(() -> new ResourceNotFoundException(new IdType(type, id)));
      checkIfMatch(ifMatchVersion, head.versionId(), type, id);
      if (head.deleted()) {
        // Deleting what is already deleted changes nothing and succeeds (R4 http.html#delete).
        return deleted(type, id, head.versionId(), "already deleted");
      }
      final List<Staged> staged = stageDeletes(List.of(head), cascade);
      final TransactionOutcome o = writer.submit(staged, List.of(), clientId, System.currentTimeMillis());
      if (o.committed()) {
        return deleted(type, id, head.versionId() + 1, staged.size() == 1 ? "deleted" : "deleted with " + (staged.size() - 1) + " referencing resources");
      }
      if (Rejection.of(o.rejection()).orElse(null) == Rejection.GONE && ifMatchVersion == null) {
        continue; // deleted by someone else meanwhile: the next round answers idempotently
      }
      retryOrThrow(o, attempt, ifMatchVersion != null, type + "/" + id);
    }
  }

  /** Conditional delete (DELETE Type?criteria): nothing to do on no match; several only if this server allows it. */
  public MethodOutcome conditionalDelete(final String type, final String conditionalUrl, final boolean cascade, final String clientId) {
    checkCascade(cascade);
    final ConditionKeys.Criteria criteria = ConditionKeys.parse(type, conditionalUrl);
    if (criteria.id() != null) {
      return delete(type, criteria.id(), null, cascade, clientId);
    }
    for (int attempt = 1; ; attempt++) {
      final Resolution match = resolve(criteria);
      if (match.ids().size() > 1 && !policy.conditionalDeleteMultiple()) {
        throw new PreconditionFailedException(criteria.text() + " matches " + match.ids().size()
            + " resources and this server deletes one at a time (fhirledger.node.conditional-delete-multiple=false)");
      }
      if (match.ids().isEmpty()) {
        final MethodOutcome none = new MethodOutcome();
        none.setOperationOutcome(info("No " + criteria.text() + " matched; nothing was deleted"));
        return none;
      }
      final List<ResourceVersion> heads = new ArrayList<>();
      for (final String id : match.ids()) {
        heads.add(store().head(type, id).orElseThrow());
      }
      final List<Staged> staged = stageDeletes(heads, cascade);
      final TransactionOutcome o = writer.submit(staged, match.conditions(), clientId, System.currentTimeMillis());
      if (o.committed()) {
        final MethodOutcome done = new MethodOutcome();
        done.setOperationOutcome(info("Deleted " + staged.size() + " resource(s) matching " + criteria.text()));
        return done;
      }
      retryOrThrow(o, attempt, false, criteria.text());
    }
  }

  /** The newest version of a resource in this node's world state (deleted ones included). */
  public Optional<ResourceVersion> head(final String type, final String id) {
    return store().head(type, id);
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

  /**
   * The version a read ({@code version} null) or vread answers with, when it has content: empty when the
   * resource or version does not exist or is a deletion (the caller lets {@link #read}/{@link #vread} say which).
   */
  public Optional<ResourceVersion> liveVersion(final String type, final String id, final Long version) {
    final Optional<ResourceVersion> found = version == null ? store().head(type, id) : store().version(type, id, version);
    return found.filter(v -> !v.deleted());
  }

  /**
   * The canonical JSON bytes of a version as {@link LedgerWriter#stage} encoded them (HAPI's compact JSON with
   * id, meta.versionId, meta.lastUpdated, meta.source), every chunk verified against its id; 503 when they cannot
   * be read here or from their holders.
   */
  public byte[] canonicalJson(final ResourceVersion v) {
    return readContent(v);
  }

  /** The resource at a known version, parsed from its canonical bytes. */
  public Resource load(final ResourceVersion v) {
    final byte[] bytes = readContent(v);
    final Resource r = (Resource) fhir.newJsonParser().parseResource(new String(bytes, StandardCharsets.UTF_8));
    r.setId(new IdType(v.resourceType(), v.resourceId(), String.valueOf(v.versionId())));
    return r;
  }

  private byte[] readContent(final ResourceVersion v) {
    try {
      return content.read(v.content());
    } catch (final DagException e) {
      throw new ServiceUnavailableException("The content of " + v.resourceType() + "/" + v.resourceId() + " version " + v.versionId()
          + " could not be read from this node or its holders: " + e.getMessage());
    }
  }

  /** What criteria match in this node's state now, and the condition that pins it for the ledger. */
  public record Resolution(TreeSet<String> ids, List<Condition> conditions) {}

  public Resolution resolve(final ConditionKeys.Criteria criteria) {
    if (criteria.id() != null) {
      final boolean live = store().head(criteria.resourceType(), criteria.id()).map(h -> !h.deleted()).orElse(false);
      final TreeSet<String> ids = new TreeSet<>();
      if (live) {
        ids.add(criteria.id());
      }
      // the write's own version check pins an _id match; nothing more to tell the ledger
      return new Resolution(ids, List.of());
    }
    TreeSet<String> ids = null;
    for (final String key : criteria.keys()) {
      final TreeSet<String> withKey = new TreeSet<>(store().idsWithKey(criteria.resourceType(), key));
      if (ids == null) {
        ids = withKey;
      } else {
        ids.retainAll(withKey);
      }
    }
    final TreeSet<String> matched = ids == null ? new TreeSet<>() : ids;
    return new Resolution(matched, List.of(new Condition(criteria.resourceType(), criteria.keys(), List.copyOf(matched))));
  }

  /** Deletes of the given heads, and with cascade of every live resource that references them, transitively. */
  private List<Staged> stageDeletes(final List<ResourceVersion> heads, final boolean cascade) {
    final Map<String, ResourceVersion> toDelete = new LinkedHashMap<>();
    final Deque<ResourceVersion> queue = new ArrayDeque<>(heads);
    while (!queue.isEmpty()) {
      final ResourceVersion v = queue.poll();
      if (toDelete.putIfAbsent(v.resourceType() + "/" + v.resourceId(), v) != null || !cascade) {
        continue;
      }
      for (final String referrer : store().referrers(v.resourceType(), v.resourceId())) {
        final int slash = referrer.indexOf('/');
        store().head(referrer.substring(0, slash), referrer.substring(slash + 1)).filter(h -> !h.deleted()).ifPresent(queue::add);
      }
      if (toDelete.size() > org.fhirledger.ledger.chain.Transaction.MAX_CHANGES) {
        throw new UnprocessableEntityException("A cascading delete of " + heads.get(0).resourceType() + "/" + heads.get(0).resourceId()
            + " would delete more than " + org.fhirledger.ledger.chain.Transaction.MAX_CHANGES + " resources");
      }
    }
    final List<Staged> staged = new ArrayList<>();
    for (final ResourceVersion v : toDelete.values()) {
      staged.add(writer.stageDelete(v.resourceType(), v.resourceId(), v.versionId()));
    }
    return staged;
  }

  private void commit(final List<Staged> staged, final List<Condition> conditions, final String clientId, final long now, final boolean ifMatch) {
    final TransactionOutcome o = writer.submit(staged, conditions, clientId, now);
    if (!o.committed()) {
      throw rejected(o, ifMatch, staged.size() == 1 ? staged.get(0).name() : "the transaction");
    }
  }

  /** Returns when the rejection is one that resolving again can cure and attempts remain; throws otherwise. */
  private static void retryOrThrow(final TransactionOutcome o, final int attempt, final boolean ifMatch, final String what) {
    final Rejection r = Rejection.of(o.rejection()).orElse(null);
    final boolean curable = r == Rejection.CONDITION_CHANGED || (r == Rejection.VERSION_CONFLICT && !ifMatch);
    if (!curable || attempt >= MAX_ATTEMPTS) {
      throw rejected(o, ifMatch, what);
    }
  }

  /** The HTTP answer to a write the ledger rejected. */
  public static BaseServerResponseException rejected(final TransactionOutcome o, final boolean ifMatch, final String what) {
    final String message = "The ledger rejected the write to " + what + " in block " + o.height() + ": " + o.rejection();
    final Rejection r = Rejection.of(o.rejection()).orElse(null);
    if (r == Rejection.VERSION_CONFLICT && ifMatch) {
      return new PreconditionFailedException(message);
    }
    if (r == Rejection.REFERENCE_MISSING) {
      return new UnprocessableEntityException(message);
    }
    return new ResourceVersionConflictException(message);
  }

  private void checkCascade(final boolean cascade) {
    if (cascade && !policy.cascadeDelete()) {
      throw new InvalidRequestException("_cascade=delete is not allowed on this server (fhirledger.node.cascade-delete=false)");
    }
  }

  /**
   * A client that names a version this node has not applied yet saw it at another hospital, a block ahead of
   * us: wait (briefly, bounded) for this node to apply that block rather than answer 412 for a version that is
   * in fact current.
   */
  private void awaitVersionSeenElsewhere(final String type, final String id, final Long ifMatchVersion) {
    if (ifMatchVersion == null) {
      return;
    }
    final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(CATCH_UP_WAIT_MILLIS);
    while (store().head(type, id).map(ResourceVersion::versionId).orElse(0L) < ifMatchVersion && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  private static void checkIfMatch(final Long ifMatchVersion, final long current, final String type, final String id) {
    if (ifMatchVersion != null && ifMatchVersion != current) {
      throw new PreconditionFailedException("If-Match expected version " + ifMatchVersion + " of " + type + "/" + id
          + " but the current version is " + current);
    }
  }

  private static MethodOutcome outcome(final Staged s, final boolean created) {
    final MethodOutcome outcome = new MethodOutcome(s.resource().getIdElement(), created);
    outcome.setResource(s.resource());
    return outcome;
  }

  private static MethodOutcome deleted(final String type, final String id, final long version, final String what) {
    final MethodOutcome outcome = new MethodOutcome(new IdType(type, id, String.valueOf(version)));
    outcome.setOperationOutcome(info(type + "/" + id + " " + what));
    return outcome;
  }

  private static OperationOutcome info(final String text) {
    final OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION).setCode(OperationOutcome.IssueType.INFORMATIONAL).setDiagnostics(text);
    return oo;
  }

  /**
   * PATCH: reads the current version, applies the patch (JSON Patch or FHIRPath Patch), lets {@code check} see
   * the result (validation), and writes it as an update expecting the version it read, so that a concurrent
   * write in between makes the ledger reject this one (deterministically, on every node) instead of losing it.
   * Without If-Match the patch is applied again to the new version (it is a change, not a whole resource).
   */
  public MethodOutcome patch(final String type, final String id, final PatchTypeEnum patchType, final String body,
      final Long ifMatchVersion, final String clientId, final Consumer<Resource> check) {
    awaitVersionSeenElsewhere(type, id, ifMatchVersion);
    for (int attempt = 1; ; attempt++) {
      final ResourceVersion head = store().head(type, id).orElseThrow(() -> new ResourceNotFoundException(new IdType(type, id)));
      checkIfMatch(ifMatchVersion, head.versionId(), type, id);
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
        if (attempt >= MAX_ATTEMPTS) {
          throw new ResourceVersionConflictException(type + "/" + id + " kept changing while the patch was applied; read it and patch again");
        }
      }
    }
  }

  /** {@code Type/id} of the live resources that reference the resource, in this node's world state. */
  public List<String> referrers(final String type, final String id) {
    return store().referrers(type, id);
  }

  /** An empty resource of the type, to stand for a deleted version in a history. */
  public Resource placeholder(final String type) {
    return (Resource) fhir.getResourceDefinition(type).newInstance();
  }

  static void checkId(final String id) {
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
