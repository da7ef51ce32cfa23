package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.preprocess.stain.StainFit;
import org.pathlens.encoders.preprocess.stain.StainMethod;
import org.pathlens.encoders.preprocess.stain.StainOptions;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;

/**
 * --stain-norm, --stain-target, --stain-fit and --tta on ingest, search, embed and eval zeroshot.
 */
class StainCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path data;
  private static Path tiles, manifest, index;
  private static CliRun ingest;

  @BeforeAll
  static void ingestNormalisedTiles() throws IOException {
    tiles = data.resolve("tiles");
    manifest =
        SyntheticTiles.write(tiles, new SyntheticTiles.Options(1, 2, 3, 224, 2))
            .manifest(); // 18 tiles
    index = data.resolve("index");
    ingest = ingest(index, "--stain-norm", "macenko", "--tta", "2");
  }

  private static CliRun ingest(Path into, String... stain) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "ingest",
                "--model",
                Fixtures.demoBundle().toString(),
                "--index",
                into.toString(),
                "--threads",
                "2",
                "--batch",
                "8",
                "--tiles",
                tiles.toString(),
                "--manifest",
                manifest.toString()));
    args.addAll(List.of(stain));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void theIndexRecordsItsStainHandling() throws IOException {
    assertEquals(0, ingest.exitCode(), ingest.err());
    StainOptions recorded =
        IndexLocation.of(index).readProvenance().map(IndexProvenance::stain).orElseThrow();
    assertEquals(StainMethod.MACENKO, recorded.normalization().method());
    assertEquals(StainFit.TILE, recorded.normalization().fit());
    assertEquals(2, recorded.augmentation().views());
  }

  /**
   * A query image gets the index's normalisation and augmentation: an indexed tile finds itself at
   * cosine 1 (to float rounding), which it would not if the query were embedded as decoded.
   */
  @Test
  void searchByImageNormalisesTheQueryAsTheIndexDid() throws IOException {
    Path tile = Files.list(tiles.resolve("tiles/center-b/TUM")).findFirst().orElseThrow();
    CliRun search =
        CliRun.of(
            "search",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--threads",
            "2",
            "--image",
            tile.toString(),
            "--k",
            "1");
    assertEquals(0, search.exitCode(), search.err());
    JsonNode hit = JSON.readTree(search.outLines().getFirst());
    assertEquals(
        tile.getFileName().toString().replace(".jpg", ""),
        hit.get("id").asText()); // the manifest's tile_id
    assertTrue(hit.get("score").asDouble() > 0.9999, "score " + hit.get("score"));

    CliRun plain =
        CliRun.of(
            "embed",
            "--model",
            Fixtures.demoBundle().toString(),
            "--threads",
            "2",
            "--images",
            tile.toString());
    CliRun normalised =
        CliRun.of(
            "embed",
            "--model",
            Fixtures.demoBundle().toString(),
            "--threads",
            "2",
            "--images",
            tile.toString(),
            "--stain-norm",
            "macenko",
            "--tta",
            "2");
    assertEquals(0, normalised.exitCode(), normalised.err());
    double cosine =
        cosine(
            JSON.readTree(plain.out()).get("embedding"),
            JSON.readTree(normalised.out()).get("embedding"));
    assertTrue(cosine < 0.9999, "normalisation moved the embedding: cosine " + cosine);
  }

  @Test
  void ingestingWithOtherStainHandlingIsRefused() {
    CliRun other = ingest(index, "--stain-norm", "reinhard");
    assertEquals(2, other.exitCode(), other.err());
    assertTrue(
        other.err().contains("holds tiles embedded with stain normalisation macenko (per tile)"),
        other.err());
    assertTrue(
        other.err().contains("this run uses stain normalisation reinhard (per tile)"), other.err());
  }

  @Test
  void perSlideFitGroupsTilesByTheManifestsSlide() throws IOException {
    Path perSlide = data.resolve("index-per-slide");
    CliRun run = ingest(perSlide, "--stain-norm", "reinhard", "--stain-fit", "slide");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().startsWith("tiles 18, "), run.out());
    assertEquals(
        StainFit.SLIDE,
        IndexLocation.of(perSlide).readProvenance().orElseThrow().stain().normalization().fit());
  }

  @Test
  void badStainOptionsAreOneLineErrors() throws IOException {
    Path scratch = data.resolve("index-bad");
    CliRun method = ingest(scratch, "--stain-norm", "vahadane");
    assertEquals(2, method.exitCode());
    assertEquals(
        "Invalid value for option '--stain-norm': expected one of [NONE, REINHARD, MACENKO]"
            + " (case-insensitive) but was 'vahadane'",
        method.err().lines().findFirst().orElseThrow());
    Path broken =
        Files.writeString(
            data.resolve("target.json"), "{\"method\": \"macenko\", \"eosin\": [1, 2]}");
    CliRun target = ingest(scratch, "--stain-norm", "macenko", "--stain-target", broken.toString());
    assertEquals(2, target.exitCode());
    assertTrue(
        target
            .err()
            .contains("stain target " + broken + ": \"hematoxylin\" must be an array of 3 numbers"),
        target.err());
    CliRun views = ingest(scratch, "--tta", "0");
    assertEquals(2, views.exitCode());
    assertTrue(
        views.err().contains("--tta: test-time augmentation views must be in 1..64, got 0"),
        views.err());
    CliRun fit = ingest(scratch, "--stain-norm", "macenko", "--stain-fit", "patient");
    assertEquals(2, fit.exitCode());
    assertEquals(
        "Invalid value for option '--stain-fit': expected one of [TILE, SLIDE] (case-insensitive)"
            + " but was 'patient'",
        fit.err().lines().findFirst().orElseThrow());
    assertTrue(
        IndexLocation.of(scratch).readProvenance().isEmpty(),
        "no index is created by a refused run");
  }

  @Test
  void evalZeroshotTakesTheStainOptions() {
    CliRun run =
        CliRun.of(
            "eval",
            "zeroshot",
            "--model",
            Fixtures.demoBundle().toString(),
            "--threads",
            "2",
            "--prompts",
            Fixtures.root()
                .resolve("prompts/src/main/resources/org/pathlens/prompts/sets/demo-crc9.json")
                .toString(),
            "--labels",
            manifest.toString(),
            "--no-ablation",
            "--resamples",
            "20",
            "--stain-norm",
            "reinhard",
            "--stain-fit",
            "slide");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(
        run.out().contains("tiles embedded with stain normalisation reinhard (per slide)"),
        run.out());
  }

  private static double cosine(JsonNode a, JsonNode b) {
    double dot = 0;
    for (int i = 0; i < a.size(); i++) {
      dot += a.get(i).asDouble() * b.get(i).asDouble();
    }
    return dot;
  }
}
