package org.pathlens.slides;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.DicomWsiFiles;
import org.pathlens.testkit.TestData;

/**
 * The DICOM reader on series pydicom wrote (fixtures/scripts/write_dicom_wsi.py), compared pixel
 * for pixel with what pydicom, Pillow and numpy make of the same files: uncompressed frames must be
 * equal, and JPEG frames too, since PathLens decodes JPEG as Pillow does (libjpeg-turbo, or the
 * JDK's libjpeg with the same IDCT and upsampling; the TIFF tests allow no difference either).
 */
class DicomSlideReaderTest {
  @TempDir static Path work;
  private static Path series;

  @BeforeAll
  static void writeSeries() throws IOException {
    Optional<String> python = TestData.pythonWithPydicom();
    assumeTrue(
        python.isPresent(),
        "needs a Python with pydicom, Pillow and numpy (apt-get install python3-pydicom)");
    series = DicomWsiFiles.series(python.get(), work.resolve("series"));
  }

  @Test
  void aFolderOfOneSeriesIsAPyramidWithItsLabelAsideAndPixelSpacingAsMpp() throws IOException {
    try (SlideReader slide = SlideReaders.open(series.resolve("pyramid"))) {
      DicomSlideReader dicom = assertInstanceOf(DicomSlideReader.class, slide);
      assertEquals(
          List.of(
              new SlideLevel(600, 450, 1),
              new SlideLevel(300, 225, 2),
              new SlideLevel(150, 113, (4 + 450.0 / 113) / 2)),
          slide.levels());
      assertEquals(Optional.of(new Mpp(0.25, 0.5)), slide.mpp(), "PixelSpacing 0.0005\\0.00025 mm");
      assertEquals("dicom", slide.mppSource());
      assertEquals("dicom", slide.vendor());
      assertEquals(1, dicom.associatedImages().size());
      assertEquals("100", slide.properties().get("openslide.associated.label.width"));
      assertEquals("128", slide.properties().get("openslide.level[1].tile-width"));
      assertEquals("0.25", slide.properties().get("openslide.mpp-x"));
      for (int level = 0; level < 3; level++) {
        RgbImage expected = png(series.resolve("expected-pyramid-" + level + ".png"));
        SlideLevel size = slide.level(level);
        RgbImage read = slide.readRegion(level, 0, 0, (int) size.width(), (int) size.height());
        assertEquals(0, maxDifference(expected, read), "level " + level);
      }
      // A region across tile borders, and one hanging over the right edge (white there).
      RgbImage expected = png(series.resolve("expected-pyramid-0.png"));
      assertEquals(
          0,
          maxDifference(
              crop(expected, 100, 120, 300, 200), slide.readRegion(0, 100, 120, 300, 200)));
      RgbImage edge = slide.readRegion(0, 550, 400, 100, 100);
      assertEquals(0, maxDifference(crop(expected, 550, 400, 50, 50), crop(edge, 0, 0, 50, 50)));
      assertEquals(255, edge.rgb()[(60 * 100 + 70) * 3] & 0xFF);
    }
  }

  @Test
  void oneInstanceOfTheSeriesIsASlideOfOneLevel() throws IOException {
    // Level 1's functional groups have undefined lengths (explicit VR), level 2's defined ones
    // without VRs (implicit VR): both give their PixelSpacing.
    try (SlideReader slide = SlideReaders.open(series.resolve("pyramid/level1.dcm"))) {
      assertEquals(List.of(new SlideLevel(300, 225, 1)), slide.levels());
      assertEquals(Optional.of(new Mpp(0.5, 1.0)), slide.mpp());
      assertEquals(
          0,
          maxDifference(
              png(series.resolve("expected-pyramid-1.png")), slide.readRegion(0, 0, 0, 300, 225)));
    }
    try (SlideReader slide = SlideReaders.open(series.resolve("pyramid/level2.dcm"))) {
      assertEquals(List.of(new SlideLevel(150, 113, 1)), slide.levels());
      assertEquals(Optional.of(new Mpp(1.0, 2.0)), slide.mpp());
      assertEquals(
          0,
          maxDifference(
              png(series.resolve("expected-pyramid-2.png")), slide.readRegion(0, 0, 0, 150, 113)));
    }
  }

  @Test
  void aSparseGridReadsItsFramesWhereTheySayAndWhiteInItsGaps() throws IOException {
    try (SlideReader slide = SlideReaders.open(series.resolve("sparse.dcm"))) {
      assertEquals(List.of(new SlideLevel(600, 450, 1)), slide.levels());
      assertEquals(Optional.empty(), slide.mpp(), "no PixelSpacing");
      assertEquals("5", slide.properties().get("dicom.level[0].missing-tiles"));
      assertEquals("TILED_SPARSE", slide.properties().get("dicom.DimensionOrganizationType"));
      RgbImage read = slide.readRegion(0, 0, 0, 600, 450);
      assertEquals(0, maxDifference(png(series.resolve("expected-sparse.png")), read));
      assertTrue(whiteTiles(read, 600, 450) >= 5, "the five missing tiles are background");
    }
  }

  @Test
  void framesSplitOverFragmentsAreFoundThroughEitherOffsetTableOrTheirStartMarkers()
      throws IOException {
    for (String name : List.of("extended", "unmarked")) {
      try (SlideReader slide = SlideReaders.open(series.resolve(name + ".dcm"))) {
        SlideLevel size = slide.level(0);
        RgbImage expected = png(series.resolve("expected-" + name + ".png"));
        assertEquals(
            0,
            maxDifference(
                expected, slide.readRegion(0, 0, 0, (int) size.width(), (int) size.height())),
            name);
      }
    }
  }

  @Test
  void jpeg2000FramesDecodeThroughOpenJpegAsPillowDecodesThem() throws IOException {
    for (String name : List.of("j2k-ict", "j2k-rgb")) {
      try (SlideReader slide = openJpeg2000(series.resolve(name + ".dcm"))) {
        assertEquals(List.of(new SlideLevel(300, 256, 1)), slide.levels());
        assertEquals(
            0,
            maxDifference(
                png(series.resolve("expected-" + name + ".png")),
                slide.readRegion(0, 0, 0, 300, 256)),
            name);
      }
    }
  }

  @Test
  void aJpeg2000FrameThatDoesNotDecodeCostsOnlyItsTileWithOpenJpegsReason() throws IOException {
    Path file = series.resolve("bad/j2k-bad-frame.dcm");
    try (SlideReader slide = openJpeg2000(file)) {
      slide.readRegion(0, 0, 0, 128, 256);
      SlideException e =
          assertThrows(SlideException.class, () -> slide.readRegion(0, 128, 0, 128, 128));
      assertTrue(
          e.getMessage().startsWith(file + ": cannot decode level 0 tile 1,0: frame 2: "),
          e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  /** Opens a JPEG 2000 slide; skips where OpenJPEG is not installed, which the refusal names. */
  private static SlideReader openJpeg2000(Path file) throws SlideException {
    try {
      return SlideReaders.open(file);
    } catch (SlideException e) {
      assumeFalse(
          e.getMessage().contains("frames need OpenJPEG"),
          "needs OpenJPEG (apt-get install libopenjp2-7)");
      throw e;
    }
  }

  @Test
  void theSharedDicomSlideEqualsPydicomAndPillowsAssemblyOfItsFrames() throws IOException {
    Optional<Path> shared = Fixtures.shared();
    assumeTrue(shared.isPresent(), "needs ../shared (the real slides)");
    Path file = shared.get().resolve("data/slides/small_dicom.dcm");
    assumeTrue(Files.isRegularFile(file), "needs ../shared/data/slides/small_dicom.dcm");
    Path png =
        DicomWsiFiles.assemble(
            TestData.pythonWithPydicom().orElseThrow(), file, work.resolve("small_dicom.png"));
    try (SlideReader slide = SlideReaders.open(file)) {
      assertInstanceOf(DicomSlideReader.class, slide);
      assertEquals(List.of(new SlideLevel(3236, 2638, 1)), slide.levels());
      assertEquals(Optional.empty(), slide.mpp(), "the file has no functional groups");
      assertEquals("500", slide.properties().get("openslide.level[0].tile-width"));
      assertEquals(
          "JPEG Baseline (1.2.840.10008.1.2.4.50)", slide.properties().get("dicom.TransferSyntax"));
      assertEquals(0, maxDifference(png(png), slide.readRegion(0, 0, 0, 3236, 2638)));
    }
  }

  @Test
  void truncatedFilesAreNamedInOneLine(@TempDir Path dir) throws IOException {
    Path nativeHalf = truncated(series.resolve("pyramid/level0.dcm"), dir, 0.5);
    assertOneLine(nativeHalf, "truncated: element (7FE0,0010) at offset");
    Path jpegPart = truncated(series.resolve("sparse.dcm"), dir, 0.6);
    assertOneLine(jpegPart, "truncated: fragment");
    Path header = truncated(series.resolve("sparse.dcm"), dir, 0.01);
    assertOneLine(header, "truncated:");
  }

  @Test
  void badOffsetsSizesSyntaxesAndSeriesAreNamedInOneLine() throws IOException {
    Path bad = series.resolve("bad");
    assertOneLine(
        bad.resolve("offset-past-end.dcm"),
        "frame 4's offset 100000000 in the offset table is not the start of a fragment (it lies"
            + " past the last fragment");
    assertOneLine(
        bad.resolve("short-native.dcm"),
        "the pixel data holds 195608 bytes, but 4 frames of 49152 bytes need 196608");
    assertOneLine(
        bad.resolve("jpeg-ls.dcm"),
        "JPEG-LS Lossless (1.2.840.10008.1.2.4.80) is not a transfer syntax PathLens reads");
    assertOneLine(
        bad.resolve("no-base"),
        "the series is missing its base level: its largest image, level1.dcm (128x128), is"
            + " RESAMPLED");
    assertOneLine(bad.resolve("two-series"), "the folder holds 2 series (");
    Path empty = Files.createDirectories(work.resolve("empty"));
    Files.writeString(empty.resolve("notes.txt"), "not a slide");
    SlideException e = assertThrows(SlideException.class, () -> SlideReaders.open(empty));
    assertEquals(
        empty + ": a folder without DICOM files (a folder is a slide only as one DICOM series)",
        e.getMessage());
  }

  @Test
  void aFrameThatDoesNotDecodeCostsOnlyItsTile() throws IOException {
    try (SlideReader slide = SlideReaders.open(series.resolve("bad/bad-frame.dcm"))) {
      RgbImage first = slide.readRegion(0, 0, 0, 128, 256); // tiles 1 and 3
      assertFalse(whiteTiles(first, 128, 256) == 2, "the good tiles read");
      SlideException e =
          assertThrows(SlideException.class, () -> slide.readRegion(0, 100, 0, 50, 50));
      assertTrue(
          e.getMessage()
              .startsWith(
                  series.resolve("bad/bad-frame.dcm")
                      + ": cannot decode level 0 tile 1,0: frame 2: "),
          e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
      slide.readRegion(0, 0, 128, 256, 128); // the row below still reads
    }
    try (SlideReader slide = SlideReaders.open(series.resolve("bad/wrong-size-frame.dcm"))) {
      SlideException e =
          assertThrows(SlideException.class, () -> slide.readRegion(0, 0, 128, 64, 64));
      assertTrue(
          e.getMessage()
              .endsWith(
                  "tile 0,1: frame 3 decodes to 64x64 pixels, but the instance's tiles are"
                      + " 128x128"),
          e.getMessage());
      slide.readRegion(0, 0, 0, 256, 128);
    }
  }

  private static void assertOneLine(Path slide, String problem) {
    SlideException e = assertThrows(SlideException.class, () -> SlideReaders.open(slide));
    assertEquals(slide, e.slide());
    assertTrue(e.getMessage().startsWith(slide + ": DICOM: "), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  private static Path truncated(Path file, Path dir, double fraction) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Path out = dir.resolve(file.getFileName() + "-" + fraction + ".dcm");
    Files.write(out, Arrays.copyOf(bytes, Math.max(200, (int) (bytes.length * fraction))));
    return out;
  }

  private static RgbImage png(Path file) throws IOException {
    var image = ImageIO.read(file.toFile());
    return new RgbImage(image.getWidth(), image.getHeight(), RasterRgb.of(image));
  }

  private static RgbImage crop(RgbImage image, int x, int y, int width, int height) {
    byte[] out = new byte[width * height * 3];
    for (int row = 0; row < height; row++) {
      System.arraycopy(
          image.rgb(), ((y + row) * image.width() + x) * 3, out, row * width * 3, width * 3);
    }
    return new RgbImage(width, height, out);
  }

  private static int maxDifference(RgbImage expected, RgbImage actual) {
    assertEquals(expected.width(), actual.width());
    assertEquals(expected.height(), actual.height());
    int max = 0;
    for (int i = 0; i < expected.rgb().length; i++) {
      max = Math.max(max, Math.abs((expected.rgb()[i] & 0xFF) - (actual.rgb()[i] & 0xFF)));
    }
    return max;
  }

  /** The 128 px tiles of the image that are entirely white. */
  private static int whiteTiles(RgbImage image, int width, int height) {
    int white = 0;
    for (int ty = 0; ty < height; ty += 128) {
      for (int tx = 0; tx < width; tx += 128) {
        boolean all = true;
        for (int y = ty; y < Math.min(height, ty + 128) && all; y++) {
          for (int x = tx; x < Math.min(width, tx + 128) && all; x++) {
            for (int c = 0; c < 3; c++) {
              all &= (image.rgb()[(y * width + x) * 3 + c] & 0xFF) == 255;
            }
          }
        }
        white += all ? 1 : 0;
      }
    }
    return white;
  }
}
