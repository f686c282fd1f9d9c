package org.fhirledger.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import org.fhirledger.server.config.FhirContexts;
import org.fhirledger.server.validation.ResourceValidation;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.fhirledger.ledger.chain.CommitCertificate;
import org.fhirledger.ledger.crypto.Ed25519Keys;
import org.fhirledger.ledger.crypto.Hash32;
import org.fhirledger.ledger.store.LedgerStore;
import org.fhirledger.ledger.chain.Genesis;

/** Checks shared by the network tests. */
final class FhirAssertions {
  private FhirAssertions() {}

  /** The body (JSON or XML) is a valid R4 resource for HAPI's validator: no error or fatal issue. */
  static void assertValidFhir(final String body) {
    final ValidationResult result = ResourceValidation.shared().validate(body);
    assertThat(ResourceValidation.hasErrors(result))
        .as("validator errors %s in %s", result.getMessages().stream()
            .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
            .map(m -> m.getLocationString() + ": " + m.getMessage()).toList(), body.length() > 2000 ? body.substring(0, 2000) : body)
        .isFalse();
  }

  /** As {@link #assertValidFhir(String)}, for a resource the generic client returned. */
  static <T extends IBaseResource> T valid(final T resource) {
    assertValidFhir(FhirContexts.r4().newJsonParser().encodeResourceToString(resource));
    return resource;
  }

  /** Every store holds the same chain: same block hash at every height, every certificate valid for it. */
  static void assertIdenticalCertifiedChains(final Genesis genesis, final List<LedgerStore> stores) {
    final long height = stores.get(0).height();
    for (final LedgerStore s : stores) {
      assertThat(s.height()).as("height of every node").isEqualTo(height);
    }
    for (long h = 1; h <= height; h++) {
      final Hash32 expected = stores.get(0).blockHash(h).orElseThrow();
      for (final LedgerStore s : stores) {
        assertThat(s.blockHash(h)).as("block hash at height %d", h).contains(expected);
        final CommitCertificate cert = s.certificate(h).orElseThrow();
        assertThat(cert.blockHash()).isEqualTo(expected);
        assertThat(cert.check(genesis.chainId(), genesis.validatorSet(), Ed25519Keys.verifier()))
            .as("certificate at height %d", h).isNull();
        assertThat(s.block(h).orElseThrow().header().parentHash()).isEqualTo(s.blockHash(h - 1).orElseThrow());
      }
    }
  }
}
