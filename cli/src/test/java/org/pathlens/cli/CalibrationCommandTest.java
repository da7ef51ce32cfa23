package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.query.CalibrationBackground;
import org.pathlens.index.query.CalibrationRecords;
import org.pathlens.index.query.ScoreCalibration;
import org.pathlens.testkit.TestData;

/**
 * The calibration a text search reports ({@link ScoreCalibration}) against a NumPy computation
 * ({@code fixtures/scripts/calibration_reference.py}) on what PathLens exports: the index's tile
 * embeddings ({@code index export --format npy}) and the texts' embeddings ({@code embed --text}).
 * The record beside the index follows the index: another ingest makes it recompute.
 */
class CalibrationCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = Fixtures.demoBundle().toString();

  @TempDir Path tmp;

  @Test
  void searchReportsTheCalibrationNumPyComputesFromTheExportedEmbeddings() throws Exception {
    String python = TestData.pythonWithNumpy().orElse(null);
    assumeTrue(python != null, "needs /usr/bin/python3 with numpy");
    Path tiles = tmp.resolve("tiles");
    Path manifest =
        SyntheticTiles.write(tiles, new SyntheticTiles.Options(2, 1, 3, 224, 2)).manifest();
    Path index = tmp.resolve("index");
    ingest(index, tiles, manifest);

    JsonNode lym = calibration(index, "lymphocytes");
    JsonNode cat = calibration(index, "a photo of a cat");
    JsonNode numpyLym = numpy(python, index, "lymphocytes");
    JsonNode numpyCat = numpy(python, index, "a photo of a cat");
    for (JsonNode[] pair :
        List.of(new JsonNode[] {lym, numpyLym}, new JsonNode[] {cat, numpyCat})) {
      JsonNode java = pair[0];
      JsonNode numpy = pair[1];
      assertEquals(numpy.get("best").asDouble(), java.get("best_score").asDouble(), 1e-5);
      assertEquals(numpy.get("mean").asDouble(), java.get("mean_score").asDouble(), 1e-4);
      assertEquals(numpy.get("contrast").asDouble(), java.get("contrast").asDouble(), 1e-4);
      assertEquals(
          numpy.get("contrast_mean").asDouble(),
          java.get("background_contrast_mean").asDouble(),
          1e-4);
      assertEquals(
          numpy.get("contrast_sd").asDouble(), java.get("background_contrast_sd").asDouble(), 1e-4);
      assertEquals(numpy.get("z").asDouble(), java.get("z").asDouble(), 0.01);
      assertEquals(numpy.get("verdict").asText(), java.get("verdict").asText());
      assertEquals(numpy.get("tiles").asInt(), java.get("tiles").asInt());
    }
    // What the demo model knows stands out; what names no tissue does not.
    assertEquals("strong", lym.get("verdict").asText(), lym.toString());
    assertEquals("no better than unrelated text", cat.get("verdict").asText(), cat.toString());

    // The record beside the index holds every background text's best and mean, as NumPy has them.
    Path file = index.resolve(CalibrationRecords.FILE);
    ScoreCalibration recorded = CalibrationRecords.read(file).orElseThrow();
    assertEquals(CalibrationBackground.standard().version(), recorded.backgroundVersion());
    assertEquals(18, recorded.tiles());
    for (int i = 0; i < recorded.backgroundBest().size(); i++) {
      assertEquals(
          numpyLym.get("background_best").get(i).asDouble(),
          recorded.backgroundBest().get(i),
          1e-5);
      assertEquals(
          numpyLym.get("background_mean").get(i).asDouble(),
          recorded.backgroundMean().get(i),
          1e-4);
    }

    // Another ingest (the same tiles and a second center's) changes the index: the next search
    // recomputes the record for its 36 tiles.
    Path more = tmp.resolve("more");
    Path moreManifest =
        SyntheticTiles.write(more, new SyntheticTiles.Options(2, 2, 3, 224, 2)).manifest();
    ingest(index, more, moreManifest);
    JsonNode after = calibration(index, "lymphocytes");
    assertEquals(36, after.get("tiles").asInt());
    ScoreCalibration recomputed = CalibrationRecords.read(file).orElseThrow();
    assertEquals(36, recomputed.tiles());
    assertNotEquals(recorded.generation(), recomputed.generation());
    JsonNode numpyAfter = numpy(python, index, "lymphocytes");
    assertEquals(numpyAfter.get("z").asDouble(), after.get("z").asDouble(), 0.01);
  }

  private static void ingest(Path index, Path tiles, Path manifest) {
    CliRun run =
        CliRun.of(
            "ingest",
            "--model",
            MODEL,
            "--index",
            index.toString(),
            "--tiles",
            tiles.toString(),
            "--manifest",
            manifest.toString());
    assertEquals(0, run.exitCode(), run.err());
  }

  /** The search's stderr line "calibration: {...}". */
  private static JsonNode calibration(Path index, String text) throws Exception {
    CliRun run = CliRun.of("search", "--model", MODEL, "--index", index.toString(), "--text", text);
    assertEquals(0, run.exitCode(), run.err());
    String line =
        run.err()
            .lines()
            .filter(l -> l.startsWith("calibration: "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no calibration line in " + run.err()));
    JsonNode calibration = JSON.readTree(line.substring("calibration: ".length()));
    JsonNode first = JSON.readTree(run.out().lines().findFirst().orElseThrow());
    assertEquals(first.get("score").asDouble(), calibration.get("best_score").asDouble(), 1e-7);
    return calibration;
  }

  /** calibration_reference.py on the exported tiles and the embedded texts, background first. */
  private JsonNode numpy(String python, Path index, String query) throws Exception {
    Path export = Files.createTempDirectory(tmp, "export");
    CliRun exported =
        CliRun.of(
            "index",
            "export",
            "--index",
            index.toString(),
            "--out",
            export.toString(),
            "--format",
            "npy");
    assertEquals(0, exported.exitCode(), exported.err());
    List<String> args = new ArrayList<>(List.of("embed", "--model", MODEL));
    List<String> texts = new ArrayList<>(CalibrationBackground.standard().texts());
    texts.add(query);
    for (String text : texts) {
      args.add("--text");
      args.add(text);
    }
    CliRun embedded = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, embedded.exitCode(), embedded.err());
    Path lines = Files.writeString(export.resolve("texts.jsonl"), embedded.out());
    Process p =
        new ProcessBuilder(
                python,
                Fixtures.root().resolve("fixtures/scripts/calibration_reference.py").toString(),
                export.toString(),
                lines.toString(),
                String.valueOf(texts.size() - 1))
            .redirectErrorStream(true)
            .start();
    String printed = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), printed);
    JsonNode result = JSON.readTree(printed);
    assertTrue(result.get("tiles").asInt() > 0);
    return result;
  }
}
