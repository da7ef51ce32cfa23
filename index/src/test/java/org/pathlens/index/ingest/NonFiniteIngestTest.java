package org.pathlens.index.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.NonFiniteEmbeddingException;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;
import org.pathlens.testkit.NanBundleImages;
import org.pathlens.testkit.TestData;

/**
 * Ingest with the nan-on-red bundle (NaN for pure-red images, real TorchScript): such tiles are
 * named, skipped and counted, the rest are indexed, and the index itself refuses a non-finite
 * vector.
 */
class NonFiniteIngestTest {

  @TempDir static Path inputs;
  @TempDir Path indexDir;
  private static VisionLanguageModel model;

  @BeforeAll
  static void loadModel() {
    model =
        VisionLanguageModel.load(
            TestData.bundle(NanBundleImages.BUNDLE), EncoderOptions.defaults());
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }

  private TileIndex openIndex() throws IOException {
    return TileIndex.open(indexDir, IndexProvenance.of(model), IndexSettings.defaults());
  }

  @Test
  void aTileFolderIngestSkipsAndCountsTilesWithNonFiniteEmbeddings() throws IOException {
    Path tiles = inputs.resolve("tiles");
    Files.createDirectories(tiles);
    for (int i = 0; i < 5; i++) {
      ImageIO.write(
          i == 3 ? NanBundleImages.red(64, 64) : NanBundleImages.tissue(64, 64, i),
          "png",
          tiles.resolve("t" + i + ".png").toFile());
    }
    try (TileIndex index = openIndex()) {
      IngestSummary summary =
          new TileFolderIngest(
                  model.images(), new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), 2, 1)
              .ingest(tiles, null, index, IngestListener.NONE);
      assertEquals(4, summary.tiles());
      assertEquals(1, summary.nonFinite());
      SkippedInput skipped = summary.skipped().getFirst();
      assertEquals(tiles.resolve("t3.png").toString(), skipped.source());
      assertEquals(
          tiles.resolve("t3.png") + ": " + NonFiniteEmbeddingException.REASON, skipped.reason());
      assertEquals(4, index.size());
      assertFalse(index.get("t3.png").isPresent());
    }
  }

  @Test
  void aSlideIngestNamesTheTileByItsLevelZeroPosition() throws IOException {
    // A plain RGB TIFF "slide" 256 x 128: the left half pure red, the right half tissue-like.
    BufferedImage image = NanBundleImages.tissue(256, 128, 7);
    for (int y = 0; y < 128; y++) {
      for (int x = 0; x < 128; x++) {
        image.setRGB(x, y, 0xff0000);
      }
    }
    Path slide = inputs.resolve("half-red.tif");
    assertTrue(ImageIO.write(image, "tiff", slide.toFile()));
    TilingOptions tiling =
        TilingOptions.defaults().withTileSize(64).withMpp(0.5).withAssumedMpp(0.5).withMinTissue(0);
    try (TileIndex index = openIndex()) {
      IngestSummary summary =
          new SlideIngest(model.images(), tiling, TissueDetector.defaults(), 3, 1, 64)
              .ingest(List.of(slide), index, IngestListener.NONE);
      assertEquals(4, summary.nonFinite(), summary.skipped().toString());
      assertEquals(4, summary.tiles());
      assertEquals(4, index.size());
      SkippedInput first = summary.skipped().getFirst();
      assertEquals("half-red@0,0", first.source());
      assertTrue(
          first.reason().startsWith("slide half-red tile at level-0 (0, 0) of " + slide),
          first.reason());
      assertTrue(first.reason().endsWith(NonFiniteEmbeddingException.REASON), first.reason());
    }
  }

  @Test
  void theIndexRefusesANonFiniteVector() throws IOException {
    try (TileIndex index = openIndex()) {
      float[] nan = new float[16];
      nan[3] = Float.NaN;
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> index.add(List.of(TileRecord.of("x", "x.png")), List.of(nan)));
      assertEquals(
          "embedding of tile x is not finite (NaN or infinity): never indexed", e.getMessage());
      assertEquals(0, index.size());
    }
  }
}
