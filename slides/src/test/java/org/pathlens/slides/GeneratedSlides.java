package org.pathlens.slides;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;

/**
 * The generated slide the tests share: 2048 x 1536 at 0.5 µm/px, JPEG tiles, levels 1, 2 and 4×,
 * made once per JVM into a temporary folder (about a second) and deleted at exit.
 */
final class GeneratedSlides {
  static final int WIDTH = 2048, HEIGHT = 1536;
  private static SyntheticSlide.Summary summary;

  private GeneratedSlides() {}

  static synchronized SyntheticSlide.Summary standard() {
    if (summary == null) {
      try {
        Path dir = Files.createTempDirectory("pathlens-slides-test");
        summary =
            SyntheticSlide.write(
                dir.resolve("generated.tiff"),
                new SyntheticSlide.Options(
                    WIDTH, HEIGHT, "center-a", 5, 7, PyramidTiffWriter.Compression.JPEG, 2));
        dir.toFile().deleteOnExit();
        summary.slide().toFile().deleteOnExit();
        summary.regions().toFile().deleteOnExit();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return summary;
  }
}
