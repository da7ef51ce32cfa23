package org.pathlens.slides;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;

/**
 * Files that are no slide, or no longer a whole one, are refused saying what they are, by the
 * pure-Java checks and not by OpenSlide's "not a format it recognises" (which would not say what is
 * wrong, and would let libtiff print to stderr).
 */
class SlideFileRefusalTest {
  @TempDir Path dir;

  private SlideException refused(Path file) {
    SlideException e = assertThrows(SlideException.class, () -> SlideReaders.open(file));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("OpenSlide"), e.getMessage());
    return e;
  }

  @Test
  void anEmptyFileIsCalledEmpty() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.svs"));
    assertEquals(
        empty + ": an empty file (0 bytes): not a slide; copy it again",
        refused(empty).getMessage());
  }

  @Test
  void plainImagesPointToTileIngest() throws IOException {
    BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
    for (String format : new String[] {"jpeg", "png"}) {
      Path file = dir.resolve("tile." + format + ".svs"); // the name does not decide
      assertTrue(ImageIO.write(image, format, file.toFile()));
      String message = refused(file).reason();
      assertTrue(
          message.startsWith(
              "a plain image (" + format.toUpperCase().replace("JPEG", "JPEG") + ")"),
          message);
      assertTrue(message.contains("use `ingest --tiles DIR`"), message);
    }
  }

  @Test
  void anHdf5FeatureFilePointsToFeatureIngest() throws IOException {
    byte[] bytes = new byte[512];
    byte[] signature = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1A, '\n'};
    System.arraycopy(signature, 0, bytes, 0, signature.length);
    Path file = Files.write(dir.resolve("slide-1.h5"), bytes);
    String message = refused(file).reason();
    assertTrue(message.startsWith("an HDF5 file (a feature file?)"), message);
    assertTrue(message.contains("use `ingest --features`"), message);
  }

  @Test
  void aTruncatedTiffSaysItIsTruncated() throws IOException {
    Path whole = GeneratedSlides.standard().slide();
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(dir.resolve("cut.tiff"), Arrays.copyOf(bytes, bytes.length * 2 / 3));
    String message = refused(cut).reason();
    assertTrue(
        message.startsWith("truncated: the file ends at byte " + bytes.length * 2 / 3 + " but "),
        message);
  }

  @Test
  void aTruncatedSvsSaysItIsTruncated() throws IOException {
    Optional<Path> shared = Fixtures.shared();
    assumeTrue(shared.isPresent(), "../shared is absent (or set PATHLENS_SHARED): no real SVS");
    byte[] bytes = Files.readAllBytes(shared.get().resolve("data/slides/CMU-1-Small-Region.svs"));
    Path cut = Files.write(dir.resolve("CMU-1-cut.svs"), Arrays.copyOf(bytes, bytes.length / 2));
    String message = refused(cut).reason();
    assertTrue(message.startsWith("truncated: the file ends at byte "), message);
  }

  @Test
  void aTiledTiffBothReadersRefuseGivesThePureJavaReasonFirst() throws IOException {
    assumeTrue(
        OpenSlideReader.isAvailable(),
        "libopenslide.so.0 is not installed (apt-get install libopenslide0)");
    // The generated pyramid with page 0's Compression tag set to a scheme nobody implements.
    byte[] bytes = Files.readAllBytes(GeneratedSlides.standard().slide());
    ByteBuffer tiff =
        ByteBuffer.wrap(bytes)
            .order(bytes[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    int ifd = tiff.getInt(4), tags = tiff.getShort(ifd);
    boolean patched = false;
    for (int k = 0; k < tags; k++) {
      int entry = ifd + 2 + 12 * k;
      if (tiff.getShort(entry) == 259) {
        tiff.putShort(entry + 8, (short) 60000);
        patched = true;
      }
    }
    assertTrue(patched, "page 0 has a Compression tag");
    Path file = Files.write(dir.resolve("unknown-compression.tiff"), bytes);
    SlideException e = assertThrows(SlideException.class, () -> SlideReaders.open(file));
    assertTrue(
        e.getMessage()
            .startsWith(
                file
                    + ": page 0 uses TIFF compression 60000, which the JDK cannot decode; OpenSlide"
                    + " cannot read it either: "),
        e.getMessage());
    System.out.println(e.getMessage());
  }

  @Test
  void aStrippedTiffNeitherReaderTakesGivesThePureJavaReason() throws IOException {
    BufferedImage grey = new BufferedImage(300, 200, BufferedImage.TYPE_BYTE_GRAY);
    Path file = dir.resolve("grey.tif");
    assertTrue(ImageIO.write(grey, "tif", file.toFile()));
    assertEquals(file + ": page 0 is not RGB (1 sample per pixel)", refused(file).getMessage());
  }
}
