package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.dag.ContentId;
import org.fhirledger.ledger.dag.DagReader;
import org.fhirledger.ledger.kademlia.ContentAssignment;
import org.fhirledger.ledger.store.ResourceVersion;
import org.fhirledger.server.cli.LocalNetwork;
import org.fhirledger.server.cli.NodeLauncher;
import org.fhirledger.server.node.HospitalNode;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Large content over the whole stack, 4 hospitals on 127.0.0.1: a 50 MiB Binary posted (raw bytes) at one node
 * is placed on the 2f+1 = 3 assigned holders of each leaf before its transaction is proposed, and is read
 * byte-identical (raw bytes again) at every other node; then a holder is stopped and a node missing leaves still
 * reads it byte-identical, fetching them from the holders left. A DocumentReference whose attachment is over
 * the threshold goes the same way through the FHIR JSON API, and other nodes find it by subject.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LargeBinaryIT {
  private static final Logger LOG = LoggerFactory.getLogger(LargeBinaryIT.class);
  private static final int PAYLOAD_BYTES = 50 * 1024 * 1024;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @TempDir
  static Path dir;
  private static LocalNetwork network;

  @BeforeAll
  static void start() throws IOException {
    // the Binary's canonical JSON (base64) is about 67 MiB: above the default 16 MiB request limit
    network = Hospitals.start(dir, Map.of("fhirledger.node.max-resource-bytes", Long.toString(96L * 1024 * 1024)));
  }

  @AfterAll
  static void stop() {
    if (network != null) {
      network.close();
    }
  }

  @Test
  @Order(2) // stops a node: last
  void aFiftyMebibyteBinaryIsReadByteIdenticalEverywhereAlsoAfterAHolderStops() throws Exception {
    final byte[] payload = new byte[PAYLOAD_BYTES];
    new SplittableRandom(50).nextBytes(payload);
    final String sha = sha256(payload);

    final long postStart = System.nanoTime();
    final HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(network.node(0).fhirBaseUrl() + "/Binary"))
        .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/octet-stream")
        .header("Prefer", "return=minimal")
        .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    final String location = created.headers().firstValue("Location").orElseThrow();
    final String id = location.replaceAll(".*/Binary/([^/]+)/.*", "$1");
    LOG.info("large binary created id={} ms={}", id, (System.nanoTime() - postStart) / 1_000_000);
    Hospitals.awaitAllAtHeightOf(network, 0);

    // the block carried no leaf: every node holds exactly its assigned share of them, the origin included
    final HospitalNode origin = network.node(0).node();
    final ResourceVersion head = origin.ledger().store().head("Binary", id).orElseThrow();
    assertThat(head.contentSize()).isGreaterThan(PAYLOAD_BYTES);
    final List<ContentId> leaves = DagReader.leafIds(head.content(), head.contentSize(), origin.ledger().store()::chunk);
    final ContentAssignment assignment = new ContentAssignment(origin.ledger().currentValidators());
    assertThat(assignment.replication()).isEqualTo(3);
    for (final NodeLauncher.RunningNode n : network.nodes()) {
      final PublicKey key = n.node().ledger().publicKey();
      for (final ContentId leaf : leaves) {
        assertThat(n.node().ledger().store().hasChunk(leaf)).as("leaf in %s's block chunks", n.node().name()).isFalse();
        assertThat(n.node().dht().chunks().has(leaf)).as("leaf %s at %s", leaf, n.node().name())
            .isEqualTo(assignment.holders(leaf).contains(key));
      }
    }

    for (int i = 1; i < 4; i++) {
      assertThat(readRaw(i, id)).as("read at node %d", i).isEqualTo(sha);
    }

    // stop a holder of a leaf that the reader (a node missing some leaves) must fetch
    final int reader = 3;
    final PublicKey readerKey = network.node(reader).node().ledger().publicKey();
    final ContentId missing = leaves.stream().filter(l -> !assignment.holders(l).contains(readerKey)).findFirst().orElseThrow();
    final PublicKey victimKey = assignment.holders(missing).get(0);
    final int victim = indexOf(victimKey);
    assertThat(victim).isNotEqualTo(reader);
    network.stopNode(victim);
    assertThat(readRaw(reader, id)).as("read at node %d after node %d stopped", reader, victim).isEqualTo(sha);
    assertThat(network.node(reader).node().fetcher().chunksFetched()).isGreaterThan(0);
  }

  @Test
  @Order(1)
  void aDocumentReferenceWithALargeAttachmentIsReadAndFoundBySubjectAtOtherNodes() {
    final IGenericClient writer = Hospitals.client(network, 1);
    final Patient patient = new Patient();
    patient.addName().setFamily("Large");
    final String patientId = writer.create().resource(patient).execute().getId().toUnqualifiedVersionless().getValue();
    final byte[] pdf = new byte[3 * 1024 * 1024];
    new SplittableRandom(7).nextBytes(pdf);
    final DocumentReference doc = new DocumentReference();
    doc.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
    doc.setSubject(new Reference(patientId));
    doc.addContent().getAttachment().setContentType("application/pdf").setData(pdf);
    final String docId = writer.create().resource(doc).execute().getId().getIdPart();
    Hospitals.awaitAllAtHeightOf(network, 1);
    final HospitalNode origin = network.node(1).node();
    assertThat(origin.genesis().isLarge(origin.ledger().store().head("DocumentReference", docId).orElseThrow().contentSize())).isTrue();

    final IGenericClient reader = Hospitals.client(network, 2);
    final DocumentReference read = reader.read().resource(DocumentReference.class).withId(docId).execute();
    assertThat(read.getContentFirstRep().getAttachment().getData()).isEqualTo(pdf);
    // the index of node 2 fetched the placed content from its holders to extract the subject
    final Bundle found = reader.search().forResource(DocumentReference.class).where(DocumentReference.SUBJECT.hasId(patientId))
        .returnBundle(Bundle.class).execute();
    assertThat(found.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(docId);
  }

  private static int indexOf(final PublicKey key) {
    for (int i = 0; i < network.size(); i++) {
      final NodeLauncher.RunningNode n = network.node(i);
      if (n != null && n.node().ledger().publicKey().equals(key)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no running node has key " + key);
  }

  /** GET of the Binary as raw bytes at node i: the SHA-256 of what came back. */
  private static String readRaw(final int node, final String id) throws IOException, InterruptedException {
    final long start = System.nanoTime();
    final HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(network.node(node).fhirBaseUrl() + "/Binary/" + id))
        .timeout(Duration.ofSeconds(180)).header("Accept", "application/octet-stream").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as("GET at node %d: %s", node, Optional.of(r.body()).map(b -> new String(b, 0, Math.min(b.length, 500)))
        .orElse("")).isEqualTo(200);
    assertThat(r.body()).hasSize(PAYLOAD_BYTES);
    LOG.info("large binary read node={} ms={}", node, (System.nanoTime() - start) / 1_000_000);
    return sha256(r.body());
  }

  private static String sha256(final byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (final NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
