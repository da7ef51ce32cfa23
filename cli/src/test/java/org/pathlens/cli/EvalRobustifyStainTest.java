package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.SyntheticTiles;

/**
 * A config's {@code robustify: {stain_norm, tta}} embeds its tiles as {@code ingest} with the same
 * stain options does: the config over the tile files and the config over the index give the same
 * numbers, and other numbers than without stain handling.
 */
class EvalRobustifyStainTest {

  @TempDir Path tmp;

  @Test
  void stainHandlingInAConfigEqualsIngestingWithTheSameOptions() throws IOException {
    Path tiles = tmp.resolve("tiles");
    SyntheticTiles.write(tiles, 1, 2, 7);
    String bundle = Fixtures.demoBundle().toAbsolutePath().toString();
    CliRun ingest =
        CliRun.of(
            "ingest",
            "--model",
            bundle,
            "--index",
            tmp.resolve("index").toString(),
            "--tiles",
            tiles.toString(),
            "--manifest",
            tiles.resolve("manifest.csv").toString(),
            "--stain-norm",
            "macenko",
            "--stain-fit",
            "slide",
            "--tta",
            "2",
            "--threads",
            "1");
    assertEquals(0, ingest.exitCode(), ingest.err());
    String common =
        """
        model: %s
        task: {type: zeroshot, prompts: %s}
        metrics: [accuracy, macro_auroc, weighted_f1]
        bootstrap: {resamples: 50}
        expected: {}
        """
            .formatted(
                bundle,
                Fixtures.root()
                    .resolve("prompts/src/main/resources/org/pathlens/prompts/sets/demo-crc9.json")
                    .toAbsolutePath());
    String stain =
        "robustify: {stain_norm: {method: macenko, target: default, fit: slide}, tta: {views: 2}}\n";
    Path fromFiles = tmp.resolve("files.yaml");
    Files.writeString(
        fromFiles, "name: files\ndataset: {labels: tiles/manifest.csv}\n" + stain + common);
    Path fromIndex = tmp.resolve("index.yaml");
    Files.writeString(fromIndex, "name: index\ndataset: {index: index}\n" + common);
    Path plain = tmp.resolve("plain.yaml");
    Files.writeString(plain, "name: plain\ndataset: {labels: tiles/manifest.csv}\n" + common);
    for (Path config : new Path[] {fromFiles, fromIndex, plain}) {
      CliRun run = CliRun.of("eval", "run", "--threads", "1", "--update", config.toString());
      assertEquals(0, run.exitCode(), run.err());
    }
    String filesExpected = expected(fromFiles);
    assertTrue(filesExpected.contains("macro_auroc: "), filesExpected);
    assertEquals(filesExpected, expected(fromIndex));
    assertNotEquals(filesExpected, expected(plain));

    Path indexWithStain = tmp.resolve("index-stain.yaml");
    Files.writeString(indexWithStain, "name: bad\ndataset: {index: index}\n" + stain + common);
    CliRun refused = CliRun.of("eval", "run", "--threads", "1", indexWithStain.toString());
    assertEquals(ErrorReporter.USER_ERROR, refused.exitCode());
    assertTrue(
        refused.err().contains("stain_norm and tta act on images, and an index holds embeddings"),
        refused.err());
  }

  private static String expected(Path config) throws IOException {
    String text = Files.readString(config);
    return text.substring(text.indexOf("expected:"));
  }
}
