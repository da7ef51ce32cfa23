package org.pathlens.slides;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.TestData;

/**
 * OpenSlide through FFM on the shared real slides; skipped where {@code libopenslide.so.0} or
 * {@code ../shared} is missing (set PATHLENS_SHARED when running from a worktree).
 */
class OpenSlideReaderTest {
  private static Path slides;

  @BeforeAll
  static void requireOpenSlideAndSharedSlides() {
    assumeTrue(
        OpenSlideReader.isAvailable(),
        "libopenslide.so.0 is not installed (apt-get install libopenslide0)");
    Optional<Path> shared = Fixtures.shared();
    assumeTrue(
        shared.isPresent(), "../shared is absent (or set PATHLENS_SHARED): no real slides to read");
    slides = shared.get().resolve("data/slides");
  }

  @Test
  void aperioSvsReadsWithItsMetadata() throws IOException {
    try (SlideReader slide = SlideReaders.open(slides.resolve("CMU-1-Small-Region.svs"))) {
      assertInstanceOf(OpenSlideReader.class, slide);
      assertEquals("aperio", slide.vendor());
      assertEquals(List.of(new SlideLevel(2220, 2967, 1)), slide.levels());
      assertEquals(Optional.of(new Mpp(0.499, 0.499)), slide.mpp());
      assertEquals("openslide", slide.mppSource());
      assertEquals("20", slide.properties().get("aperio.AppMag"));
      assertEquals(Optional.of("aperio"), OpenSlideReader.detectVendor(slide.path()));
    }
  }

  /**
   * The reference is OpenSlide's own {@code openslide-write-png}, kept as a SHA-256 of the region's
   * RGB bytes (fixtures/scripts/make_slide_golden.sh), so equality is bit for bit and no slide
   * pixels live in the repository.
   */
  @Test
  void regionsEqualWhatOpenSlidesOwnToolWrites() throws IOException {
    try (SlideReader slide = SlideReaders.open(slides.resolve("CMU-1-Small-Region.svs"))) {
      assertEquals(
          goldenHash("cmu-1-small-region_1000_1500_96x96"),
          sha256(slide.readRegion(0, 1000, 1500, 96, 96)));
      // Crosses the right edge at x = 2220: transparent in OpenSlide's PNG, white here.
      RgbImage edge = slide.readRegion(0, 2180, 100, 96, 64);
      assertEquals(goldenHash("cmu-1-small-region_2180_100_96x64"), sha256(edge));
      assertEquals(255, edge.sample(60, 10, 0));
    }
  }

  @Test
  void aperioSvsTiles() throws IOException {
    try (SlideReader slide = SlideReaders.open(slides.resolve("CMU-1-Small-Region.svs"))) {
      SlideTiler tiler = SlideTiler.of(slide, TilingOptions.defaults(), TissueDetector.defaults());
      TilingPlan plan = tiler.plan();
      assertEquals(0, plan.level());
      assertEquals(224, plan.readWidth(), "224 x 0.5 / 0.499 = 224.4 level-0 pixels");
      assertEquals(9, plan.columns());
      assertEquals(13, plan.rows());
      double tissue = tiler.mask().tissueFraction();
      assertTrue(tissue > 0.25 && tissue < 0.55, "tissue fraction " + tissue);
      long start = System.nanoTime();
      List<SlideTile> tiles = tiler.tiles().toList();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "CMU-1-Small-Region.svs: %d of %d tiles kept, read and resampled at %.0f tiles/s%n",
          tiles.size(), plan.gridSize(), tiles.size() / seconds);
      assertTrue(tiles.size() >= 30 && tiles.size() < plan.gridSize(), tiles.size() + " tiles");
      // The left third of the slide is glass: no tile there.
      assertTrue(
          tiles.stream().noneMatch(t -> t.position().x() + t.position().width() < 600),
          "tile on glass");
    }
  }

  @Test
  void jpeg2000SvsWithoutMppReadsButNeedsAnAssumedResolutionToTile() throws IOException {
    Path file = slides.resolve("TCGA-CR-7395-01A-01-TS1.svs");
    try (SlideReader slide = SlideReaders.open(file)) {
      assertInstanceOf(OpenSlideReader.class, slide);
      assertEquals(2, slide.levelCount());
      assertEquals(new SlideLevel(2221, 1783, 2.0005055500659967), slide.level(1));
      assertEquals(Optional.empty(), slide.mpp());
      SlideException noMpp =
          assertThrows(
              SlideException.class,
              () -> SlideTiler.of(slide, TilingOptions.defaults(), TissueDetector.defaults()));
      assertTrue(
          noMpp.getMessage().startsWith(file + ": the slide records no microns per pixel"),
          noMpp.getMessage());
      SlideTiler tiler =
          SlideTiler.of(
              slide, TilingOptions.defaults().withAssumedMpp(0.25), TissueDetector.defaults());
      assertEquals(
          1,
          tiler.plan().level(),
          "0.25 µm/px asked for 0.5: level 1 (downsample 2.0005) is fine enough");
      SlideTile tile = tiler.tiles().findFirst().orElseThrow();
      assertTrue(
          mean(tile.image()) < 235,
          "a tissue tile decoded from JPEG 2000, mean " + mean(tile.image()));
    }
  }

  @Test
  void unreadableFilesAreNamedWithOpenSlidesReason() {
    Path broken = slides.resolve("broken.svs");
    SlideException e = assertThrows(SlideException.class, () -> SlideReaders.open(broken));
    assertEquals(broken + ": not a format OpenSlide 3.4.1 recognises", e.getMessage());
    Path dicom = slides.resolve("small_dicom.dcm");
    // SlideReaders reads it in Java (DicomSlideReaderTest); OpenSlide 3.4 says what it lacks.
    SlideException d = assertThrows(SlideException.class, () -> OpenSlideReader.open(dicom));
    assertTrue(d.getMessage().startsWith(dicom + ": not a format OpenSlide"), d.getMessage());
    assertTrue(
        d.getMessage().contains("DICOM whole-slide images need OpenSlide 4.0 or newer"),
        d.getMessage());
  }

  @Test
  void plainTiffIsRefusedByOpenSlideAndReadInJava() throws IOException {
    Path kidney = slides.resolve("kidney-48-5.tif");
    SlideException e = assertThrows(SlideException.class, () -> OpenSlideReader.open(kidney));
    assertTrue(e.getMessage().startsWith(kidney + ": not a format OpenSlide"), e.getMessage());
    try (SlideReader slide = SlideReaders.open(kidney)) {
      assertInstanceOf(TiffSlideReader.class, slide);
      assertEquals(List.of(new SlideLevel(1493, 901, 1)), slide.levels());
      assertEquals(Optional.empty(), slide.mpp(), "no resolution tags");
      TissueMask mask = TissueDetector.defaults().detect(slide);
      System.out.printf("kidney-48-5.tif: tissue fraction %.3f%n", mask.tissueFraction());
      assertTrue(mask.tissueFraction() < 0.5, "mostly background");
    }
  }

  @Test
  void theGeneratedTiffReadsTheSameThroughOpenSlide() throws IOException {
    Path file = GeneratedSlides.standard().slide();
    try (SlideReader java = TiffSlideReader.open(file);
        SlideReader native_ = OpenSlideReader.open(file)) {
      assertEquals("generic-tiff", native_.vendor());
      assertEquals(java.levels(), native_.levels());
      assertNull(
          native_.properties().get("openslide.mpp-x"), "OpenSlide 3.4.1 gives generic TIFF no MPP");
      for (int level = 0; level < 3; level++) {
        RgbImage a = java.readRegion(level, 300, 200, 300, 200),
            b = native_.readRegion(level, 300, 200, 300, 200);
        double difference = TiffSlideReaderTest.meanAbsoluteDifference(a, b);
        assertTrue(
            difference < 1.0,
            "level " + level + ": JDK and libjpeg decodings differ by " + difference);
      }
    }
  }

  @Test
  void aMissingLibraryIsNamedWithItsPackage() {
    OpenSlideLibrary.Loaded loaded = OpenSlideLibrary.load("libopenslide-missing.so.0");
    assertNull(loaded.library());
    assertEquals(
        "cannot load libopenslide-missing.so.0: OpenSlide is not installed (on Debian or Ubuntu:"
            + " apt-get install libopenslide0)",
        loaded.problem());
  }

  private static String goldenHash(String region) throws IOException {
    var root =
        new ObjectMapper()
            .readTree(TestData.golden("slides").resolve("cmu-1-small-region.json").toFile());
    return root.get("regions").get(region).get("sha256_rgb").asText();
  }

  private static String sha256(RgbImage image) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image.rgb()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double mean(RgbImage image) {
    long sum = 0;
    for (byte b : image.rgb()) {
      sum += b & 0xFF;
    }
    return (double) sum / image.rgb().length;
  }
}
