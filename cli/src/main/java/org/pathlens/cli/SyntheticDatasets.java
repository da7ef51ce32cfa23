package org.pathlens.cli;

import org.pathlens.eval.config.DatasetGenerator;
import org.pathlens.fixtures.synth.SyntheticTiles;

/**
 * The synthetic H&amp;E generator as evaluation's {@link DatasetGenerator}: what {@code dataset:
 * generate:} in an evaluation config writes. Given by the command line, so that the evaluation
 * module does not depend on the generator.
 */
final class SyntheticDatasets {

  static final DatasetGenerator GENERATOR =
      (dir, perClass, centers, seed, layout) ->
          SyntheticTiles.write(dir, perClass, centers, seed, SyntheticTiles.Layout.parse(layout))
              .manifest();

  private SyntheticDatasets() {}
}
