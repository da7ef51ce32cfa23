package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.SyntheticTiles;

/** {@code pathlens eval zeroshot} on generated tiles of the demo model's unseen center. */
class EvalZeroShotCommandTest {

  @TempDir static Path tmp;
  static Path manifest;

  @BeforeAll
  static void tiles() throws IOException {
    SyntheticTiles.write(tmp.resolve("tiles"), 3, 5, 11);
    manifest = tmp.resolve("tiles/manifest.csv");
  }

  private static String[] args(String... extra) {
    String[] base = {
      "eval",
      "zeroshot",
      "--model",
      Fixtures.demoBundle().toString(),
      "--prompts",
      Fixtures.root()
          .resolve("prompts/src/main/resources/org/pathlens/prompts/sets/demo-crc9.json")
          .toString(),
      "--labels",
      manifest.toString(),
      "--resamples",
      "200"
    };
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  @Test
  void reportsMetricsAblationFewShotAndWritesTheReport() throws IOException {
    Path report = tmp.resolve("report");
    CliRun run =
        CliRun.of(args("--few-shot", "1,2", "--repeats", "2", "--report", report.toString()));
    assertEquals(0, run.exitCode(), run.err());
    String out = run.out();
    for (String expected :
        new String[] {
          "accuracy",
          "balanced accuracy",
          "weighted F1",
          "macro AUROC",
          "Cohen's kappa",
          "quadratic kappa",
          "resamples of groups",
          "template left out",
          "synonym left out",
          "linear probe",
          "prototype",
          "true\\pred"
        }) {
      assertTrue(out.contains(expected), "output has " + expected + ":\n" + out);
    }
    JsonNode json = new ObjectMapper().readTree(report.resolve("metrics.json").toFile());
    assertEquals(135, json.get("tiles").asInt());
    double accuracy = json.at("/metrics/accuracy/value").asDouble();
    // The demo model scores well above chance (1/9) on its unseen center.
    assertTrue(accuracy > 0.7, "accuracy " + accuracy);
    assertTrue(json.at("/metrics/accuracy/ci_lower").asDouble() <= accuracy);
    assertTrue(json.at("/metrics/accuracy/ci_upper").asDouble() >= accuracy);
    long total = 0;
    for (JsonNode row : json.get("confusion_matrix")) {
      for (JsonNode v : row) {
        total += v.asLong();
      }
    }
    assertEquals(135, total);
    assertEquals(6, json.at("/ablation/templates").size());
    assertEquals(27, json.at("/ablation/synonyms").size());
    assertEquals(1 + 3 * 2, json.at("/few_shot/rows").size());
    // Held out: 2 per class for training, 13 per class evaluated.
    assertEquals(117, json.at("/few_shot/test_tiles").asInt());
    BufferedImage png = ImageIO.read(report.resolve("confusion_matrix.png").toFile());
    assertTrue(png.getWidth() > 9 * 50 && png.getHeight() > 9 * 50);
    assertTrue(
        Files.readString(report.resolve("report.txt"))
            .equals(out.substring(0, out.indexOf("\nwrote "))));
    // The page and its JSON: the same accuracy, the ablation and few-shot tables, the figures
    // beside it.
    JsonNode page = new ObjectMapper().readTree(report.resolve("report.json").toFile());
    assertEquals(accuracy, page.at("/metrics/accuracy/value").asDouble(), 0);
    assertEquals(6, page.at("/tables/ablation_templates/rows").size());
    assertEquals(1 + 3 * 2, page.at("/tables/few_shot/rows").size());
    assertEquals(5, page.at("/classification/per_center").size());
    String html = Files.readString(report.resolve("report.html"));
    assertTrue(
        html.contains(String.format(Locale.ROOT, "<td class=\"num\">%.4f</td>", accuracy)),
        "accuracy on the page");
    for (JsonNode figure : page.get("figures")) {
      assertTrue(Files.exists(report.resolve(figure.get("file").asText())), figure.toString());
    }
  }

  @Test
  void labelsOutsideThePromptSetAreNamed() throws IOException {
    Path csv = tmp.resolve("other.csv");
    Files.writeString(csv, "path,label\ntiles/tiles/center-a/ADI/center-a-ADI-00000.jpg,FAT\n");
    CliRun run =
        CliRun.of(
            "eval",
            "zeroshot",
            "--model",
            Fixtures.demoBundle().toString(),
            "--prompts",
            Fixtures.root()
                .resolve("prompts/src/main/resources/org/pathlens/prompts/sets/demo-crc9.json")
                .toString(),
            "--labels",
            csv.toString());
    assertEquals(ErrorReporter.USER_ERROR, run.exitCode());
    assertTrue(
        run.err().contains("label \"FAT\"")
            && run.err().contains("is not a class of prompt set demo-crc9"),
        run.err());
  }

  @Test
  void aMissingLabelColumnNamesTheOption() throws IOException {
    CliRun run = CliRun.of(args("--label-column", "label_code"));
    assertEquals(ErrorReporter.USER_ERROR, run.exitCode());
    assertTrue(
        run.err().contains("manifest.csv: header") && run.err().contains("--label-column"),
        run.err());
  }
}
