package org.pathlens.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pathlens.eval.config.DatasetGenerator;
import org.pathlens.fixtures.synth.Centers;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.RegionTruth;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.fixtures.synth.SyntheticTiles;

/**
 * The synthetic H&amp;E generator as evaluation's {@link DatasetGenerator}: what {@code dataset:
 * generate:} and {@code dataset: slides:} in an evaluation config write. Given by the command line,
 * so that the evaluation module does not depend on the generator.
 */
final class SyntheticDatasets {

  static final DatasetGenerator GENERATOR =
      new DatasetGenerator() {
        @Override
        public Path write(Path dir, int perClass, int centers, long seed, String layout)
            throws IOException {
          return SyntheticTiles.write(
                  dir, perClass, centers, seed, SyntheticTiles.Layout.parse(layout))
              .manifest();
        }

        /**
         * Slide {@code i} is {@code slide-<i>.tiff} in center {@code i mod centers}'s stain; its
         * truth is its {@code .regions.json} read back ({@link RegionTruth}), as a user would.
         */
        @Override
        public List<Slide> writeSlides(
            Path dir, int count, int width, int height, int centers, long seed) throws IOException {
          List<Slide> slides = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            String center = Centers.generate(centers, seed + i).get(i % centers).name();
            SyntheticSlide.Summary summary =
                SyntheticSlide.write(
                    dir.resolve(String.format("slide-%02d.tiff", i)),
                    new SyntheticSlide.Options(
                        width,
                        height,
                        center,
                        centers,
                        seed + i,
                        PyramidTiffWriter.Compression.JPEG,
                        Runtime.getRuntime().availableProcessors()));
            RegionTruth truth = RegionTruth.read(summary.regions());
            slides.add(new Slide(summary.slide(), center, truth::classAt));
          }
          return slides;
        }
      };

  private SyntheticDatasets() {}
}
