package org.pathlens.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The model and prompt set of the commands that run on the demo's unless told otherwise ({@code
 * demo}, {@code bench pooling}).
 */
final class DemoOptions {

  /** The prompt set the demo bundle was trained with. */
  static final Path DEMO_PROMPTS = Path.of("demo-crc9");

  @Mixin DemoBundleOption model;

  @Option(
      names = "--prompts",
      paramLabel = "FILE|NAME",
      description =
          "Prompt set: a JSON file, or the name of a built-in set (default: ${DEFAULT-VALUE}).")
  Path prompts = DEMO_PROMPTS;
}
