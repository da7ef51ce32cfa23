package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;

class SlideCommandTest {

  @Test
  void infoDescribesAGeneratedSlideAndWritesItsThumbnail(@TempDir Path dir) throws IOException {
    Path slide = dir.resolve("s.tiff");
    SyntheticSlide.write(
        slide,
        new SyntheticSlide.Options(
            1024, 768, "center-a", 5, 3, PyramidTiffWriter.Compression.JPEG, 2));
    Path png = dir.resolve("thumb.png");
    CliRun run =
        CliRun.of(
            "slide",
            "info",
            slide.toString(),
            "--thumbnail",
            png.toString(),
            "--thumbnail-size",
            "200",
            "--read-tiles");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(
        run.outLines().contains("vendor: generic-tiff (read by TiffSlideReader)"), run.out());
    assertTrue(run.outLines().contains("level 1: 512 x 384, downsample 2.0000"), run.out());
    assertTrue(run.out().contains("tiles at 0.500 µm/px, 224 px: "), run.out());
    assertTrue(
        run.out().contains(" of 12 with >= 50 % tissue (level 0 read 224 x 224 px"), run.out());
    assertTrue(run.out().contains("tiles/s"), run.out());
    assertEquals(200, ImageIO.read(png.toFile()).getWidth());
    assertEquals(150, ImageIO.read(png.toFile()).getHeight());
  }

  @Test
  void anUnreadableSlideIsOneLineAndExitCodeTwo(@TempDir Path dir) throws IOException {
    Path junk = Files.writeString(dir.resolve("junk.svs"), "no slide here");
    CliRun run = CliRun.of("slide", "info", junk.toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains(junk + ": "), run.err());
    assertEquals(1, run.err().lines().filter(l -> !l.startsWith("WARNING")).count(), run.err());
  }
}
