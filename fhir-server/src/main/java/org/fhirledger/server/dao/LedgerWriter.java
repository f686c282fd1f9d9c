package org.fhirledger.server.dao;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fhirledger.ledger.chain.Chunk;
import org.fhirledger.ledger.chain.Condition;
import org.fhirledger.ledger.chain.ContentPlacement;
import org.fhirledger.ledger.chain.Operation;
import org.fhirledger.ledger.chain.ResourceChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.Dag;
import org.fhirledger.ledger.dag.DagBuilder;
import org.fhirledger.ledger.kademlia.ContentPlacer;
import org.fhirledger.ledger.node.LedgerNode;
import org.fhirledger.ledger.node.NodeBusyException;
import org.fhirledger.ledger.store.ContentTerms;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns staged resource writes into one signed ledger transaction and waits for its outcome. Staging sets the
 * server-owned parts of a resource (id, versionId, lastUpdated, source), encodes the canonical JSON once and
 * builds its Merkle-DAG. Before anything is proposed, references are checked against this node's state so that
 * an obviously dangling one answers 422 at once; the ledger decides again, for good, when the block is applied.
 */
public final class LedgerWriter {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LedgerWriter.class);
  private static final DagBuilder DAG_BUILDER = new DagBuilder();
  private static final byte[] REFERENCE_FIELD = "\"reference\"".getBytes(StandardCharsets.US_ASCII);
  /**
   * The user-data key under which {@link #stage} leaves a resource's canonical JSON bytes on the resource it
   * stamped, so the answer to the write can be those bytes ({@code rest.StoredJsonWriteInterceptor}).
   */
  public static final String CANONICAL_JSON = "fhirledger.canonicalJson";

  private final FhirContext fhir;
  private final LedgerNode ledger;
  private final long maxResourceBytes;
  private final long writeTimeoutMillis;
  private final boolean referentialIntegrity;
  private final FhirTermExtractor terms;
  private final String source;
  private final SecureRandom nonces = new SecureRandom();
  private final ContentPlacer placer;

  /** One resource change ready to be signed, with its chunks and the resource as it will be stored. */
  public record Staged(ResourceChange change, List<Chunk> chunks, Resource resource, byte[] canonical) {
    public String name() {
      return change.resourceType() + "/" + change.resourceId();
    }
  }

  public LedgerWriter(
      final FhirContext fhir, final LedgerNode ledger, final long maxResourceBytes, final long writeTimeoutMillis, final boolean referentialIntegrity) {
    this(fhir, ledger, maxResourceBytes, writeTimeoutMillis, referentialIntegrity, null);
  }

  /** {@code placer}: where large content goes before its transaction is proposed (null: large content is refused, 413). */
  public LedgerWriter(
      final FhirContext fhir, final LedgerNode ledger, final long maxResourceBytes, final long writeTimeoutMillis, final boolean referentialIntegrity,
      final ContentPlacer placer) {
    this.placer = placer;
    this.fhir = fhir;
    this.ledger = ledger;
    this.maxResourceBytes = maxResourceBytes;
    this.writeTimeoutMillis = writeTimeoutMillis;
    this.referentialIntegrity = referentialIntegrity;
    this.terms = new FhirTermExtractor(fhir.getResourceTypes());
    this.source = "urn:fhirledger:node:" + ledger.publicKey().nodeIdHex();
  }

  public boolean referentialIntegrity() {
    return referentialIntegrity;
  }

  public Staged stage(final Operation op, final String type, final String id, final long previous, final Resource resource, final long now) {
    return stage(op, type, id, previous, resource, new InstantType(new Date(now)));
  }

  /**
   * {@code lastUpdated} may be shared by the writes of one Bundle (formatting an instant is not free): it is set,
   * never changed, so sharing one element between resources is safe.
   */
  public Staged stage(final Operation op, final String type, final String id, final long previous, final Resource resource,
      final InstantType lastUpdated) {
    final long version = previous + 1;
    resource.setId(new IdType(type, id));
    resource.getMeta().setVersionId(String.valueOf(version));
    resource.getMeta().setLastUpdatedElement(lastUpdated);
    resource.getMeta().setSource(source);
    final byte[] canonical = fhir.newJsonParser().setPrettyPrint(false).encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
    if (canonical.length > maxResourceBytes) {
      throw new PayloadTooLargeException("Resource of " + canonical.length + " bytes is over this server's limit of " + maxResourceBytes);
    }
    final Dag dag = DAG_BUILDER.build(canonical);
    final ResourceChange change = new ResourceChange(op, type, id, version, previous, dag.root(), dag.size());
    resource.setId(new IdType(type, id, String.valueOf(version)));
    resource.setUserData(CANONICAL_JSON, canonical);
    return new Staged(change, dag.chunks(), resource, canonical);
  }

  public Staged stageDelete(final String type, final String id, final long previous) {
    return new Staged(new ResourceChange(Operation.DELETE, type, id, previous + 1, previous, null, 0), List.of(), null, null);
  }

  /** The references a staged resource makes ({@code Type/id}), as the ledger will see them. */
  public ContentTerms termsOf(final Staged staged) {
    // large content is placed, and the ledger gives placed content no terms: the local check must agree with it
    if (staged.canonical() == null || ledger.genesis().isLarge(staged.change().contentSize())) {
      return ContentTerms.NONE;
    }
    return terms.extract(staged.change().resourceType(), staged.canonical());
  }

  /**
   * Fails fast with 422 when a staged resource points at a resource that is neither live here nor written by
   * the same transaction. Advisory: the ledger's check at commit time is the one that counts.
   */
  public void checkReferencesLocally(final List<Staged> staged) {
    if (!referentialIntegrity) {
      return;
    }
    final Set<String> written = new HashSet<>();
    for (final Staged s : staged) {
      if (s.change().operation() != Operation.DELETE) {
        written.add(s.name());
      }
    }
    for (final Staged s : staged) {
      if (!mayReference(s)) {
        continue;
      }
      for (final String target : termsOf(s).references()) {
        if (written.contains(target)) {
          continue;
        }
        final int slash = target.indexOf('/');
        final boolean live = store().head(target.substring(0, slash), target.substring(slash + 1)).map(h -> !h.deleted()).orElse(false);
        if (!live) {
          throw new UnprocessableEntityException(s.name() + " references " + target + ", which does not exist on this ledger "
              + "(referential integrity is on for this server)");
        }
      }
    }
  }

  /**
   * False when the staged content cannot hold a reference: the extractor takes references only from fields named
   * {@code reference}, and HAPI's encoder writes field names as they are (no escapes), so canonical bytes without
   * {@code "reference"} have none. Saves a second JSON pass over most resources (a Patient rarely references).
   */
  private static boolean mayReference(final Staged s) {
    return s.canonical() != null && indexOf(s.canonical(), REFERENCE_FIELD) >= 0;
  }

  /** The first index of {@code needle} in {@code bytes}, or -1. */
  static int indexOf(final byte[] bytes, final byte[] needle) {
    final int last = bytes.length - needle.length;
    for (int i = 0; i <= last; i++) {
      if (bytes[i] == needle[0] && java.util.Arrays.mismatch(bytes, i, i + needle.length, needle, 0, needle.length) == -1) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Signs the changes as one transaction, submits it and waits until its block is applied here. Content over the
   * chain's large-content threshold is placed first: its leaves on their 2f+1 assigned holders, whose receipts the
   * transaction carries; only its interior DAG nodes travel with the block.
   */
  public TransactionOutcome submit(final List<Staged> staged, final List<Condition> conditions, final String clientId, final long now) {
    final List<ResourceChange> changes = new ArrayList<>(staged.size());
    final List<Chunk> chunks = new ArrayList<>();
    final List<ContentPlacement> placements = new ArrayList<>();
    for (final Staged s : staged) {
      final ResourceChange change = s.change();
      if (change.content() != null && ledger.genesis().isLarge(change.contentSize())) {
        placements.add(place(changes.size(), s));
        s.chunks().stream().filter(c -> c.id().codec() == ContentId.CODEC_DAG_NODE).forEach(chunks::add);
      } else {
        chunks.addAll(s.chunks());
      }
      changes.add(change);
    }
    final int flags = referentialIntegrity ? Transaction.FLAG_REFERENTIAL_INTEGRITY : 0;
    final Transaction tx = Transaction.sign(ledger.genesis().chainId(), ledger.signer(), clientId == null ? "" : clientId, now,
        nonces.nextLong(), changes, flags, conditions, placements);
    return await(ledger.submit(tx, chunks), staged.size() == 1 ? staged.get(0).name() : staged.size() + " resources");
  }

  private ContentPlacement place(final int index, final Staged s) {
    if (placer == null) {
      throw new PayloadTooLargeException("Content of " + s.change().contentSize() + " bytes is over the chain's large-content threshold of "
          + ledger.genesis().largeContentThreshold() + " bytes and this server cannot place large content");
    }
    final Map<ContentId, byte[]> all = new HashMap<>();
    s.chunks().forEach(c -> all.put(c.id(), c.dataUnsafe()));
    try {
      final long start = System.nanoTime();
      final ContentPlacement placement = placer.place(index, s.change().content(), s.change().contentSize(), all, ledger.currentValidators());
      LOG.info("large content placed resource={} bytes={} receipts={} ms={}", s.name(), s.change().contentSize(), placement.size(),
          (System.nanoTime() - start) / 1_000_000);
      return placement;
    } catch (final ContentPlacer.PlacementFailedException e) {
      throw new ServiceUnavailableException("The content of " + s.name() + " could not be placed on its holders: " + e.getMessage());
    }
  }

  private TransactionOutcome await(final CompletableFuture<TransactionOutcome> pending, final String what) {
    return awaitFinal(pending, writeTimeoutMillis, "The ledger did not commit the write to " + what + " within "
        + writeTimeoutMillis + " ms; it may still commit. Read the resource before retrying.", "the write");
  }

  /**
   * Waits for a submitted transaction's outcome; every way of not getting one is a 503 (a timeout says
   * {@code timeoutMessage}: the transaction may still commit), so no caller maps these errors on its own.
   */
  public static TransactionOutcome awaitFinal(final CompletableFuture<TransactionOutcome> pending, final long timeoutMillis,
      final String timeoutMessage, final String what) {
    try {
      return pending.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (final TimeoutException e) {
      throw new ServiceUnavailableException(timeoutMessage);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("Interrupted while waiting for the ledger");
    } catch (final ExecutionException e) {
      if (e.getCause() instanceof NodeBusyException busy) {
        throw new ServiceUnavailableException(busy.getMessage());
      }
      throw new ServiceUnavailableException("The ledger failed " + what + ": " + e.getCause());
    }
  }


  private LedgerStore store() {
    return ledger.store();
  }
}
