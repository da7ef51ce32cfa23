package org.pathlens.slides;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.testkit.PyramidTiffFiles;
import org.pathlens.testkit.TestData;

/**
 * Pyramids whose coarser levels are SubIFDs of page 0 (TIFF tag 330), as libvips {@code tiffsave
 * --subifd} and tifffile's OME-TIFF write them, at 20480 x 15360 px: every level is found and reads
 * the pixels tifffile decodes, and a thumbnail or tissue mask decodes the coarse level alone.
 */
class SubIfdPyramidTest {
  private static final int ZOOM = 16; // 1280 x 960 enlarged to 20480 x 15360
  @TempDir static Path work;
  private static String python;

  @BeforeAll
  static void python() {
    Optional<String> found = TestData.pythonWithTifffile();
    assumeTrue(
        found.isPresent(),
        "needs a Python with tifffile and numpy (apt-get install python3-tifffile python3-numpy)");
    python = found.get();
  }

  private static synchronized Path vips() throws IOException {
    assumeTrue(
        PyramidTiffFiles.hasVips(), "needs libvips' vips command (apt-get install libvips-tools)");
    Path file = work.resolve("vips-subifd.tif");
    return Files.exists(file) ? file : PyramidTiffFiles.vipsSubIfd(python, file, ZOOM);
  }

  private static synchronized Path ome() throws IOException {
    Path file = work.resolve("pyramid.ome.tif");
    return Files.exists(file) ? file : PyramidTiffFiles.ome(python, file, ZOOM, "µm");
  }

  @Test
  void aVipsSubIfdPyramidReadsEveryLevelAsTifffileDecodesIt() throws IOException {
    Path file = vips();
    assertLevelsEqualTifffile(file, 8);
    try (SlideReader slide = SlideReaders.open(file)) {
      assertEquals("SubIFD 3 of page 0", slide.properties().get("tiff.level[3].stored-in"));
      // libvips writes 10 px/cm when it knows no resolution: 1000 µm/px is no scan's.
      assertEquals(Optional.empty(), slide.mpp());
      assertEquals("none", slide.mppSource());
      assertTrue(
          slide
              .mppRejection()
              .orElseThrow()
              .startsWith(
                  "tiff-resolution gives 1000.00 x 1000.00 µm/px, outside the 0.05..20 µm/px"),
          slide.mppRejection().toString());
    }
  }

  @Test
  void anOmeTiffPyramidReadsEveryLevelAndItsPhysicalSize() throws IOException {
    Path file = ome();
    assertLevelsEqualTifffile(file, 6);
    try (SlideReader slide = SlideReaders.open(file)) {
      assertEquals(Optional.of(new Mpp(0.25, 0.25)), slide.mpp());
      assertEquals("ome-xml", slide.mppSource());
    }
  }

  @Test
  void thumbnailsAndTissueMasksDecodeOnlyTheCoarseLevel() throws IOException {
    for (Path file : new Path[] {ome(), vipsIfPresent()}) {
      if (file == null) {
        continue;
      }
      try (TiffSlideReader slide = TiffSlideReader.open(file)) {
        RgbImage thumbnail = slide.thumbnail(1024);
        assertEquals(1024, thumbnail.width());
        assertEquals(768, thumbnail.height());
        // Level 4 (1280 x 960) is the coarsest at least 1024 px wide: all of its 20 tiles, nothing
        // of any other level.
        for (int level = 0; level < slide.levelCount(); level++) {
          assertEquals(level == 4 ? 20 : 0, slide.decodedTiles(level), file + " level " + level);
        }
      }
      try (TiffSlideReader slide = TiffSlideReader.open(file)) {
        // No µm/px from the vips file: the detector's 2048 px view reads level 3 (2560 x 1920);
        // the OME file's 0.25 µm/px gives an 8 µm/px view of 640 px, from level 5.
        TissueMask mask = TissueDetector.defaults().detect(slide);
        assertTrue(mask.tissueFraction() > 0.05 && mask.tissueFraction() < 0.95, "" + mask);
        assertEquals(0, slide.decodedTiles(0), file + ": level 0 decoded for the tissue mask");
        assertEquals(0, slide.decodedTiles(1), file + ": level 1 decoded for the tissue mask");
      }
    }
  }

  @Test
  void jpegSubIfdLevelsReadAsTheSameLevelsStoredAsPages() throws Exception {
    assumeTrue(
        PyramidTiffFiles.hasVips(), "needs libvips' vips command (apt-get install libvips-tools)");
    // libvips encodes each level alike whether it goes to a SubIFD or a page: the JPEG tiles (and
    // their JPEGTables) are the same bytes, so the two files must read the same pixels.
    Path source = GeneratedSlides.standard().slide();
    Path subIfd = work.resolve("jpeg-subifd.tif"), pages = work.resolve("jpeg-pages.tif");
    for (Path out : new Path[] {subIfd, pages}) {
      String options = "tile,pyramid,compression=jpeg,Q=85" + (out == subIfd ? ",subifd" : "");
      Process p =
          new ProcessBuilder("vips", "copy", source.toString(), out + "[" + options + "]")
              .redirectErrorStream(true)
              .start();
      String output = new String(p.getInputStream().readAllBytes());
      assertTrue(
          p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, output);
    }
    try (SlideReader sub = SlideReaders.open(subIfd);
        SlideReader paged = SlideReaders.open(pages)) {
      assertEquals(5, sub.levelCount(), "2048, 1024, 512, 256 and 128 px wide");
      assertEquals(paged.levels(), sub.levels());
      assertEquals("SubIFD 1 of page 0", sub.properties().get("tiff.level[1].stored-in"));
      assertEquals("page 1", paged.properties().get("tiff.level[1].stored-in"));
      for (int k = 0; k < sub.levelCount(); k++) {
        SlideLevel level = sub.level(k);
        int w = (int) Math.min(level.width(), 700), h = (int) Math.min(level.height(), 600);
        long x0 = Math.round((level.width() - w) * level.downsample());
        assertArrayEquals(
            paged.readRegion(k, x0, 0, w, h).rgb(),
            sub.readRegion(k, x0, 0, w, h).rgb(),
            "level " + k);
      }
    }
  }

  @Test
  void omePhysicalSizeUnitsAreConvertedToMicrons() throws IOException {
    for (String unit : new String[] {"nm", "mm", "cm"}) {
      Path file = PyramidTiffFiles.ome(python, work.resolve("unit-" + unit + ".ome.tif"), 2, unit);
      try (SlideReader slide = SlideReaders.open(file)) {
        Mpp mpp = slide.mpp().orElseThrow(() -> new AssertionError(unit + ": no mpp"));
        assertEquals(0.25, mpp.x(), 1e-9, unit);
        assertEquals(0.25, mpp.y(), 1e-9, unit);
        assertEquals("ome-xml", slide.mppSource());
        assertEquals(3, slide.levelCount(), unit + ": 2560, 1280 and 640 px wide");
      }
    }
  }

  @Test
  void anOmeBigTiffThroughOpenSlideTakesItsPhysicalSize() throws IOException {
    assumeTrue(
        OpenSlideReader.isAvailable(),
        "libopenslide.so.0 is not installed (apt-get install libopenslide0)");
    Path file = PyramidTiffFiles.omeBigTiff(python, work.resolve("big.ome.tif"), 2, "nm");
    try (SlideReader slide = SlideReaders.open(file)) {
      assertInstanceOf(OpenSlideReader.class, slide, "the JDK reads no BigTIFF");
      Mpp mpp = slide.mpp().orElseThrow();
      assertEquals(0.25, mpp.x(), 1e-9);
      assertEquals(0.25, mpp.y(), 1e-9);
      assertEquals("ome-xml", slide.mppSource());
    }
  }

  private static Path vipsIfPresent() throws IOException {
    return PyramidTiffFiles.hasVips() ? vips() : null;
  }

  /** Each level's size, and its compared region byte for byte, against tifffile's decoding. */
  private static void assertLevelsEqualTifffile(Path file, int levels) throws IOException {
    Path reference =
        PyramidTiffFiles.reference(python, file, work.resolve(file.getFileName() + "-reference"));
    JsonNode expected = new ObjectMapper().readTree(reference.resolve("levels.json").toFile());
    try (SlideReader slide = SlideReaders.open(file)) {
      assertInstanceOf(TiffSlideReader.class, slide);
      assertEquals(levels, expected.get("levels").size(), "levels tifffile sees");
      assertEquals(levels, slide.levelCount(), "levels PathLens sees: " + slide.levels());
      for (int k = 0; k < levels; k++) {
        JsonNode level = expected.get("levels").get(k);
        assertEquals(level.get("width").asLong(), slide.level(k).width(), "level " + k);
        assertEquals(level.get("height").asLong(), slide.level(k).height(), "level " + k);
        JsonNode box = level.get("region");
        int x = box.get(0).asInt(), y = box.get(1).asInt();
        int w = box.get(2).asInt(), h = box.get(3).asInt();
        double down = slide.level(k).downsample();
        assertEquals(Math.round(down), down, 1e-9, "whole downsamples: level pixels map exactly");
        RgbImage read = slide.readRegion(k, Math.round(x * down), Math.round(y * down), w, h);
        assertArrayEquals(
            Files.readAllBytes(reference.resolve("level-" + k + ".rgb")),
            read.rgb(),
            file.getFileName() + " level " + k + " region " + box);
      }
    }
  }
}
