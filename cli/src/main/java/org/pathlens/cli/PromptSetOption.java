package org.pathlens.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --prompts FILE|NAME}: the prompt set of a zero-shot command. */
final class PromptSetOption {

  @Option(
      names = "--prompts",
      required = true,
      paramLabel = "FILE|NAME",
      description = "Prompt set: a JSON file, or the name of a built-in set (e.g. crc-nct9).")
  Path file;
}
