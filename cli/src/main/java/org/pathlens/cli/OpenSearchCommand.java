package org.pathlens.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pathlens opensearch}: a local OpenSearch cluster for the cluster backend. */
@Command(
    name = "opensearch",
    mixinStandardHelpOptions = true,
    header = "Run a local OpenSearch cluster to try the cluster backend on.",
    description =
        "A local OpenSearch cluster (k-NN plugin) to try the cluster backend on: --index"
            + " http://127.0.0.1:PORT/NAME.",
    subcommands = {OpenSearchStartCommand.class})
final class OpenSearchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
