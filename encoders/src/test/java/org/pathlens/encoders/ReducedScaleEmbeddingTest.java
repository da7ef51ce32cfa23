package org.pathlens.encoders;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.TestData;

/**
 * How much a reduced-scale decode changes an image's embedding (docs/api.md records the numbers):
 * each image is embedded from its full decode and from decodes that keep a short side of at least
 * 1× and 2× the model's input (224 px), harsher than the server's 4× (a 9,400 px upload is decoded
 * at 940 px). Real H&E images from ../shared where present, and a committed golden image.
 */
class ReducedScaleEmbeddingTest {

  /**
   * The least cosine accepted, at margins below the server's (the lowest measured with the demo
   * model: 0.9966, at step 3 and 1×).
   */
  private static final double MIN_COSINE = 0.99;

  @Test
  void reducedScaleDecodesEmbedCloseToTheFullDecode() throws Exception {
    List<Path> images = new ArrayList<>();
    images.add(TestData.golden("preprocess").resolve("images/rgb_1000x700.png"));
    Optional<Path> shared = Fixtures.shared();
    if (shared.isPresent()) {
      Path tiles = shared.get().resolve("data/tiles");
      for (String name :
          List.of(
              "gallery/tiatoolbox/target_image.png",
              "qc-tiles/high-nuclei-score-level0.png",
              "qc-tiles/medium-nuclei-score-level0.png",
              "qc-tiles/very-low-nuclei-score-level0.png")) {
        if (Files.isRegularFile(tiles.resolve(name))) {
          images.add(tiles.resolve(name));
        }
      }
    } else {
      System.out.println("../shared is absent: the golden image only");
    }
    ImageDecoder exact = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    try (VisionLanguageModel vlm =
        VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults())) {
      int input = vlm.bundle().config().image().size();
      System.out.printf(
          "%-45s %11s %5s %10s %5s %10s%n", "image", "size", "step", "cos 1x", "step", "cos 2x");
      for (Path image : images) {
        var full = exact.decode(image);
        float[] reference = vlm.images().encode(full);
        StringBuilder line =
            new StringBuilder(
                String.format(
                    "%-45s %11s", image.getFileName(), full.width() + "x" + full.height()));
        for (int margin : new int[] {1, 2}) {
          // Every image here is over a threshold of 1 pixel: the step alone decides.
          ImageDecoder reduced = exact.reducedAbove(1, margin * input);
          byte[] bytes = Files.readAllBytes(image);
          int step = reduced.subsampling(reduced.header(bytes, image.toString()));
          double cosine = Embeddings.dot(reference, vlm.images().encode(reduced.decode(image)));
          line.append(String.format(" %5d %10.6f", step, cosine));
          assertTrue(
              cosine >= MIN_COSINE,
              image + ": cosine " + cosine + " at step " + step + " (" + margin + "x the input)");
        }
        System.out.println(line);
      }
    }
  }
}
