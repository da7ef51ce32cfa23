package org.pathlens.slides;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.testkit.PyramidTiffFiles;

/**
 * Where each reader's µm/px comes from, and resolutions that are refused rather than taken: TIFF
 * resolution tags read in Java and, for the BigTIFFs the JDK cannot read, from the {@code tiff.*}
 * properties OpenSlide lists without an {@code openslide.mpp-x}. The files are written by libvips.
 */
class SlideMppSourceTest {
  @TempDir Path dir;

  @Test
  void theGeneratedSlidesResolutionTagsAreItsSource() throws IOException {
    try (SlideReader slide = SlideReaders.open(GeneratedSlides.standard().slide())) {
      assertEquals(Optional.of(new Mpp(0.5, 0.5)), slide.mpp());
      assertEquals("tiff-resolution", slide.mppSource());
      assertEquals(Optional.empty(), slide.mppRejection());
    }
  }

  @Test
  void a300DpiTiffIsNoScanAndSaysSo() throws IOException {
    // 300 dpi = 84.67 µm/px: an image editor's resolution, not a microscope's.
    Path file =
        vips(dir.resolve("300dpi.tif"), "tile,pyramid,compression=deflate,xres=11.811,yres=11.811");
    try (SlideReader slide = SlideReaders.open(file)) {
      assertInstanceOf(TiffSlideReader.class, slide);
      assertEquals(Optional.empty(), slide.mpp());
      assertEquals("none", slide.mppSource());
      String rejection = slide.mppRejection().orElseThrow();
      assertTrue(rejection.startsWith("tiff-resolution gives 84.66"), rejection);
      assertTrue(
          rejection.endsWith("outside the 0.05..20 µm/px of a microscope scan: not used"),
          rejection);
    }
  }

  @Test
  void aBigTiffThroughOpenSlideTakesItsResolutionTags() throws IOException {
    assumeTrue(
        OpenSlideReader.isAvailable(),
        "libopenslide.so.0 is not installed (apt-get install libopenslide0)");
    // 4000 px/mm: 0.25 µm/px, which libvips writes as 101600 pixels per inch.
    Path file =
        vips(dir.resolve("big.tif"), "tile,pyramid,bigtiff,compression=jpeg,xres=4000,yres=4000");
    try (SlideReader slide = SlideReaders.open(file)) {
      assertInstanceOf(OpenSlideReader.class, slide);
      assertEquals("generic-tiff", slide.vendor());
      assertEquals(null, slide.properties().get("openslide.mpp-x"), "OpenSlide gives none itself");
      Mpp mpp = slide.mpp().orElseThrow();
      assertEquals(0.25, mpp.x(), 1e-9);
      assertEquals(0.25, mpp.y(), 1e-9);
      assertEquals("tiff-resolution", slide.mppSource());
    }
    Path screen =
        vips(
            dir.resolve("screen.tif"),
            "tile,pyramid,bigtiff,compression=jpeg,xres=2.835,yres=2.835");
    try (SlideReader slide = SlideReaders.open(screen)) {
      assertEquals(Optional.empty(), slide.mpp(), "72 dpi is a screen's");
      assertTrue(slide.mppRejection().orElseThrow().startsWith("tiff-resolution gives 352."));
    }
  }

  /**
   * A 448 x 336 picture (the generated slide's level 2, enlarged) saved by libvips with {@code
   * options}.
   */
  private Path vips(Path out, String options) throws IOException {
    assumeTrue(
        PyramidTiffFiles.hasVips(), "needs libvips' vips command (apt-get install libvips-tools)");
    Path source = GeneratedSlides.standard().slide();
    Process p =
        new ProcessBuilder("vips", "copy", source + "[page=2]", out + "[" + options + "]")
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes());
    try {
      assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "vips failed: " + output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return out;
  }
}
