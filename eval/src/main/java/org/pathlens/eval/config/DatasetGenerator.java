package org.pathlens.eval.config;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes the generated dataset of a config's {@code dataset: generate:} block: tiles and their
 * {@code manifest.csv} in {@code dir}. The command line hands in the synthetic H&amp;E generator,
 * so that evaluation code never depends on it.
 */
@FunctionalInterface
public interface DatasetGenerator {

  /**
   * Writes {@code perClass} tiles per class from {@code centers} centers, spread over slides and
   * patients by {@code layout} ({@link EvalConfig.Generated#LAYOUTS}); returns the manifest.
   */
  Path write(Path dir, int perClass, int centers, long seed, String layout) throws IOException;

  /** For callers that evaluate only datasets that exist: a generated one is refused by name. */
  DatasetGenerator NONE =
      (dir, perClass, centers, seed, layout) -> {
        throw new IllegalArgumentException(
            "dataset: generate: this caller offers no tile generator (pathlens eval gives one)");
      };
}
