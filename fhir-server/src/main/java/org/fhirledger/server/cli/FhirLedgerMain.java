package org.fhirledger.server.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar fhir-ledger.jar <command>}: the one executable of FHIR Ledger. */
@Command(
    name = "fhir-ledger",
    mixinStandardHelpOptions = true,
    versionProvider = FhirLedgerMain.Version.class,
    description = "FHIR R4 server on a permissioned I-PBFT ledger shared by a hospital consortium.",
    subcommands = {DemoCommand.class, InitNetworkCommand.class, NodeCommand.class, VerifyCommand.class, ReindexCommand.class, BenchCommand.class, ProfileCommand.class,
        CommandLine.HelpCommand.class})
public final class FhirLedgerMain {
  private FhirLedgerMain() {}

  public static void main(final String[] args) {
    final int exit = run(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /** Runs one command and returns its exit code (for tests and embedding; main exits with it). */
  public static int run(final String... args) {
    return new CommandLine(new FhirLedgerMain()).execute(args);
  }

  /** Runs one command with its output and errors going to the given writers instead of stdout and stderr. */
  public static int run(final PrintWriter out, final PrintWriter err, final String... args) {
    return new CommandLine(new FhirLedgerMain()).setOut(out).setErr(err).execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      final String v = FhirLedgerMain.class.getPackage().getImplementationVersion();
      return new String[] {"fhir-ledger " + (v == null ? "dev" : v)};
    }
  }
}
