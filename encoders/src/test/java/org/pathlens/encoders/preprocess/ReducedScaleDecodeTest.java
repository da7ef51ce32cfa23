package org.pathlens.encoders.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images over the exact-decode threshold are decoded at reduced scale: the pixels kept are exactly
 * the full decode's at every s-th column and row; images under it decode bit for bit as without the
 * threshold.
 */
class ReducedScaleDecodeTest {

  private static final ImageDecoder EXACT = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

  /** Over 100,000 pixels, short side kept at 224 or more. */
  private static final ImageDecoder REDUCED = EXACT.reducedAbove(100_000, 224);

  @TempDir Path tmp;

  @Test
  void aPngOverTheThresholdKeepsEveryFourthPixelOfTheFullDecode() throws Exception {
    byte[] png = encode(noise(1200, 1000, 1), "png");
    assertPointSampled(png, 4, 300, 250);
  }

  @Test
  void a16BitRgbaPngOverTheThresholdKeepsEveryFourthPixel() throws Exception {
    // 16-bit RGBA, as the upload: PIL keeps the high byte of each sample.
    int width = 1000;
    int height = 950;
    Random random = new Random(7);
    ByteBuffer rows = ByteBuffer.allocate(height * (1 + width * 8));
    for (int y = 0; y < height; y++) {
      rows.put((byte) 0); // filter: none
      for (int x = 0; x < width * 4; x++) {
        // Random high bytes, zero low bytes: it compresses (the helper's deflate buffer is tight).
        rows.putShort((short) (random.nextInt(256) << 8));
      }
    }
    byte[] png = ImageDecoderTest.png(width, height, 16, 6, rows.array());
    assertPointSampled(png, 4, 250, 238);
  }

  @Test
  void aJpegOverTheThresholdKeepsEveryFourthPixelOfTheFullDecode() throws Exception {
    byte[] jpeg = encode(noise(1200, 1000, 2), "jpeg");
    assertPointSampled(jpeg, 4, 300, 250);
    // From a file too (the file path tries libjpeg-turbo first, for exact decodes only).
    Path file = Files.write(tmp.resolve("big.jpg"), jpeg);
    assertEquals(300, REDUCED.decode(file).width());
  }

  @Test
  void imagesUpToTheThresholdDecodeExactly() throws Exception {
    ImageDecoder high = EXACT.reducedAbove(1_200_000, 224);
    for (String format : new String[] {"png", "jpeg", "bmp"}) {
      byte[] image = encode(noise(1200, 1000, 3), format);
      assertEquals(1, high.subsampling(high.header(image, format)));
      assertArrayEquals(
          EXACT.decode(image, format).rgb(), high.decode(image, format).rgb(), format);
    }
    Path golden = GoldenFiles.dir().resolve("images/rgb_1000x700.png");
    assertArrayEquals(EXACT.decode(golden).rgb(), high.decode(golden).rgb());
  }

  @Test
  void theDecodeCostIsTheReducedSizes() throws Exception {
    ImageDecoder server = EXACT.reducedAbove(4096L * 4096, 4 * 224);
    ImageHeader big = new ImageHeader("PNG", 9400, 9400, 64);
    assertEquals(10, server.subsampling(big)); // 940 px kept of 9,400: 4 x 224 = 896 or more
    // 940 x 940 x (8 + 3) bytes, and two 9,400 px rows of 8 bytes for the codec.
    assertEquals(940L * 940 * 11 + 2 * 9400 * 8, server.decodeCost(big));
    // Exact up to the threshold; other formats are counted at full size.
    ImageHeader region = new ImageHeader("PNG", 4096, 4096, 24);
    assertEquals(region.decodedBytes(), server.decodeCost(region));
    ImageHeader tiff = new ImageHeader("TIFF", 9400, 9400, 24);
    assertEquals(tiff.decodedBytes(), server.decodeCost(tiff));
  }

  private static void assertPointSampled(byte[] image, int step, int width, int height)
      throws Exception {
    RgbImage full = EXACT.decode(image, "full");
    assertEquals(step, REDUCED.subsampling(REDUCED.header(image, "reduced")));
    RgbImage reduced = REDUCED.decode(image, "reduced");
    assertEquals(width, reduced.width());
    assertEquals(height, reduced.height());
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < 3; c++) {
          if (reduced.sample(x, y, c) != full.sample(x * step, y * step, c)) {
            throw new AssertionError("pixel " + x + "," + y + " channel " + c + " differs");
          }
        }
      }
    }
  }

  /** Smooth colour with noise, so that neither PNG nor JPEG makes it trivial. */
  private static BufferedImage noise(int width, int height, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (x * 255 / width + random.nextInt(40)) & 0xFF;
        int g = (y * 255 / height + random.nextInt(40)) & 0xFF;
        int b = ((x + y) % 256 + random.nextInt(40)) & 0xFF;
        image.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    return image;
  }

  private static byte[] encode(BufferedImage image, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }
}
