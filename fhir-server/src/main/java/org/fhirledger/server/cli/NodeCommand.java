package org.fhirledger.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.fhirledger.server.cli.NodeLauncher.RunningNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One hospital as its own OS process (what docker-compose runs). */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Run one hospital node from its node.yaml.")
final class NodeCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "the node.yaml written by init-network")
  Path config;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(config)) {
      System.err.println("no such config file: " + config);
      return 2;
    }
    final RunningNode node = NodeLauncher.launch(config, Map.of());
    final CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      stopped.countDown();
    }, "node-shutdown"));
    EndpointTable.print(System.out, node.node().genesis().chainId(), List.of(node));
    stopped.await();
    return 0;
  }
}
