package org.fhirledger.server.cli;

/** Entry point of fhir-ledger.jar; subcommands are added by the CLI work. */
public final class FhirLedgerMain {
  private FhirLedgerMain() {}

  public static void main(final String[] args) {
    System.out.println("fhir-ledger: subcommands demo, init-network, node");
  }
}
