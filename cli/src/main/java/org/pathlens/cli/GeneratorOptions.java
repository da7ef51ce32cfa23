package org.pathlens.cli;

import picocli.CommandLine.Option;

/** What {@code generate tiles} and {@code generate slide} share: the centers, seed and workers. */
final class GeneratorOptions {

  @Option(
      names = "--centers",
      paramLabel = "K",
      description = "How many simulated centers the seed defines (default: ${DEFAULT-VALUE}).")
  int centers = 5;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description =
          "Worker threads generating in parallel; the output does not depend on it (default: all"
              + " cores).")
  int workers = Runtime.getRuntime().availableProcessors();
}
