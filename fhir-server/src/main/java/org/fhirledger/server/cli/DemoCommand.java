package org.fhirledger.server.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A whole local consortium in one process: what the README's first command runs. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start N hospital nodes on 127.0.0.1 (FHIR at http://127.0.0.1:(base-port+i)/fhir) and run until stopped.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--nodes", defaultValue = "4", description = "number of hospitals (default ${DEFAULT-VALUE}; 4 or more tolerate a faulty one)")
  int nodes;

  @Option(names = "--base-port", defaultValue = "8080", description = "FHIR port of hospital 0 (default ${DEFAULT-VALUE}); p2p ports are base-port+1000+i")
  int basePort;

  @Option(names = "--data", defaultValue = "./data", description = "data folder; a restart on the same folder keeps every record (default ${DEFAULT-VALUE})")
  Path data;

  @Override
  public Integer call() throws Exception {
    final LocalNetwork network = LocalNetwork.start(data, nodes, basePort);
    final CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      network.close();
      stopped.countDown();
    }, "demo-shutdown"));
    EndpointTable.print(System.out, LocalNetwork.DEMO_CHAIN_ID, network.nodes());
    System.out.println("Data in " + network.dataDir() + ". Press Ctrl-C to stop.");
    stopped.await();
    return 0;
  }
}
