package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.testkit.PyramidTiffFiles;
import org.pathlens.testkit.TestData;

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
    assertTrue(
        run.outLines().contains("level 1: 512 x 384, downsample 2.0000 (page 1)"), run.out());
    assertTrue(run.out().contains("tiles at 0.500 µm/px, 224 px: "), run.out());
    assertTrue(
        run.out().contains(" of 12 with >= 50 % tissue (level 0 read 224 x 224 px"), run.out());
    assertTrue(run.out().contains("tiles/s"), run.out());
    assertEquals(200, ImageIO.read(png.toFile()).getWidth());
    assertEquals(150, ImageIO.read(png.toFile()).getHeight());
  }

  @Test
  void infoListsSubIfdLevelsAndWhereTheMppCameFrom(@TempDir Path dir) throws IOException {
    Optional<String> python = TestData.pythonWithTifffile();
    assumeTrue(
        python.isPresent(),
        "needs a Python with tifffile and numpy (apt-get install python3-tifffile python3-numpy)");
    Path ome = PyramidTiffFiles.ome(python.get(), dir.resolve("s.ome.tif"), 2, "nm");
    CliRun run = CliRun.of("slide", "info", ome.toString(), "--mpp", "1");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.outLines().contains("mpp: 0.2500 x 0.2500 µm/px (from ome-xml)"), run.out());
    assertTrue(
        run.outLines().contains("level 2: 640 x 480, downsample 4.0000 (SubIFD 2 of page 0)"),
        run.out());
    assumeTrue(
        PyramidTiffFiles.hasVips(), "needs libvips' vips command (apt-get install libvips-tools)");
    Path vips = PyramidTiffFiles.vipsSubIfd(python.get(), dir.resolve("v.tif"), 2);
    run = CliRun.of("slide", "info", vips.toString(), "--mpp-override", "0.5");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(
        run.outLines()
            .contains(
                "mpp: unknown (tiff-resolution gives 1000.00 x 1000.00 µm/px, outside the"
                    + " 0.05..20 µm/px of a microscope scan: not used)"),
        run.out());
    assertTrue(
        run.outLines().contains("level 4: 160 x 120, downsample 16.0000 (SubIFD 4 of page 0)"),
        run.out());
  }

  @Test
  void filesThatAreNoSlideAreSaidToBeWhatTheyAre(@TempDir Path dir) throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.svs"));
    CliRun run = CliRun.of("slide", "info", empty.toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains(empty + ": an empty file (0 bytes)"), run.err());
    Path png = dir.resolve("tile.png");
    ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR), "png", png.toFile());
    run = CliRun.of("slide", "info", png.toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("a plain image (PNG)"), run.err());
    assertTrue(run.err().contains("use `ingest --tiles DIR`"), run.err());
    assertEquals(1, run.err().lines().filter(l -> !l.startsWith("WARNING")).count(), run.err());
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
