package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.SyntheticTiles;

/** pathlens index batch-correct on an index of generated tiles from three centers. */
class IndexBatchCorrectCommandTest {

  @TempDir Path tmp;

  @Test
  void fitsByCenterKeepsLaterTilesWithoutASiteRawAndRemoves() throws IOException {
    Path tiles = tmp.resolve("tiles");
    SyntheticTiles.write(
        tiles, new SyntheticTiles.Options(1, 3, 3, 224, 2)); // 9 classes x 3 centers
    Path index = tmp.resolve("index");
    String bundle = Fixtures.demoBundle().toString();
    CliRun ingest =
        CliRun.of(
            "ingest",
            "--model",
            bundle,
            "--index",
            index.toString(),
            "--tiles",
            tiles.toString(),
            "--manifest",
            tiles.resolve("manifest.csv").toString(),
            "--threads",
            "2");
    assertEquals(0, ingest.exitCode(), ingest.err());

    CliRun fit =
        CliRun.of("index", "batch-correct", "--index", index.toString(), "--min-tiles", "5");
    assertEquals(0, fit.exitCode(), fit.err());
    assertTrue(
        fit.out()
            .contains(
                "batch correction of " + index + " by site: combat, batches of at least 5 tiles"),
        fit.out());
    assertTrue(
        fit.out()
                .lines()
                .filter(l -> l.matches("center-[abc] +9  fitted: [0-9.]+, [0-9.]+"))
                .count()
            == 3,
        fit.out());
    assertTrue(
        fit.out()
            .contains(
                "corrected 27 tiles, kept 0 raw; parameters in "
                    + index.resolve("batch-correction-")),
        fit.out());

    // Tiles without a manifest have no site: ingested raw, with a warning that says how to refit.
    Path loose = tmp.resolve("loose");
    Files.createDirectories(loose);
    try (Stream<Path> files = Files.walk(tiles.resolve("tiles/center-a/TUM"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, loose.resolve(f.getFileName()));
      }
    }
    CliRun later =
        CliRun.of(
            "ingest",
            "--model",
            bundle,
            "--index",
            index.toString(),
            "--tiles",
            loose.toString(),
            "--threads",
            "2");
    assertEquals(0, later.exitCode(), later.err());
    assertTrue(
        later
            .err()
            .contains(
                "the index's batch correction by site covers [center-a, center-b, center-c]; tiles of"
                    + " another or no site are kept raw: 1 (pathlens index batch-correct refits with them)"),
        later.err());

    CliRun refit =
        CliRun.of(
            "index",
            "batch-correct",
            "--index",
            index.toString(),
            "--method",
            "location_scale",
            "--min-tiles",
            "5");
    assertEquals(0, refit.exitCode(), refit.err());
    assertTrue(
        refit.out().contains("(no site)                      1  kept raw")
            && refit.out().contains("corrected 27 tiles, kept 1 raw"),
        refit.out());

    CliRun remove = CliRun.of("index", "batch-correct", "--index", index.toString(), "--remove");
    assertEquals(0, remove.exitCode(), remove.err());
    assertTrue(
        remove
            .out()
            .contains("removed the batch correction: the 28 vectors are the raw embeddings again"),
        remove.out());
    try (Stream<Path> files = Files.list(index)) {
      assertEquals(
          List.of(),
          files.filter(f -> f.getFileName().toString().startsWith("batch-correction-")).toList());
    }
  }

  @Test
  void badArgumentsAreNamed() {
    CliRun none = CliRun.of("index", "batch-correct", "--index", tmp.resolve("nothing").toString());
    assertEquals(ErrorReporter.USER_ERROR, none.exitCode());
    assertTrue(
        none.err()
            .contains(
                "pathlens index batch-correct: --index "
                    + tmp.resolve("nothing")
                    + ": no tile index there"),
        none.err());
  }
}
