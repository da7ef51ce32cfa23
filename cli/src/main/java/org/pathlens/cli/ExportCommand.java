package org.pathlens.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pathlens export}: write a model bundle from a model's own Python code and weights. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    header = "Export a vision-language model to a PathLens bundle.",
    description =
        "Export a vision-language model to a PathLens bundle with the model's own Python code:"
            + " your Python (PATHLENS_PYTHON, else python3) with torch and the family's library"
            + " traces the towers, converts the tokenizer, records the preprocessing and computes a"
            + " canary with the original code; PathLens then loads the bundle, canary included,"
            + " before it is moved to --out. --threads sets libtorch's intra-op threads of both:"
            + " Python's torch while tracing, PathLens for the check. Nothing is downloaded: give"
            + " local files.",
    subcommands = {
      ExportOpenClipCommand.class,
      ExportHfClipCommand.class,
      ExportConchCommand.class
    })
final class ExportCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
