package org.pathlens.slides;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.preprocess.RgbImage;

/** The pure-Java reader on the generated pyramid: no native library involved. */
class TiffSlideReaderTest {
  private static final Path SLIDE = GeneratedSlides.standard().slide();

  @Test
  void levelsResolutionVendorAndProperties() throws IOException {
    try (SlideReader slide = SlideReaders.open(SLIDE)) {
      assertInstanceOf(TiffSlideReader.class, slide);
      assertEquals(
          List.of(
              new SlideLevel(2048, 1536, 1),
              new SlideLevel(1024, 768, 2),
              new SlideLevel(512, 384, 4)),
          slide.levels());
      assertEquals(Optional.of(new Mpp(0.5, 0.5)), slide.mpp());
      assertEquals("generic-tiff", slide.vendor());
      assertEquals("centimeter", slide.properties().get("tiff.ResolutionUnit"));
      assertEquals("256", slide.properties().get("openslide.level[2].tile-width"));
      assertTrue(
          slide
              .properties()
              .get("tiff.ImageDescription")
              .startsWith("PathLens synthetic slide, center-a"));
      assertEquals(1, slide.bestLevelForDownsample(3.9));
      assertEquals(2, slide.bestLevelForDownsample(4));
      assertEquals(1, slide.bestLevelForDownsample(2));
      assertEquals(0, slide.bestLevelForDownsample(0.5));
    }
  }

  @Test
  void regionsAcrossTileBordersEqualTheJdkDecodingOfTheSameRectangle() throws IOException {
    try (SlideReader slide = SlideReaders.open(SLIDE)) {
      // Crosses two tile columns and two tile rows at level 0, and the ragged last tiles at level
      // 1.
      assertArrayEquals(
          direct(0, new Rectangle(200, 230, 300, 77)),
          slide.readRegion(0, 200, 230, 300, 77).rgb());
      assertArrayEquals(
          direct(1, new Rectangle(900, 700, 124, 68)),
          slide.readRegion(1, 1800, 1400, 124, 68).rgb());
      assertArrayEquals(
          direct(2, new Rectangle(0, 0, 512, 384)), slide.readRegion(2, 0, 0, 512, 384).rgb());
    }
  }

  @Test
  void aReaderWithoutTileCacheReadsTheSamePixels() throws IOException {
    try (SlideReader cached = TiffSlideReader.open(SLIDE);
        SlideReader uncached = TiffSlideReader.open(SLIDE, 0)) {
      for (int k = 0; k < 3; k++) {
        RgbImage first = cached.readRegion(0, 100 + 150 * k, 300, 224, 224);
        assertArrayEquals(first.rgb(), cached.readRegion(0, 100 + 150 * k, 300, 224, 224).rgb());
        assertArrayEquals(first.rgb(), uncached.readRegion(0, 100 + 150 * k, 300, 224, 224).rgb());
      }
    }
  }

  @Test
  void coarserLevelsShowTheSamePixelsWithinJpegTolerance() throws IOException {
    try (SlideReader slide = SlideReaders.open(SLIDE)) {
      RgbImage fine = slide.readRegion(0, 512, 384, 512, 512);
      for (int level = 1; level <= 2; level++) {
        int factor = 1 << level, size = 512 / factor;
        RgbImage coarse = slide.readRegion(level, 512, 384, size, size);
        // Compared as 8 x 8 block means of the coarse level: JPEG noise averages out, content does
        // not.
        double meanError =
            meanAbsoluteDifference(boxDownsample(fine, factor * 8), boxDownsample(coarse, 8));
        System.out.printf(
            "level %d against level 0 averaged: mean |difference| %.2f of 255%n", level, meanError);
        assertTrue(
            meanError < 1.5, "level " + level + " differs from level 0 averaged by " + meanError);
      }
      // A region 32 level-1 pixels off is far from it: the comparison can fail.
      RgbImage shifted = slide.readRegion(1, 512 + 64, 384, 256, 256);
      double shiftedError =
          meanAbsoluteDifference(boxDownsample(fine, 16), boxDownsample(shifted, 8));
      assertTrue(shiftedError > 4, "shifted region differs by only " + shiftedError);
    }
  }

  @Test
  void pixelsOutsideTheSlideAreWhite() throws IOException {
    try (SlideReader slide = SlideReaders.open(SLIDE)) {
      RgbImage corner = slide.readRegion(0, -10, -20, 40, 40);
      RgbImage inside = slide.readRegion(0, 0, 0, 30, 20);
      for (int y = 0; y < 40; y++) {
        for (int x = 0; x < 40; x++) {
          for (int c = 0; c < 3; c++) {
            int expected = x >= 10 && y >= 20 ? inside.sample(x - 10, y - 20, c) : 255;
            assertEquals(expected, corner.sample(x, y, c), "pixel " + x + "," + y);
          }
        }
      }
      RgbImage beyond = slide.readRegion(1, 5000, 5000, 8, 8);
      for (byte b : beyond.rgb()) {
        assertEquals((byte) 255, b);
      }
    }
  }

  @Test
  void thumbnailKeepsTheAspectRatioAndTheColours() throws IOException {
    try (SlideReader slide = SlideReaders.open(SLIDE)) {
      RgbImage thumbnail = slide.thumbnail(256);
      assertEquals(256, thumbnail.width());
      assertEquals(192, thumbnail.height());
      RgbImage level2 = slide.readRegion(2, 0, 0, 512, 384);
      assertTrue(meanAbsoluteDifference(boxDownsample(level2, 2), thumbnail) < 4);
      assertEquals(2048, slide.thumbnail(4096).width(), "never enlarged");
    }
  }

  @Test
  void aPlainStrippedTiffIsOneLevelWithoutResolution(@TempDir Path dir) throws IOException {
    BufferedImage image = new BufferedImage(300, 200, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 200; y++) {
      for (int x = 0; x < 300; x++) {
        image.setRGB(x, y, (x << 16) | (y << 8) | ((x + y) & 0xFF));
      }
    }
    Path file = dir.resolve("plain.tif");
    assertTrue(ImageIO.write(image, "tif", file.toFile()));
    try (SlideReader slide = SlideReaders.open(file)) {
      assertInstanceOf(TiffSlideReader.class, slide);
      assertEquals(List.of(new SlideLevel(300, 200, 1)), slide.levels());
      assertEquals(Optional.empty(), slide.mpp());
      RgbImage region = slide.readRegion(0, 290, 190, 20, 20);
      assertEquals(new Color(image.getRGB(295, 195)).getGreen(), region.sample(5, 5, 1));
      assertEquals(255, region.sample(15, 15, 0));
    }
  }

  @Test
  void otherFilesAreRefusedWithTheirName(@TempDir Path dir) throws IOException {
    Path text = Files.writeString(dir.resolve("notes.tiff"), "not an image");
    SlideException refused = assertThrows(SlideException.class, () -> TiffSlideReader.open(text));
    assertTrue(refused.getMessage().startsWith(text + ": not a TIFF"), refused.getMessage());
    assertEquals(text, refused.slide());
    SlideException missing =
        assertThrows(SlideException.class, () -> SlideReaders.open(dir.resolve("gone.svs")));
    assertEquals(dir.resolve("gone.svs") + ": no such file", missing.getMessage());
  }

  private static byte[] direct(int page, Rectangle rect) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(SLIDE.toFile())) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("tif").next();
      reader.setInput(in);
      ImageReadParam param = reader.getDefaultReadParam();
      param.setSourceRegion(rect);
      BufferedImage image = reader.read(page, param);
      byte[] rgb = new byte[rect.width * rect.height * 3];
      for (int y = 0, o = 0; y < rect.height; y++) {
        for (int x = 0; x < rect.width; x++, o += 3) {
          int p = image.getRGB(x, y);
          rgb[o] = (byte) (p >> 16);
          rgb[o + 1] = (byte) (p >> 8);
          rgb[o + 2] = (byte) p;
        }
      }
      reader.dispose();
      return rgb;
    }
  }

  static RgbImage boxDownsample(RgbImage image, int factor) {
    int w = image.width() / factor, h = image.height() / factor;
    byte[] out = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int sum = 0;
          for (int dy = 0; dy < factor; dy++) {
            for (int dx = 0; dx < factor; dx++) {
              sum += image.sample(x * factor + dx, y * factor + dy, c);
            }
          }
          out[(y * w + x) * 3 + c] = (byte) Math.round((double) sum / (factor * factor));
        }
      }
    }
    return new RgbImage(w, h, out);
  }

  static double meanAbsoluteDifference(RgbImage a, RgbImage b) {
    assertEquals(a.width(), b.width());
    assertEquals(a.height(), b.height());
    long sum = 0;
    for (int i = 0; i < a.rgb().length; i++) {
      sum += Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF));
    }
    return (double) sum / a.rgb().length;
  }
}
