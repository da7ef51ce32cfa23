package org.pathlens.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pathlens classifiers}: the few-shot classifiers saved with an index. */
@Command(
    name = "classifiers",
    mixinStandardHelpOptions = true,
    header = "List, show or delete classifiers saved with an index.",
    subcommands = {
      ClassifiersListCommand.class,
      ClassifiersShowCommand.class,
      ClassifiersDeleteCommand.class
    })
final class ClassifiersCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
