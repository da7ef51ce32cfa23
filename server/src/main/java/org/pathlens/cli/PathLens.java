package org.pathlens.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ./pathlens} command line: one subcommand class per verb. */
@Command(
    name = "pathlens",
    mixinStandardHelpOptions = true,
    version = "PathLens 0.1.0",
    description = "Search and classify histology with vision-language models.",
    subcommands = {CommandLine.HelpCommand.class, GenerateCommand.class})
public final class PathLens implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new PathLens()).execute(args));
  }
}
