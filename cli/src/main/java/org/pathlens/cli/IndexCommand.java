package org.pathlens.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pathlens index}: maintain a tile index after ingest. */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    header = "Check that an index is whole, or batch-correct its embeddings.",
    subcommands = {
      IndexCheckCommand.class,
      IndexBatchCorrectCommand.class,
      IndexExportCommand.class,
      IndexSlideVectorsCommand.class,
      IndexRelocateCommand.class
    })
final class IndexCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
