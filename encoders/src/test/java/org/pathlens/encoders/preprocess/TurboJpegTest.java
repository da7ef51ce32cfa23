package org.pathlens.encoders.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;

/**
 * libjpeg-turbo through TurboJPEG gives the very pixels the JDK's decoder gives (and Pillow's, by
 * {@link PreprocessGoldenTest}, which runs on this path): the golden JPEGs, real slide JPEGs from
 * ../shared, and generated variants of quality, progressive mode and gray.
 */
class TurboJpegTest {

  private static TurboJpeg turbo;
  private static final ImageDecoder JDK = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, null);

  @BeforeAll
  static void requireTheLibrary() {
    turbo = TurboJpeg.instance();
    assumeTrue(turbo != null, "libturbojpeg.so.0 is not installed (apt-get install libturbojpeg0)");
  }

  private static List<Path> jpegsUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().toLowerCase().matches(".*\\.jpe?g$")).sorted().toList();
    }
  }

  private static void assertSamePixels(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    RgbImage fast = turbo.decode(bytes, ImageDecoder.DEFAULT_MAX_PIXELS);
    if (file.getFileName().toString().contains("cmyk")) {
      assertNull(fast, file + ": CMYK is left to the JDK path");
      return;
    }
    assertNotNull(fast, file + ": not taken by TurboJPEG");
    RgbImage jdk = JDK.decode(file);
    assertEquals(jdk.width(), fast.width(), file.toString());
    assertEquals(jdk.height(), fast.height(), file.toString());
    assertArrayEquals(jdk.rgb(), fast.rgb(), file + ": pixels differ");
  }

  @Test
  void goldenAndRealJpegsDecodeToTheSamePixels() throws IOException {
    List<Path> files = new ArrayList<>(jpegsUnder(Fixtures.dir().resolve("golden")));
    Fixtures.shared()
        .ifPresent(
            shared -> {
              try {
                files.addAll(jpegsUnder(shared.resolve("data")));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertTrue(files.size() >= 7, files.toString());
    for (Path file : files) {
      assertSamePixels(file);
    }
  }

  @Test
  void generatedVariantsDecodeToTheSamePixels(@TempDir Path tmp) throws IOException {
    Random random = new Random(11);
    int written = 0;
    for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY}) {
      for (float quality : new float[] {0.5f, 0.75f, 0.92f, 1f}) {
        for (boolean progressive : new boolean[] {false, true}) {
          BufferedImage image = new BufferedImage(97, 61, type); // odd sizes: partial MCUs
          for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
              image.setRGB(x, y, (x * 5 + y * 3 + random.nextInt(40)) * 0x010203 & 0xFFFFFF);
            }
          }
          Path file = tmp.resolve("v" + written++ + ".jpg");
          write(image, quality, progressive, file);
          assertSamePixels(file);
        }
      }
    }
  }

  private static void write(BufferedImage image, float quality, boolean progressive, Path file)
      throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality);
    if (progressive) {
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    }
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }

  @Test
  void whatItDoesNotTakeIsLeftToTheJdk() {
    assertNull(turbo.decode(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3}, 1000), "garbage");
    assertNull(turbo.decode(new byte[0], 1000), "empty");
  }
}
