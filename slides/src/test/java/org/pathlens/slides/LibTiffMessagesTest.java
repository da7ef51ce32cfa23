package org.pathlens.slides;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.testkit.PyramidTiffFiles;

/**
 * A damaged tile read through OpenSlide: libtiff's complaint, which it would print to stderr, is
 * kept and named in the exception instead.
 */
class LibTiffMessagesTest {
  @TempDir Path dir;

  @Test
  void libtiffsErrorReachesTheExceptionNotStderr() throws Exception {
    assumeTrue(
        OpenSlideReader.isAvailable(),
        "libopenslide.so.0 is not installed (apt-get install libopenslide0)");
    assumeTrue(
        PyramidTiffFiles.hasVips(), "needs libvips' vips command (apt-get install libvips-tools)");
    Path file = dir.resolve("deflate.tif");
    Process p =
        new ProcessBuilder(
                "vips",
                "copy",
                GeneratedSlides.standard().slide().toString(),
                file + "[tile,compression=deflate,tile-width=256,tile-height=256]")
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, output);
    long offset = firstTileOffset(file);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset); // the zlib header of tile 0
      raf.write(new byte[] {0x12, 0x34, 0x56, 0x78});
    }
    try (SlideReader slide = OpenSlideReader.open(file)) {
      assertInstanceOf(OpenSlideReader.class, slide);
      assertTrue(LibTiffMessages.installed(), "the handler is installed with OpenSlide");
      SlideException e =
          assertThrows(SlideException.class, () -> slide.readRegion(0, 0, 0, 64, 64));
      assertTrue(e.getMessage().contains("(libtiff: "), e.getMessage());
      assertTrue(e.getMessage().contains("ZIPDecode"), e.getMessage());
      System.out.println(e.getMessage());
    }
  }

  private static long firstTileOffset(Path file) throws IOException {
    try (var input = javax.imageio.ImageIO.createImageInputStream(file.toFile())) {
      var reader = javax.imageio.ImageIO.getImageReadersByFormatName("tif").next();
      reader.setInput(input);
      TiffPage page = TiffPage.read(reader, 0);
      long offset = page.directory().getTIFFField(BaselineTIFFTagSet.TAG_TILE_OFFSETS).getAsLong(0);
      reader.dispose();
      return offset;
    }
  }
}
