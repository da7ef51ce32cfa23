package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.SyntheticTiles;

/**
 * {@code eval zeroshot --screen-prompts} on the committed tiny config's tiles (seed 7, 2 centers, 4
 * per class) gives what {@code eval compare} of demo-tiny-zeroshot.yaml with
 * demo-tiny-zeroshot-screened.yaml gives (EvalCompareCommandTest): the same kept prompts, the same
 * paired difference and interval from the same bootstrap seed.
 */
class EvalZeroShotScreenPromptsTest {

  @TempDir Path tmp;

  @Test
  void screenedAgainstFullAsEvalCompareMeasuresIt() throws IOException {
    Path tiles = tmp.resolve("tiles");
    SyntheticTiles.write(tiles, 4, 2, 7);
    Path report = tmp.resolve("report");
    CliRun run =
        CliRun.of(
            "eval",
            "zeroshot",
            "--threads",
            "1",
            "--model",
            Fixtures.demoBundle().toString(),
            "--prompts",
            "demo-crc9",
            "--labels",
            tiles.resolve("manifest.csv").toString(),
            "--resamples",
            "200",
            "--seed",
            "20260",
            "--no-ablation",
            "--screen-prompts",
            "--report",
            report.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(
        run.out()
            .contains(
                "Prompt screening without labels on these tiles (top 50 % of each class's"
                    + " variants by mean p(1st) - p(2nd))\n"
                    + "ADI: kept 9 of 18 on 72 tiles: \"a histopathology tile showing fat.\""),
        run.out());
    JsonNode screening =
        new ObjectMapper().readTree(report.resolve("metrics.json").toFile()).get("screening");
    assertEquals(0.5, screening.get("keep_fraction").asDouble(), 0.0);
    assertEquals(9 * 18, screening.get("variants").size());
    int kept = 0;
    for (JsonNode v : screening.get("variants")) {
      kept += v.get("kept").asBoolean() ? 1 : 0;
    }
    assertEquals(81, kept);
    JsonNode accuracy = screening.get("metrics").get("accuracy");
    assertEquals(69.0 / 72, accuracy.get("full").asDouble(), 1e-12);
    assertEquals(67.0 / 72, accuracy.get("screened").asDouble(), 1e-12);
    assertEquals(-0.0678, accuracy.get("difference_ci_lower").asDouble(), 1e-4);
    assertEquals(0.0, accuracy.get("difference_ci_upper").asDouble(), 1e-12);
    assertEquals(0.1592, accuracy.get("p_value").asDouble(), 1e-4);
    assertTrue(screening.get("metrics").has("ece"), screening.toString());
  }
}
