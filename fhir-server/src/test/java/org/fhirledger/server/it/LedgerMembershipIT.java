package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.server.cli.LocalNetwork;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code $ledger-membership} through HAPI's generic client against four running hospitals (hospital 0 holds the
 * genesis manager key): 403 with an OperationOutcome anywhere else, 400 for a malformed request, 422 with the
 * chain's reason for a change the chain rejects, and at the manager an add and a removal that every hospital's
 * {@code $ledger-status} then lists, while writes keep committing with the quorum of the new set.
 */
class LedgerMembershipIT {
  @TempDir
  static Path dir;
  private static LocalNetwork network;

  @BeforeAll
  static void start() throws Exception {
    network = Hospitals.start(dir, java.util.Map.of());
  }

  @AfterAll
  static void stop() {
    if (network != null) {
      network.close();
    }
  }

  private static Parameters add(final PublicKey key, final String name) {
    final Parameters p = new Parameters();
    p.addParameter().setName("action").setValue(new StringType("add"));
    p.addParameter().setName("publicKey").setValue(new StringType(key.toHex()));
    p.addParameter().setName("name").setValue(new StringType(name));
    p.addParameter().setName("host").setValue(new StringType("127.0.0.1"));
    // nobody listens there: the member is admitted on paper; the four running hospitals still make a quorum of five
    p.addParameter().setName("port").setValue(new IntegerType(1));
    return p;
  }

  private static Parameters remove(final String key) {
    final Parameters p = new Parameters();
    p.addParameter().setName("action").setValue(new StringType("remove"));
    p.addParameter().setName("publicKey").setValue(new StringType(key));
    return p;
  }

  private static Parameters membership(final int node, final Parameters request) {
    return Hospitals.client(network, node).operation().onServer().named("$ledger-membership").withParameters(request).execute();
  }

  private static Parameters status(final int node) {
    return Hospitals.client(network, node).operation().onServer().named("$ledger-status").withNoParameters(Parameters.class)
        .useHttpGet().execute();
  }

  private static List<String> validatorKeys(final Parameters p) {
    return p.getParameter().stream().filter(x -> x.getName().equals("validator"))
        .map(x -> x.getPart().stream().filter(part -> part.getName().equals("publicKey")).findFirst().orElseThrow().getValue().primitiveValue())
        .toList();
  }

  private static BaseServerResponseException refused(final int node, final Parameters request) {
    final BaseServerResponseException e = catchThrowableOfType(() -> membership(node, request), BaseServerResponseException.class);
    assertThat(e).as("the request was refused").isNotNull();
    assertThat(e.getOperationOutcome()).isInstanceOf(OperationOutcome.class);
    assertThat(((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    return e;
  }

  @Test
  void aNodeWithoutTheManagerKeyIsForbidden() {
    final long before = network.node(0).node().ledger().store().height();
    final PublicKey stranger = Ed25519Keys.generate(new java.security.SecureRandom()).publicKey();
    for (final int node : new int[] {1, 2, 3}) {
      final BaseServerResponseException e = refused(node, add(stranger, "nope"));
      assertThat(e.getStatusCode()).isEqualTo(403);
      assertThat(((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.FORBIDDEN);
    }
    assertThat(network.node(0).node().ledger().store().height()).as("nothing was submitted").isEqualTo(before);
  }

  @Test
  void theManagerAddsAndRemovesAValidatorAndEveryHospitalListsTheSet() {
    assertThat(refused(0, remove("not-a-key")).getStatusCode()).isEqualTo(400);
    final Parameters noPort = add(Ed25519Keys.generate(new java.security.SecureRandom()).publicKey(), "x");
    noPort.getParameter().removeIf(p -> p.getName().equals("port"));
    assertThat(refused(0, noPort).getStatusCode()).isEqualTo(400);

    final PublicKey fifth = Ed25519Keys.generate(new java.security.SecureRandom()).publicKey();
    final Parameters added = membership(0, add(fifth, "hospital-5"));
    assertThat(added.getParameter("outcome").getValue().primitiveValue()).isEqualTo("committed");
    final int height = ((IntegerType) added.getParameter("height").getValue()).getValue();
    assertThat(((IntegerType) added.getParameter("effectiveFromHeight").getValue()).getValue()).isEqualTo(height + 1);
    assertThat(validatorKeys(added)).hasSize(5).endsWith(fifth.toHex());
    for (int node = 0; node < 4; node++) {
      final int n = node;
      await().atMost(Duration.ofSeconds(30)).until(() -> validatorKeys(status(n)).contains(fifth.toHex()));
      assertThat(((IntegerType) status(n).getParameter("quorum").getValue()).getValue()).isEqualTo(4);
    }
    // the chain refuses a second add of the same key: 422 with its reason
    final BaseServerResponseException twice = refused(0, add(fifth, "hospital-5"));
    assertThat(twice.getStatusCode()).isEqualTo(422);
    assertThat(((OperationOutcome) twice.getOperationOutcome()).getIssueFirstRep().getDiagnostics()).startsWith("member-exists:");
    // four of five sign: writes still commit
    final IdType written = (IdType) Hospitals.client(network, 2).create().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName()
        .setFamily("Member"))).execute().getId();
    assertThat(written.getVersionIdPart()).isEqualTo("1");
    // the search index follows the chain past the membership block (it holds no resource to index)
    final org.hl7.fhir.r4.model.Bundle found = Hospitals.client(network, 2).search().forResource(Patient.class)
        .where(Patient.FAMILY.matches().value("Member")).returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute();
    assertThat(found.getEntry()).hasSize(1);

    final Parameters removed = membership(0, remove(fifth.toHex()));
    assertThat(validatorKeys(removed)).hasSize(4).doesNotContain(fifth.toHex());
    for (int node = 0; node < 4; node++) {
      final int n = node;
      await().atMost(Duration.ofSeconds(30)).until(() -> !validatorKeys(status(n)).contains(fifth.toHex()));
      // the node registry keeps the member's row, marked with the height of the block that removed it
      final org.fhirledger.server.index.SearchIndex registry = network.node(n).node().index();
      await().atMost(Duration.ofSeconds(30)).until(() -> registry.nodes().stream()
          .anyMatch(r -> r.nodeKeyHex().equals(fifth.toHex()) && r.removed() && r.removedAtHeight() > 0));
    }
    final BaseServerResponseException unknown = refused(0, remove(fifth.toHex()));
    assertThat(unknown.getStatusCode()).isEqualTo(422);
    assertThat(((OperationOutcome) unknown.getOperationOutcome()).getIssueFirstRep().getDiagnostics()).startsWith("not-a-member:");
  }
}
