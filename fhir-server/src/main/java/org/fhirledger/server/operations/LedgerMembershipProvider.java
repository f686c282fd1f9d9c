package org.fhirledger.server.operations;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.security.SecureRandom;
import java.util.Locale;
import org.fhirledger.ledger.chain.MembershipChange;
import org.fhirledger.ledger.chain.Transaction;
import org.fhirledger.ledger.chain.Validator;
import org.fhirledger.ledger.crypto.KeyFiles;
import org.fhirledger.ledger.crypto.PublicKey;
import org.fhirledger.ledger.node.LedgerNode;
import org.fhirledger.ledger.store.TransactionOutcome;
import org.fhirledger.server.dao.LedgerWriter;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * {@code POST [base]/$ledger-membership}: the trusted manager node's operator adds or removes a validator. The
 * body is a Parameters resource: {@code action} (add | remove), {@code publicKey} (PEM or 64 hex digits) and,
 * for an add, {@code name}, {@code host} and {@code port} (the new member's peer-to-peer endpoint). The change
 * is signed with this node's key and committed like any transaction; the chain decides it
 * ({@code MembershipRules}), so every node agrees. Answers 403 at any node that does not hold the manager key,
 * 400 for a malformed request, 422 when the chain rejected the change (with its reason), 503 when it was not
 * final in time, and otherwise the height it was committed at, the first height it is in force and the
 * validators from then on.
 */
public final class LedgerMembershipProvider {
  private final LedgerNode ledger;
  private final long timeoutMillis;
  private final SecureRandom nonces = new SecureRandom();

  public LedgerMembershipProvider(final LedgerNode ledger, final long timeoutMillis) {
    this.ledger = ledger;
    this.timeoutMillis = timeoutMillis;
  }

  @Operation(name = "$ledger-membership")
  public Parameters changeMembership(
      @OperationParam(name = "action", min = 1, max = 1) final StringType action,
      @OperationParam(name = "publicKey", min = 1, max = 1) final StringType publicKey,
      @OperationParam(name = "name", max = 1) final StringType name,
      @OperationParam(name = "host", max = 1) final StringType host,
      @OperationParam(name = "port", max = 1) final IntegerType port) {
    final PublicKey manager = ledger.genesis().manager();
    if (!ledger.publicKey().equals(manager)) {
      throw new ForbiddenOperationException("Only the trusted manager node (key " + manager.toShortHex()
          + ") submits membership changes; this node is " + ledger.publicKey().toShortHex(),
          outcome(OperationOutcome.IssueType.FORBIDDEN, "membership changes are submitted at the manager node"));
    }
    final MembershipChange change = change(text(action, "action"), key(publicKey), name, host, port);
    final Transaction tx = change.sign(ledger.genesis().chainId(), ledger.signer(), "$ledger-membership", System.currentTimeMillis(),
        nonces.nextLong());
    final TransactionOutcome outcome = await(tx, change);
    if (!outcome.committed()) {
      throw new UnprocessableEntityException("The ledger rejected the membership change: " + outcome.rejection(),
          outcome(OperationOutcome.IssueType.BUSINESSRULE, outcome.rejection()));
    }
    final Parameters result = new Parameters();
    result.addParameter().setName("outcome").setValue(new StringType("committed"));
    result.addParameter().setName("transaction").setValue(new StringType(tx.hash().toHex()));
    result.addParameter().setName("height").setValue(new IntegerType(Math.toIntExact(outcome.height())));
    result.addParameter().setName("effectiveFromHeight").setValue(new IntegerType(Math.toIntExact(outcome.height() + 1)));
    LedgerStatusProvider.addValidators(result, ledger.store().validatorsAt(outcome.height() + 1));
    return result;
  }

  private static MembershipChange change(final String action, final PublicKey key, final StringType name, final StringType host,
      final IntegerType port) {
    switch (action.toLowerCase(Locale.ROOT)) {
      case "add" -> {
        if (port == null || port.getValue() == null || port.getValue() < 1 || port.getValue() > 65_535) {
          throw new InvalidRequestException("an add needs the new member's p2p 'port' (1..65535)");
        }
        try {
          return MembershipChange.add(new Validator(text(name, "name"), key, text(host, "host"), port.getValue()));
        } catch (final IllegalArgumentException e) {
          throw new InvalidRequestException("invalid member: " + e.getMessage());
        }
      }
      case "remove" -> {
        return MembershipChange.remove(key);
      }
      default -> throw new InvalidRequestException("action is 'add' or 'remove', not '" + action + "'");
    }
  }

  private static PublicKey key(final StringType publicKey) {
    try {
      return KeyFiles.parsePublicKey(text(publicKey, "publicKey"));
    } catch (final IllegalArgumentException e) {
      throw new InvalidRequestException("publicKey: " + e.getMessage());
    }
  }

  private static String text(final StringType value, final String parameter) {
    if (value == null || value.getValue() == null || value.getValue().isBlank()) {
      throw new InvalidRequestException("missing parameter '" + parameter + "'");
    }
    return value.getValue().strip();
  }

  private TransactionOutcome await(final Transaction tx, final MembershipChange change) {
    return LedgerWriter.awaitFinal(ledger.submit(tx, java.util.List.of(change.chunk())), timeoutMillis,
        "The membership change " + tx.hash().toShortHex() + " was not final within " + timeoutMillis
            + " ms; it may still commit: check $ledger-status before retrying", "the membership change");
  }


  private static OperationOutcome outcome(final OperationOutcome.IssueType type, final String diagnostics) {
    final OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type).setDiagnostics(diagnostics);
    return oo;
  }
}
