package org.pathlens.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.pathlens.index.cluster.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pathlens opensearch start}: N real OpenSearch nodes in their own JVMs until Ctrl-C. */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    header = "Start a local OpenSearch cluster that runs until Ctrl-C.",
    description = {
      "Start OpenSearch 2.19 nodes with the k-NN plugin, each in its own JVM, on this machine; print",
      "'OpenSearch ready at http://127.0.0.1:PORT' once the cluster is green; stop them all on Ctrl-C",
      "or SIGTERM. Starting again on the same --data restarts the same cluster with its indexes."
    },
    footer = {"%nExample:", "  ./pathlens opensearch start --nodes 2 --data /tmp/os"})
final class OpenSearchStartCommand implements Callable<Integer> {

  // picocli's out and err: the real streams from main(), a test's writers in-process.
  @Spec CommandSpec spec;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      defaultValue = "1",
      description = "Nodes (default: ${DEFAULT-VALUE}). Indexes get a replica from 2 nodes on.")
  int nodes;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "Where the nodes keep their data and logs (DIR/node-I).")
  Path data;

  @Option(
      names = "--http-port",
      paramLabel = "P",
      defaultValue = "9200",
      description =
          "Node 0's HTTP port; node I listens on P+I, transport on P+100+I (default:"
              + " ${DEFAULT-VALUE}; 0: free ports).")
  int httpPort;

  @Option(
      names = "--heap",
      paramLabel = "SIZE",
      defaultValue = LocalCluster.DEFAULT_HEAP,
      description = "Java heap per node (default: ${DEFAULT-VALUE}).")
  String heap;

  @Option(
      names = "--timeout-s",
      paramLabel = "S",
      defaultValue = "180",
      description = "How long to wait for a green cluster (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!heap.matches("\\d+[mMgG]")) {
      throw new IllegalArgumentException("--heap must be like 512m or 2g, got " + heap);
    }
    if (httpPort < 0 || httpPort > 65535 - 200) {
      throw new IllegalArgumentException("--http-port must be 0 or a port below 65335");
    }
    LocalCluster cluster =
        LocalCluster.start(data, nodes, httpPort, heap, Duration.ofSeconds(timeoutSeconds));
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "pathlens-opensearch-stop"));
    out.println(
        "OpenSearch ready at "
            + cluster.endpoint()
            + " ("
            + nodes
            + (nodes == 1 ? " node" : " nodes")
            + ", data in "
            + data
            + "); index into --index "
            + cluster.endpoint()
            + "/NAME");
    out.flush(); // a parent process waits for this line
    cluster.awaitExit();
    return 0;
  }
}
