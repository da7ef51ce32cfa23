package org.pathlens.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pathlens eval}: evaluations of models and prompt sets on labelled data. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    header = "Evaluate models and prompt sets on labelled data.",
    subcommands = {
      EvalZeroShotCommand.class,
      EvalRunCommand.class,
      EvalCompareCommand.class,
      EvalTableCommand.class
    })
final class EvalCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
