package org.pathlens.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.encoders.preprocess.stain.StainAugmentation;
import org.pathlens.encoders.preprocess.stain.StainNormalization;
import org.pathlens.encoders.preprocess.stain.StainOptions;
import org.pathlens.testkit.NanBundleImages;
import org.pathlens.testkit.TestData;

/**
 * The nan-on-red bundle (fixtures/scripts/make_nan_bundle.py) returns NaN for pure-red images and
 * for texts with an unknown character, through real TorchScript: such outputs never come back as
 * embeddings.
 */
class NonFiniteOutputTest {

  static final Path NAN_BUNDLE = TestData.bundle(NanBundleImages.BUNDLE);

  @TempDir Path tmp;

  @Test
  void aNonFiniteImageOutputIsRefusedAndTheOthersAreKept() {
    try (VisionLanguageModel vlm =
        VisionLanguageModel.load(NAN_BUNDLE, EncoderOptions.defaults().withBatchSize(2))) {
      List<RgbImage> images = List.of(tissue(1), red(), tissue(2), tissue(3), red());
      NonFiniteEmbeddingException e =
          assertThrows(NonFiniteEmbeddingException.class, () -> vlm.images().encode(images));
      assertEquals(List.of(1, 4), e.failed());
      assertNull(e.embeddings().get(1));
      assertNull(e.embeddings().get(4));
      for (int i : new int[] {0, 2, 3}) {
        assertTrue(NonFiniteEmbeddingException.isFinite(e.embeddings().get(i)));
        assertEquals(1.0, Embeddings.dot(e.embeddings().get(i), e.embeddings().get(i)), 1e-5);
      }
      assertTrue(
          e.getMessage()
              .contains(
                  "the model produced a non-finite output (NaN or infinity) for inputs #2, #5"
                      + " of 5"),
          e.getMessage());
      assertEquals(3, vlm.images().encode(List.of(tissue(1), tissue(2), tissue(3))).size());
    }
  }

  @Test
  void aNonFiniteTextOutputIsRefused() {
    try (VisionLanguageModel vlm =
        VisionLanguageModel.load(NAN_BUNDLE, EncoderOptions.defaults())) {
      NonFiniteEmbeddingException e =
          assertThrows(NonFiniteEmbeddingException.class, () -> vlm.texts().encode("tumor!"));
      assertTrue(
          e.getMessage().contains("text_encoder.pt: the model produced a non-finite output"),
          e.getMessage());
      assertTrue(NonFiniteEmbeddingException.isFinite(vlm.texts().encode("tumor")));
    }
  }

  @Test
  void testTimeAugmentationFailsTheTileWhoseViewsAreNotFinite() {
    StainOptions tta =
        new StainOptions(StainNormalization.NONE, new StainAugmentation(4, 0.0, 0.0, 1));
    try (VisionLanguageModel vlm =
        VisionLanguageModel.load(NAN_BUNDLE, EncoderOptions.defaults().withBatchSize(8))) {
      NonFiniteEmbeddingException e =
          assertThrows(
              NonFiniteEmbeddingException.class,
              () -> vlm.images().withStain(tta).encode(List.of(tissue(1), red(), tissue(2))));
      assertEquals(List.of(1), e.failed());
      assertNotNull(e.embeddings().get(2));
    }
  }

  @Test
  void fileEmbeddingSkipsNonFiniteFilesOrStopsNamingThem() throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path file = tmp.resolve("tile" + i + ".png");
      ImageIO.write(
          i == 1 ? NanBundleImages.red(64, 64) : NanBundleImages.tissue(80, 72, i),
          "png",
          file.toFile());
      files.add(file);
    }
    try (VisionLanguageModel vlm = VisionLanguageModel.load(NAN_BUNDLE, EncoderOptions.defaults());
        ImageFileEmbedder embedder =
            new ImageFileEmbedder(
                vlm.images(), new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), 8, 1)) {
      List<Path> embedded = new ArrayList<>();
      List<ImageFileEmbedder.Skipped> skipped = new ArrayList<>();
      embedder.embed(files, done -> embedded.add(done.file()), skipped::add);
      assertEquals(List.of(files.get(0), files.get(2)), embedded);
      assertEquals(1, skipped.size());
      assertTrue(skipped.getFirst().nonFinite());
      assertEquals(
          files.get(1) + ": " + NonFiniteEmbeddingException.REASON, skipped.getFirst().reason());

      EncoderException stop =
          assertThrows(
              EncoderException.class,
              () -> embedder.embed(files, done -> {}, ImageFileEmbedder.failOnNonFinite(s -> {})));
      assertTrue(stop.getMessage().startsWith(files.get(1).toString()), stop.getMessage());
    }
  }

  static RgbImage red() {
    byte[] rgb = new byte[64 * 64 * 3];
    for (int i = 0; i < rgb.length; i += 3) {
      rgb[i] = (byte) 255;
    }
    return new RgbImage(64, 64, rgb);
  }

  /** Pink and purple noise, nowhere near pure red. */
  static RgbImage tissue(int seed) {
    Random random = new Random(seed);
    byte[] rgb = new byte[80 * 72 * 3];
    for (int i = 0; i < rgb.length; i += 3) {
      boolean nucleus = random.nextInt(5) == 0;
      rgb[i] = (byte) (nucleus ? 90 + random.nextInt(40) : 220 + random.nextInt(30));
      rgb[i + 1] = (byte) (nucleus ? 40 + random.nextInt(30) : 150 + random.nextInt(40));
      rgb[i + 2] = (byte) (nucleus ? 170 + random.nextInt(40) : 190 + random.nextInt(40));
    }
    return new RgbImage(80, 72, rgb);
  }
}
