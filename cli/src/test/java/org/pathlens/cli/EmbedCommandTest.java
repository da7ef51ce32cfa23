package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.testkit.TestData;

/** {@code pathlens embed} end to end, in-process, with the tiny CLIP bundle. */
class EmbedCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUNDLE = TestData.bundle("tiny-clip-bpe").toString();

  @TempDir static Path tmp;
  static Path good;

  @BeforeAll
  static void images() throws IOException {
    good = tmp.resolve("good.png");
    BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    image.setRGB(3, 4, 0xff0000);
    ImageIO.write(image, "png", good.toFile());
  }

  @Test
  void textsGiveOneUnitVectorLineEach() throws IOException {
    CliRun run = CliRun.of("embed", "--model", BUNDLE, "--text", "tumour cells", "fat");
    assertEquals(0, run.exitCode());
    List<String> lines = run.outLines();
    assertEquals(2, lines.size());
    JsonNode first = JSON.readTree(lines.getFirst());
    assertEquals("tumour cells", first.get("input").asText());
    double norm = 0;
    for (JsonNode v : first.get("embedding")) {
      norm += v.asDouble() * v.asDouble();
    }
    assertEquals(64, first.get("embedding").size());
    assertEquals(1.0, norm, 1e-5);
  }

  @Test
  void unreadableImagesAreNamedAndSkipped() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("mixed"));
    Files.copy(good, dir.resolve("a-good.png"));
    Files.write(dir.resolve("b-empty.png"), new byte[0]);
    Files.writeString(dir.resolve("c-notes.jpg"), "not an image");
    byte[] png = Files.readAllBytes(good);
    Files.write(dir.resolve("d-truncated.png"), Arrays.copyOf(png, png.length / 2));
    CliRun run = CliRun.of("embed", "--model", BUNDLE, "--images", dir.toString());
    assertEquals(0, run.exitCode());
    assertEquals(1, run.outLines().size());
    assertTrue(run.outLines().getFirst().contains("a-good.png"));
    for (String bad : List.of("b-empty.png", "c-notes.jpg", "d-truncated.png")) {
      assertTrue(
          run.err().contains("skipped") && run.err().contains(bad),
          "stderr names " + bad + ": " + run.err());
    }
  }

  /**
   * Whole-slide files among tiles are refused by name with a pointer to {@code ingest --slides}: an
   * SVS (once left out of a folder without a word) and a pyramidal TIFF (once embedded as one
   * 224-px image), both real slides from ../shared; a generated tiled pyramid stands in without it.
   */
  @Test
  void wholeSlideFilesAreRefusedWithAPointerToIngestSlides() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("with-slides"));
    Files.copy(good, dir.resolve("a-good.png"));
    SyntheticSlide.write(
        dir.resolve("b-generated.tiff"),
        new SyntheticSlide.Options(
            1024, 768, "center-a", 5, 3, PyramidTiffWriter.Compression.JPEG, 1));
    List<String> slides = new ArrayList<>(List.of("b-generated.tiff"));
    Path shared = Fixtures.shared().map(s -> s.resolve("data/slides")).orElse(null);
    if (shared != null && Files.isDirectory(shared)) {
      Files.copy(shared.resolve("CMU-1-Small-Region.svs"), dir.resolve("c-cmu.svs"));
      slides.add("c-cmu.svs");
    }
    CliRun run = CliRun.of("embed", "--model", BUNDLE, "--images", dir.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(1, run.outLines().size(), "only the tile is embedded");
    for (String slide : slides) {
      assertTrue(
          run.err()
              .contains(
                  slide
                      + ": a whole-slide image, not a tile: cut it into tiles with"
                      + " ./pathlens ingest --slides"),
          slide + ": " + run.err());
    }
  }

  @Test
  void nothingEmbeddedExitsNonZero() throws IOException {
    Path bad = tmp.resolve("only-bad.png");
    Files.writeString(bad, "nope");
    CliRun run = CliRun.of("embed", "--model", BUNDLE, "--images", bad.toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("nothing could be embedded"), run.err());
  }

  @Test
  void aWrongBundleIsOneClearLine() {
    CliRun run =
        CliRun.of("embed", "--model", tmp.resolve("no-such-bundle").toString(), "--text", "x");
    assertEquals(ErrorReporter.USER_ERROR, run.exitCode());
    assertTrue(run.err().contains("no-such-bundle: is not a directory"), run.err());
    assertTrue(!run.err().contains("\tat "), "no stack trace: " + run.err());
  }

  @Test
  void batchSizeDoesNotChangeTheOutput() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("batch"));
    for (int i = 0; i < 5; i++) {
      Files.copy(good, dir.resolve("t" + i + ".png"));
    }
    CliRun one = CliRun.of("embed", "--model", BUNDLE, "--batch", "1", "--images", dir.toString());
    CliRun four = CliRun.of("embed", "--model", BUNDLE, "--batch", "4", "--images", dir.toString());
    assertEquals(5, one.outLines().size());
    for (int i = 0; i < 5; i++) {
      JsonNode a = JSON.readTree(one.outLines().get(i)).get("embedding");
      JsonNode b = JSON.readTree(four.outLines().get(i)).get("embedding");
      for (int d = 0; d < a.size(); d++) {
        assertEquals(a.get(d).asDouble(), b.get(d).asDouble(), 1e-5);
      }
    }
  }
}
