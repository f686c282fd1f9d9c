package org.fhirledger.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar fhir-ledger.jar <command>}: the one executable of FHIR Ledger. */
@Command(
    name = "fhir-ledger",
    mixinStandardHelpOptions = true,
    versionProvider = FhirLedgerMain.Version.class,
    description = "FHIR R4 server on a permissioned I-PBFT ledger shared by a hospital consortium.",
    subcommands = {DemoCommand.class, InitNetworkCommand.class, NodeCommand.class, CommandLine.HelpCommand.class})
public final class FhirLedgerMain {
  private FhirLedgerMain() {}

  public static void main(final String[] args) {
    final int exit = new CommandLine(new FhirLedgerMain()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      final String v = FhirLedgerMain.class.getPackage().getImplementationVersion();
      return new String[] {"fhir-ledger " + (v == null ? "dev" : v)};
    }
  }
}
