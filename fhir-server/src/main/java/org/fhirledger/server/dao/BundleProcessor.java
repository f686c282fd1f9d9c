package org.fhirledger.server.dao;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fhirledger.ledger.chain.Condition;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.node.BlockExecutor.Rejection;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.fhirledger.server.dao.LedgerWriter.Staged;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntryRequestComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntryResponseComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Transaction and batch Bundles (R4 http.html#transaction). A transaction is one ledger transaction: its
 * entries are processed in the spec's order (DELETE, POST, PUT/PATCH, GET), {@code urn:uuid:} full URLs and
 * conditional references ({@code Type?identifier=...}) are resolved, conditional creates, updates and deletes
 * become {@link Condition}s checked when the block is applied, and all writes commit in one block or none
 * does. If another hospital changed what a condition matched in the meantime, the whole Bundle is resolved
 * again. A batch runs each entry as its own one-entry transaction, in order (Synthea's batches, for one, make
 * later entries refer by identifier to earlier ones), and reports each outcome.
 */
public final class BundleProcessor {
  private static final Pattern INSTANCE_URL = Pattern.compile("^/?([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/([0-9]{1,18}))?/?$");
  private static final Pattern TYPE_URL = Pattern.compile("^/?([A-Z][A-Za-z]+)/?(?:\\?(.*))?$");

  private final FhirContext fhir;
  private final LedgerResourceDao dao;
  private final LedgerWriter writer;
  private final org.fhirledger.server.dao.patch.ResourcePatcher patcher;

  public BundleProcessor(final LedgerResourceDao dao) {
    this.fhir = org.fhirledger.server.config.FhirContexts.serverR4();
    this.dao = dao;
    this.writer = dao.writer();
    this.patcher = new org.fhirledger.server.dao.patch.ResourcePatcher(fhir);
  }

  public Bundle process(final Bundle bundle, final String clientId) {
    return process(bundle, clientId, null);
  }

  /** {@code serverBase} makes the full URLs of resources returned by GET entries absolute, as R4 requires. */
  public Bundle process(final Bundle bundle, final String clientId, final String serverBase) {
    final Bundle response = processEntries(bundle, clientId);
    if (serverBase != null) {
      for (final BundleEntryComponent e : response.getEntry()) {
        if (e.hasResource()) {
          e.setFullUrl(serverBase + "/" + e.getResource().getIdElement().toUnqualifiedVersionless().getValue());
        }
      }
    }
    return response;
  }

  private Bundle processEntries(final Bundle bundle, final String clientId) {
    if (bundle == null || bundle.getType() == null) {
      throw new InvalidRequestException("POST to the server base needs a Bundle of type transaction or batch");
    }
    if (bundle.getType() == Bundle.BundleType.TRANSACTION) {
      return transaction(bundle.getEntry(), clientId, Bundle.BundleType.TRANSACTIONRESPONSE);
    }
    if (bundle.getType() == Bundle.BundleType.BATCH) {
      return batch(bundle, clientId);
    }
    throw new InvalidRequestException("Bundle type '" + bundle.getType().toCode() + "' cannot be processed; use transaction or batch");
  }

  private Bundle batch(final Bundle bundle, final String clientId) {
    final Bundle response = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
    for (final BundleEntryComponent entry : bundle.getEntry()) {
      response.addEntry(batchEntry(entry, clientId));
    }
    return response;
  }

  private BundleEntryComponent batchEntry(final BundleEntryComponent entry, final String clientId) {
    try {
      return transaction(List.of(entry), clientId, Bundle.BundleType.BATCHRESPONSE).getEntryFirstRep();
    } catch (final BaseServerResponseException e) {
      final BundleEntryComponent failed = new BundleEntryComponent();
      failed.getResponse().setStatus(e.getStatusCode() + " " + reason(e.getStatusCode()))
          .setOutcome(error(e.getMessage()));
      return failed;
    } catch (final RuntimeException e) {
      final BundleEntryComponent failed = new BundleEntryComponent();
      failed.getResponse().setStatus("500 Internal Server Error").setOutcome(error("Entry failed: " + e.getClass().getSimpleName()));
      return failed;
    }
  }

  private Bundle transaction(final List<BundleEntryComponent> entries, final String clientId, final Bundle.BundleType responseType) {
    final EntryEdits edits = new EntryEdits();
    for (int attempt = 1; ; attempt++) {
      // an attempt edits the request's resources in place; the next one starts again from what the client sent
      edits.undo();
      final Plan plan = plan(entries, edits);
      if (plan.staged().isEmpty()) {
        return respond(plan, entries, responseType);
      }
      writer.checkReferencesLocally(plan.staged());
      final TransactionOutcome o = writer.submit(plan.staged(), plan.conditions(), clientId, plan.now());
      if (o.committed()) {
        return respond(plan, entries, responseType);
      }
      final Rejection r = Rejection.of(o.rejection()).orElse(null);
      if (r != Rejection.CONDITION_CHANGED || attempt >= LedgerResourceDao.MAX_ATTEMPTS) {
        final BaseServerResponseException e = LedgerResourceDao.rejected(o, plan.usedIfMatch(), "the Bundle");
        throw withEntry(e, plan.entryWriting(o.rejection()));
      }
    }
  }

  /** Everything one attempt decided: what to write, under which conditions, and each entry's answer. */
  private record Plan(
      List<Staged> staged,
      List<Condition> conditions,
      Map<Integer, BundleEntryResponseComponent> responses,
      Map<Integer, String> reads,
      Map<String, Integer> writerOf,
      boolean usedIfMatch,
      long now) {
    String entryWriting(final String rejection) {
      if (rejection != null) {
        for (final Map.Entry<String, Integer> e : writerOf.entrySet()) {
          if (rejection.contains(e.getKey())) {
            return "entry " + e.getValue();
          }
        }
      }
      return null;
    }
  }

  /**
   * What an attempt changed in the request's own resources: the references it rewrote and the ids it set. The
   * entries are written in place rather than copied (a deep copy of every entry was 4-7 % of a Bundle's request
   * thread), so a second attempt, after a condition changed, first puts these back.
   */
  private static final class EntryEdits {
    private final List<Reference> references = new ArrayList<>();
    private final List<String> referenceValues = new ArrayList<>();
    private final List<Resource> resources = new ArrayList<>();
    private final List<org.hl7.fhir.r4.model.IdType> ids = new ArrayList<>();

    void reference(final Reference ref, final String newValue) {
      references.add(ref);
      referenceValues.add(ref.getReference());
      ref.setReference(newValue);
    }

    /** Called before {@link LedgerWriter#stage} replaces the resource's id (its meta it overwrites on every attempt). */
    void staging(final Resource resource) {
      resources.add(resource);
      ids.add(resource.getIdElement());
    }

    void undo() {
      for (int i = references.size() - 1; i >= 0; i--) {
        references.get(i).setReference(referenceValues.get(i));
      }
      for (int i = resources.size() - 1; i >= 0; i--) {
        resources.get(i).setIdElement(ids.get(i));
      }
      references.clear();
      referenceValues.clear();
      resources.clear();
      ids.clear();
    }
  }

  private Plan plan(final List<BundleEntryComponent> entries, final EntryEdits edits) {
    final long now = System.currentTimeMillis();
    // one instant for every write and answer of the Bundle: formatting it is not free, and it is the same value
    final org.hl7.fhir.r4.model.InstantType lastUpdated = new org.hl7.fhir.r4.model.InstantType(new java.util.Date(now));
    final List<Integer> order = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      checkEntry(i, entries.get(i));
      order.add(i);
    }
    order.sort(Comparator.comparingInt(i -> rank(entries.get(i).getRequest().getMethod())));
    final Map<String, String> fullUrls = new HashMap<>();
    final Map<String, String> createdByCriteria = new HashMap<>();
    final Map<String, String> resolvedByCriteria = new HashMap<>();
    final List<Condition> conditions = new ArrayList<>();
    final Map<Integer, BundleEntryResponseComponent> responses = new LinkedHashMap<>();
    final Map<Integer, String> reads = new LinkedHashMap<>();
    final Map<Integer, Resource> bodies = new LinkedHashMap<>();
    final Map<Integer, Target> targets = new LinkedHashMap<>();
    boolean usedIfMatch = false;
    // 1. decide what each entry does and which id it has, so that references can be rewritten
    for (final int i : order) {
      final BundleEntryComponent entry = entries.get(i);
      final BundleEntryRequestComponent req = entry.getRequest();
      try {
        switch (req.getMethod()) {
          case DELETE -> planDelete(i, req, conditions, targets, responses);
          case POST -> planCreate(i, entry, conditions, targets, responses, fullUrls, createdByCriteria, bodies);
          case PUT -> usedIfMatch |= planUpdate(i, entry, conditions, targets, fullUrls, bodies);
          case PATCH -> usedIfMatch |= planPatch(i, entry, targets, fullUrls, bodies);
          case GET, HEAD -> reads.put(i, req.getUrl());
          default -> throw new InvalidRequestException("method " + req.getMethod().toCode() + " is not supported in a Bundle here");
        }
      } catch (final BaseServerResponseException e) {
        throw withEntry(e, "entry " + i + " (" + req.getMethod().toCode() + " " + req.getUrl() + ")");
      }
    }
    // 2. rewrite references, then stage every write in processing order
    final List<Staged> staged = new ArrayList<>();
    final Map<String, Integer> writerOf = new LinkedHashMap<>();
    for (final int i : order) {
      final Target t = targets.get(i);
      if (t == null || t.skip()) {
        continue;
      }
      final String name = t.type() + "/" + t.id();
      if (writerOf.putIfAbsent(name, i) != null) {
        throw new InvalidRequestException("Bundle entries " + writerOf.get(name) + " and " + i + " both write " + name
            + "; a transaction writes each resource once");
      }
      try {
        if (t.op() == Operation.DELETE) {
          staged.add(writer.stageDelete(t.type(), t.id(), t.previous()));
        } else {
          final Resource body = bodies.get(i);
          rewriteReferences(body, fullUrls, createdByCriteria, resolvedByCriteria, conditions, edits);
          edits.staging(body);
          staged.add(writer.stage(t.op(), t.type(), t.id(), t.previous(), body, lastUpdated));
        }
      } catch (final BaseServerResponseException e) {
        throw withEntry(e, "entry " + i + " (" + entries.get(i).getRequest().getMethod().toCode() + " " + entries.get(i).getRequest().getUrl() + ")");
      }
      final BundleEntryResponseComponent r = new BundleEntryResponseComponent();
      final long version = t.previous() + 1;
      r.setStatus(t.op() == Operation.DELETE ? "204 No Content" : t.previous() == 0 || t.wasDeleted() ? "201 Created" : "200 OK");
      if (t.op() != Operation.DELETE) {
        r.setLocation(name + "/_history/" + version).setEtag("W/\"" + version + "\"").setLastModifiedElement(lastUpdated);
      }
      responses.put(i, r);
    }
    final List<Condition> distinct = List.copyOf(new java.util.LinkedHashSet<>(conditions));
    if (distinct.size() > org.fhirledger.ledger.chain.Transaction.MAX_CONDITIONS) {
      throw new UnprocessableEntityException("This Bundle depends on " + distinct.size() + " distinct conditions (conditional"
          + " references, creates, updates and deletes); one ledger transaction holds at most "
          + org.fhirledger.ledger.chain.Transaction.MAX_CONDITIONS + ": split it into smaller transactions");
    }
    return new Plan(staged, distinct, responses, reads, writerOf, usedIfMatch, now);
  }

  /** What one write entry does. {@code skip}: nothing to write (a conditional create that found its match). */
  private record Target(Operation op, String type, String id, long previous, boolean wasDeleted, boolean skip) {}

  private void planDelete(final int i, final BundleEntryRequestComponent req, final List<Condition> conditions,
      final Map<Integer, Target> targets, final Map<Integer, BundleEntryResponseComponent> responses) {
    final Matcher instance = INSTANCE_URL.matcher(req.getUrl());
    final List<String> ids = new ArrayList<>();
    String type;
    if (instance.matches() && instance.group(3) == null) {
      type = instance.group(1);
      ids.add(instance.group(2));
    } else {
      final Matcher typeUrl = TYPE_URL.matcher(req.getUrl());
      if (!typeUrl.matches() || typeUrl.group(2) == null) {
        throw new InvalidRequestException("DELETE needs Type/id or Type?criteria, got '" + req.getUrl() + "'");
      }
      type = typeUrl.group(1);
      final LedgerResourceDao.Resolution match = dao.resolve(ConditionKeys.parse(type, typeUrl.group(2)));
      if (match.ids().size() > 1) {
        throw new PreconditionFailedException(req.getUrl() + " matches " + match.ids().size() + " resources");
      }
      conditions.addAll(match.conditions());
      ids.addAll(match.ids());
    }
    for (final String id : ids) {
      final Optional<ResourceVersion> head = headOf(type, id);
      if (head.isPresent() && !head.get().deleted()) {
        checkIfMatch(req, head.get().versionId(), type, id);
        targets.put(i, new Target(Operation.DELETE, type, id, head.get().versionId(), false, false));
      }
    }
    if (!targets.containsKey(i)) {
      // nothing live to delete: deleting is idempotent
      responses.put(i, new BundleEntryResponseComponent().setStatus("204 No Content"));
    }
  }

  private void planCreate(final int i, final BundleEntryComponent entry, final List<Condition> conditions, final Map<Integer, Target> targets,
      final Map<Integer, BundleEntryResponseComponent> responses, final Map<String, String> fullUrls, final Map<String, String> createdByCriteria,
      final Map<Integer, Resource> bodies) {
    final Resource body = body(entry);
    final Matcher typeUrl = TYPE_URL.matcher(entry.getRequest().getUrl());
    if (!typeUrl.matches() || typeUrl.group(2) != null || !typeUrl.group(1).equals(body.fhirType())) {
      throw new InvalidRequestException("POST url must be the resource's type '" + body.fhirType() + "', got '" + entry.getRequest().getUrl() + "'");
    }
    final String type = body.fhirType();
    String id = UUID.randomUUID().toString();
    final String ifNoneExist = entry.getRequest().getIfNoneExist();
    if (ifNoneExist != null && !ifNoneExist.isBlank()) {
      final ConditionKeys.Criteria criteria = ConditionKeys.parse(type, ifNoneExist);
      final LedgerResourceDao.Resolution match = dao.resolve(criteria);
      if (match.ids().size() > 1) {
        throw new PreconditionFailedException("If-None-Exist " + criteria.text() + " matches " + match.ids().size() + " resources");
      }
      conditions.addAll(match.conditions());
      if (match.ids().size() == 1) {
        id = match.ids().first();
        final ResourceVersion head = headOf(type, id).orElseThrow();
        targets.put(i, new Target(Operation.CREATE, type, id, head.versionId() - 1, false, true));
        responses.put(i, new BundleEntryResponseComponent().setStatus("200 OK")
            .setLocation(type + "/" + id + "/_history/" + head.versionId()).setEtag("W/\"" + head.versionId() + "\""));
      } else {
        targets.put(i, new Target(Operation.CREATE, type, id, 0, false, false));
      }
      createdByCriteria.put(canonicalCriteria(criteria), type + "/" + id);
    } else {
      targets.put(i, new Target(Operation.CREATE, type, id, 0, false, false));
    }
    mapFullUrl(entry, type + "/" + id, fullUrls);
    bodies.put(i, body);
  }

  /** Returns whether the entry used If-Match. */
  private boolean planUpdate(final int i, final BundleEntryComponent entry, final List<Condition> conditions, final Map<Integer, Target> targets,
      final Map<String, String> fullUrls, final Map<Integer, Resource> bodies) {
    final Resource body = body(entry);
    final BundleEntryRequestComponent req = entry.getRequest();
    final String type = body.fhirType();
    final String id;
    final Matcher instance = INSTANCE_URL.matcher(req.getUrl());
    if (instance.matches() && instance.group(3) == null) {
      if (!instance.group(1).equals(type)) {
        throw new InvalidRequestException("PUT " + req.getUrl() + " carries a " + type);
      }
      id = instance.group(2);
    } else {
      final Matcher typeUrl = TYPE_URL.matcher(req.getUrl());
      if (!typeUrl.matches() || typeUrl.group(2) == null || !typeUrl.group(1).equals(type)) {
        throw new InvalidRequestException("PUT needs Type/id or Type?criteria for a " + type + ", got '" + req.getUrl() + "'");
      }
      final LedgerResourceDao.Resolution match = dao.resolve(ConditionKeys.parse(type, typeUrl.group(2)));
      if (match.ids().size() > 1) {
        throw new PreconditionFailedException(req.getUrl() + " matches " + match.ids().size() + " resources; a conditional update needs one");
      }
      conditions.addAll(match.conditions());
      id = match.ids().isEmpty() ? (body.getIdElement().hasIdPart() ? body.getIdElement().getIdPart() : UUID.randomUUID().toString())
          : match.ids().first();
    }
    LedgerResourceDao.checkId(id);
    final Optional<ResourceVersion> head = headOf(type, id);
    final long current = head.map(ResourceVersion::versionId).orElse(0L);
    checkIfMatch(req, current, type, id);
    targets.put(i, new Target(current == 0 ? Operation.CREATE : Operation.UPDATE, type, id, current,
        head.map(ResourceVersion::deleted).orElse(false), false));
    mapFullUrl(entry, type + "/" + id, fullUrls);
    bodies.put(i, body);
    return req.hasIfMatch();
  }

  /**
   * A PATCH entry (R4 http.html#patch in Bundles): the body is a Parameters resource (FHIRPath Patch) or a
   * Binary holding a JSON Patch. It is applied to the current version and written as an update of it, so the
   * ledger's version check decides a race; returns whether the entry used If-Match.
   */
  private boolean planPatch(final int i, final BundleEntryComponent entry, final Map<Integer, Target> targets,
      final Map<String, String> fullUrls, final Map<Integer, Resource> bodies) {
    final BundleEntryRequestComponent req = entry.getRequest();
    final Matcher instance = INSTANCE_URL.matcher(req.getUrl());
    if (!instance.matches() || instance.group(3) != null) {
      throw new InvalidRequestException("PATCH in a Bundle needs Type/id, got '" + req.getUrl() + "'");
    }
    final String type = instance.group(1);
    final String id = instance.group(2);
    final Resource body = body(entry);
    final PatchTypeEnum patchType;
    final String patch;
    if (body instanceof org.hl7.fhir.r4.model.Parameters parameters) {
      patchType = PatchTypeEnum.FHIR_PATCH_JSON;
      patch = fhir.newJsonParser().encodeResourceToString(parameters);
    } else if (body instanceof org.hl7.fhir.r4.model.Binary binary && "application/json-patch+json".equals(binary.getContentType())) {
      patchType = PatchTypeEnum.JSON_PATCH;
      patch = new String(binary.getData(), java.nio.charset.StandardCharsets.UTF_8);
    } else {
      throw new InvalidRequestException("A PATCH entry carries a Parameters resource (FHIRPath Patch) or a Binary of "
          + "application/json-patch+json, not a " + body.fhirType());
    }
    final ResourceVersion head = headOf(type, id).orElseThrow(() -> new ResourceNotFoundException(new org.hl7.fhir.r4.model.IdType(type, id)));
    if (head.deleted()) {
      throw new ca.uhn.fhir.rest.server.exceptions.ResourceGoneException(type + "/" + id + " was deleted in version " + head.versionId());
    }
    checkIfMatch(req, head.versionId(), type, id);
    final Resource patched = patcher.apply(dao.load(head), patchType, patch);
    targets.put(i, new Target(Operation.UPDATE, type, id, head.versionId(), false, false));
    mapFullUrl(entry, type + "/" + id, fullUrls);
    bodies.put(i, patched);
    return req.hasIfMatch();
  }

  /** Points references at what the Bundle's full URLs and conditional references resolve to. */
  private void rewriteReferences(final Resource body, final Map<String, String> fullUrls, final Map<String, String> createdByCriteria,
      final Map<String, String> resolvedByCriteria, final List<Condition> conditions, final EntryEdits edits) {
    for (final Reference ref : fhir.newTerser().getAllPopulatedChildElementsOfType(body, Reference.class)) {
      final String target = ref.getReference();
      if (target == null || target.isEmpty() || target.startsWith("#")) {
        continue;
      }
      final String mapped = fullUrls.get(target);
      if (mapped != null) {
        edits.reference(ref, mapped);
        continue;
      }
      if (target.startsWith("urn:uuid:") || target.startsWith("urn:oid:")) {
        throw new InvalidRequestException("Reference '" + target + "' names no entry of this Bundle");
      }
      final Matcher conditional = TYPE_URL.matcher(target);
      if (conditional.matches() && conditional.group(2) != null) {
        final ConditionKeys.Criteria criteria = ConditionKeys.parse(conditional.group(1), conditional.group(2));
        final String created = createdByCriteria.get(canonicalCriteria(criteria));
        if (created != null) {
          edits.reference(ref, created);
          continue;
        }
        // Synthea-style Bundles name one Practitioner or Organization by the same criteria hundreds of times: one
        // resolution and one condition each, or a large Bundle would exceed the transaction's condition limit.
        final String resolved = resolvedByCriteria.get(canonicalCriteria(criteria));
        if (resolved != null) {
          edits.reference(ref, resolved);
          continue;
        }
        final LedgerResourceDao.Resolution match = dao.resolve(criteria);
        if (match.ids().size() != 1) {
          throw new PreconditionFailedException("Conditional reference " + target + " matches " + match.ids().size()
              + " resources; it must match exactly one");
        }
        conditions.addAll(match.conditions());
        final String resolvedNow = conditional.group(1) + "/" + match.ids().first();
        edits.reference(ref, resolvedNow);
        resolvedByCriteria.put(canonicalCriteria(criteria), resolvedNow);
      }
    }
  }

  private Bundle respond(final Plan plan, final List<BundleEntryComponent> entries, final Bundle.BundleType type) {
    final Bundle response = new Bundle().setType(type);
    for (int i = 0; i < entries.size(); i++) {
      final BundleEntryComponent out = response.addEntry();
      final BundleEntryResponseComponent r = plan.responses().get(i);
      if (r != null) {
        out.setResponse(r); // no fullUrl: the entry holds no resource, its location says what was written
        continue;
      }
      final String url = plan.reads().get(i);
      if (url == null) {
        throw new InternalErrorException("Bundle entry " + i + " got no answer");
      }
      try {
        final Resource read = read(url);
        out.setResource(read);
        out.getResponse().setStatus("200 OK").setEtag("W/\"" + read.getIdElement().getVersionIdPart() + "\"")
            .setLastModified(read.getMeta().getLastUpdated());
      } catch (final BaseServerResponseException e) {
        out.getResponse().setStatus(e.getStatusCode() + " " + reason(e.getStatusCode())).setOutcome(error(e.getMessage()));
      }
    }
    return response;
  }

  private Resource read(final String url) {
    final Matcher m = INSTANCE_URL.matcher(url);
    if (!m.matches()) {
      throw new InvalidRequestException("GET in a Bundle supports Type/id and Type/id/_history/version here, got '" + url + "'");
    }
    return m.group(3) == null ? dao.read(m.group(1), m.group(2)) : dao.vread(m.group(1), m.group(2), Long.parseLong(m.group(3)));
  }

  private void checkEntry(final int i, final BundleEntryComponent entry) {
    final BundleEntryRequestComponent req = entry.getRequest();
    if (req == null || req.getMethod() == null || req.getMethod() == HTTPVerb.NULL || !req.hasUrl()) {
      throw new InvalidRequestException("Bundle entry " + i + " has no request method and url");
    }
    if ((req.getMethod() == HTTPVerb.GET || req.getMethod() == HTTPVerb.HEAD) && !INSTANCE_URL.matcher(req.getUrl()).matches()) {
      throw new InvalidRequestException("Bundle entry " + i + ": GET supports Type/id and Type/id/_history/version here, got '" + req.getUrl() + "'");
    }
  }

  private static int rank(final HTTPVerb method) {
    return switch (method) {
      case DELETE -> 0;
      case POST -> 1;
      case PUT, PATCH -> 2;
      default -> 3;
    };
  }

  /** The entry's resource itself, not a copy: {@link EntryEdits} records what an attempt changes in it. */
  private static Resource body(final BundleEntryComponent entry) {
    if (!entry.hasResource()) {
      throw new InvalidRequestException(entry.getRequest().getMethod().toCode() + " " + entry.getRequest().getUrl() + " has no resource");
    }
    return entry.getResource();
  }

  private static void mapFullUrl(final BundleEntryComponent entry, final String typeAndId, final Map<String, String> fullUrls) {
    if (entry.hasFullUrl()) {
      fullUrls.put(entry.getFullUrl(), typeAndId);
    }
  }

  private static String canonicalCriteria(final ConditionKeys.Criteria c) {
    return c.resourceType() + "?" + (c.id() != null ? "_id=" + c.id() : String.join("&", new java.util.TreeSet<>(c.keys())));
  }

  private static void checkIfMatch(final BundleEntryRequestComponent req, final long current, final String type, final String id) {
    if (!req.hasIfMatch()) {
      return;
    }
    final String digits = req.getIfMatch().replaceAll("[^0-9]", "");
    if (digits.isEmpty() || Long.parseLong(digits) != current) {
      throw new PreconditionFailedException("If-Match " + req.getIfMatch() + " on " + type + "/" + id + " but the current version is " + current);
    }
  }

  private Optional<ResourceVersion> headOf(final String type, final String id) {
    return dao.head(type, id);
  }

  private static BaseServerResponseException withEntry(final BaseServerResponseException e, final String entry) {
    if (entry == null) {
      return e;
    }
    final String message = "Bundle " + entry + ": " + e.getMessage();
    try {
      return e.getClass().getConstructor(String.class).newInstance(message);
    } catch (final ReflectiveOperationException ignored) {
      return e;
    }
  }

  private static OperationOutcome error(final String text) {
    final OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.PROCESSING).setDiagnostics(text);
    return oo;
  }

  private static String reason(final int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 412 -> "Precondition Failed";
      case 422 -> "Unprocessable Entity";
      case 503 -> "Service Unavailable";
      default -> "Error";
    };
  }
}
