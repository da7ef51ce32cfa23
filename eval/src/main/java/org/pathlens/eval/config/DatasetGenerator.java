package org.pathlens.eval.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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

  /**
   * Writes the slides of a config's {@code dataset: slides:} block into {@code dir}: {@code count}
   * whole-slide images of {@code width} x {@code height} level-0 pixels, slide {@code i} in the
   * stain of center {@code i mod centers}, each with its ground truth. The default refuses: a
   * caller without a slide generator evaluates no generated slides.
   */
  default List<Slide> writeSlides(
      Path dir, int count, int width, int height, int centers, long seed) throws IOException {
    throw new IllegalArgumentException(
        "dataset: slides: this caller offers no slide generator (pathlens eval gives one)");
  }

  /**
   * A generated slide file, the center whose stain it has, and its ground truth: the class of each
   * level-0 point (the background class off the tissue section).
   */
  record Slide(Path file, String center, Truth truth) {}

  /** The true class at a level-0 point of a slide. */
  @FunctionalInterface
  interface Truth {
    /** The class at (x, y); null where the truth says nothing (outside every annotation). */
    String classAt(double x, double y);
  }

  /** For callers that evaluate only datasets that exist: a generated one is refused by name. */
  DatasetGenerator NONE =
      (dir, perClass, centers, seed, layout) -> {
        throw new IllegalArgumentException(
            "dataset: generate: this caller offers no tile generator (pathlens eval gives one)");
      };
}
