package org.pathlens.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.encoders.preprocess.stain.StainAugmentation;
import org.pathlens.encoders.preprocess.stain.StainFit;
import org.pathlens.encoders.preprocess.stain.StainMethod;
import org.pathlens.encoders.preprocess.stain.StainNormalization;
import org.pathlens.encoders.preprocess.stain.StainOptions;
import org.pathlens.encoders.preprocess.stain.StainTargets;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.SyntheticTiles;

/** Stain normalisation and test-time augmentation on the embedding path, with the demo model. */
class StainEncodingTest {

  @TempDir static Path tiles;
  private static VisionLanguageModel model;
  private static List<Path> files;
  private static final ImageDecoder DECODER = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

  @BeforeAll
  static void load() throws IOException {
    SyntheticTiles.write(tiles, 1, 2, 3);
    files = ImageFiles.expand(List.of(tiles.resolve("tiles")));
    model =
        VisionLanguageModel.load(
            Fixtures.demoBundle(), EncoderOptions.defaults().withBatchSize(8).withThreads(1));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void oneUnjitteredViewIsThePlainEmbedding() throws Exception {
    RgbImage tile = DECODER.decode(files.getFirst());
    float[] plain = model.images().encode(tile);
    StainOptions oneView = StainOptions.NONE.withAugmentation(new StainAugmentation(1, 0, 0, 0));
    assertArrayEquals(plain, model.images().withStain(oneView).encode(tile));
    // Four identical views take the averaging path: the mean of four equal unit vectors.
    StainOptions fourViews = StainOptions.NONE.withAugmentation(new StainAugmentation(4, 0, 0, 0));
    assertArrayEquals(plain, model.images().withStain(fourViews).encode(tile), 1e-6f);
  }

  @Test
  void jitteredViewsMoveTheEmbeddingALittle() throws Exception {
    RgbImage tile = DECODER.decode(files.get(3));
    float[] plain = model.images().encode(tile);
    float[] tta =
        model
            .images()
            .withStain(StainOptions.NONE.withAugmentation(StainAugmentation.of(8)))
            .encode(tile);
    float cosine = Embeddings.dot(plain, tta);
    assertEquals(1.0, Embeddings.dot(tta, tta), 1e-5);
    assertTrue(cosine > 0.9 && cosine < 0.99999f, "cosine to the plain embedding " + cosine);
    StainAugmentation tta8 = StainAugmentation.of(8);
    assertEquals(
        tta8.views(tile).stream().map(v -> Arrays.hashCode(v.rgb())).toList(),
        tta8.views(tile).stream().map(v -> Arrays.hashCode(v.rgb())).toList(),
        "same tile, same views");
  }

  /**
   * Normalisation and jitter run on the decoding threads; a tile's result must not depend on how
   * many there are, nor on which thread got it: the seeds come from the pixels.
   */
  @Test
  void embeddingsDoNotDependOnTheDecodeThreadCount() {
    Map<Path, String> slides = new LinkedHashMap<>();
    for (Path file : files) {
      slides.put(
          file, file.getParent().getParent().getFileName().toString()); // the center as the slide
    }
    for (StainFit fit : StainFit.values()) {
      StainOptions options =
          new StainOptions(
              StainNormalization.toward(StainTargets.defaultFor(StainMethod.MACENKO), fit),
              StainAugmentation.of(3));
      ImageEncoder encoder = model.images().withStain(options);
      List<float[]> one = embed(encoder, 1, slides), four = embed(encoder, 4, slides);
      for (int i = 0; i < one.size(); i++) {
        assertArrayEquals(one.get(i), four.get(i), fit + " tile " + files.get(i));
      }
      assertNotEquals(
          Arrays.toString(one.get(0)),
          Arrays.toString(embed(model.images(), 1, slides).get(0)),
          "normalisation changes the embedding");
    }
  }

  private static List<float[]> embed(ImageEncoder encoder, int threads, Map<Path, String> slides) {
    List<float[]> out = new ArrayList<>();
    try (ImageFileEmbedder embedder = new ImageFileEmbedder(encoder, DECODER, 8, threads)) {
      embedder.embed(
          files,
          slides::get,
          done -> out.add(done.embedding()),
          skipped -> {
            throw new AssertionError(skipped.reason());
          });
    }
    assertEquals(files.size(), out.size());
    return out;
  }
}
