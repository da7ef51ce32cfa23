package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.EncoderOptions.DeviceChoice;
import org.pathlens.eval.config.EvalConfig;
import org.pathlens.eval.config.EvalConfigReader;
import org.pathlens.eval.config.EvalRun;
import org.pathlens.eval.metrics.MetricValue;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.Csv;
import org.pathlens.fixtures.synth.SyntheticTiles;

/**
 * {@code pathlens eval compare} on the tiny generated tiles of the committed configs (72 tiles, 16
 * slides): numbers from a first run, each checked against a route that does not go through the
 * comparison (classify per tile, or eval run per side). McNemar p-values from {@code
 * fixtures/scripts/mcnemar_reference.py}.
 */
class EvalCompareCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path TINY =
      Fixtures.root().resolve("fixtures/bundles/tiny-clip-bpe").toAbsolutePath();
  private static final EncoderOptions CPU =
      new EncoderOptions(DeviceChoice.CPU, false, EncoderOptions.DEFAULT_BATCH_SIZE, 1);

  @TempDir Path tmp;

  static String file(String relative) {
    return Fixtures.root().resolve(relative).toString();
  }

  static JsonNode metric(JsonNode root, String name) {
    for (JsonNode m : root.get("metrics")) {
      if (m.get("metric").asText().equals(name)) {
        return m;
      }
    }
    throw new AssertionError("no " + name + " in " + root);
  }

  @Test
  void theDemoPromptsBeatOneTemplateOfLayTermsOnTheSameTiles() throws IOException {
    String lay = file("eval/configs/prompts/demo-crc9-lay-terms.json");
    Path json = tmp.resolve("out/compare.json");
    CliRun run =
        CliRun.of(
            "eval",
            "compare",
            "--threads",
            "1",
            file("eval/configs/demo-tiny-zeroshot.yaml"),
            "--prompts-b",
            lay,
            "--json",
            json.toString());
    assertEquals(0, run.exitCode(), run.err());
    JsonNode root = JSON.readTree(json.toFile());
    assertEquals(72, root.get("paired_tiles").asInt());
    assertEquals("slide", root.get("bootstrap").get("unit").asText());
    JsonNode accuracy = metric(root, "accuracy");
    assertEquals(16, accuracy.get("units").asInt());
    assertEquals(69.0 / 72, accuracy.get("a").asDouble(), 1e-12);
    assertEquals(39.0 / 72, accuracy.get("b").asDouble(), 1e-12);
    assertEquals(-30.0 / 72, accuracy.get("difference").asDouble(), 1e-12);
    assertEquals(-0.4801, accuracy.get("difference_ci").get(0).asDouble(), 1e-4);
    assertEquals(-0.3433, accuracy.get("difference_ci").get(1).asDouble(), 1e-4);
    assertEquals(
        2.0 / 201, accuracy.get("p_value").asDouble(), 1e-15); // no resample in 200 favours B
    // Every metric says B is worse, with the whole interval below 0.
    for (JsonNode m : root.get("metrics")) {
      assertTrue(m.get("difference_ci").get(1).asDouble() < 0, m.toString());
    }
    assertEquals(-0.1382, metric(root, "macro_auroc").get("difference").asDouble(), 1e-4);
    JsonNode mcnemar = root.get("mcnemar");
    assertEquals(30, mcnemar.get("b").asInt());
    assertEquals(0, mcnemar.get("c").asInt());
    assertEquals(1.862645149230957e-09, mcnemar.get("p_value").asDouble(), 1e-22);
    assertTrue(run.out().contains("B: A's config with another model or prompt set"), run.out());
    assertTrue(
        run.out()
            .contains(
                "McNemar's exact test of accuracy: b = 30 (A right, B wrong), c = 0 (A wrong, B right), p = 1.86e-09"),
        run.out());

    // The same tiles ingested and classified one by one by `pathlens classify`, with each prompt
    // set.
    Path tiles = tmp.resolve("tiles");
    SyntheticTiles.write(tiles, 4, 2, 7);
    Path index = tmp.resolve("index");
    CliRun ingest =
        CliRun.of(
            "ingest",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--tiles",
            tiles.toString(),
            "--manifest",
            tiles.resolve("manifest.csv").toString(),
            "--threads",
            "1");
    assertEquals(0, ingest.exitCode(), ingest.err());
    Map<String, String> truth = labelsById(tiles.resolve("manifest.csv"));
    Map<String, String> demo =
        classify(
            index, file("prompts/src/main/resources/org/pathlens/prompts/sets/demo-crc9.json"));
    Map<String, String> weak = classify(index, lay);
    int rightA = 0;
    int rightB = 0;
    int onlyA = 0;
    int onlyB = 0;
    for (Map.Entry<String, String> tile : truth.entrySet()) {
      boolean a = tile.getValue().equals(demo.get(tile.getKey()));
      boolean b = tile.getValue().equals(weak.get(tile.getKey()));
      rightA += a ? 1 : 0;
      rightB += b ? 1 : 0;
      onlyA += a && !b ? 1 : 0;
      onlyB += b && !a ? 1 : 0;
    }
    assertEquals(72, truth.size());
    assertEquals(72, demo.size());
    assertEquals(accuracy.get("a").asDouble(), rightA / 72.0, 1e-12);
    assertEquals(accuracy.get("b").asDouble(), rightB / 72.0, 1e-12);
    assertEquals(mcnemar.get("b").asInt(), onlyA);
    assertEquals(mcnemar.get("c").asInt(), onlyB);
  }

  /**
   * The committed screened-versus-full comparison (docs/zero-shot.md, "Prompt screening"): on the
   * tiny config's 72 tiles screening loses 2 tiles and wins none; the paired interval of the
   * difference reaches 0, so it cannot tell them apart, and screening stays off by default.
   */
  @Test
  void promptScreeningAgainstTheFullEnsembleOnTheSameTiles() throws IOException {
    Path json = tmp.resolve("screened.json");
    String screened = file("eval/configs/demo-tiny-zeroshot-screened.yaml");
    CliRun run =
        CliRun.of(
            "eval",
            "compare",
            "--threads",
            "1",
            file("eval/configs/demo-tiny-zeroshot.yaml"),
            screened,
            "--json",
            json.toString());
    assertEquals(0, run.exitCode(), run.err());
    JsonNode root = JSON.readTree(json.toFile());
    assertEquals(72, root.get("paired_tiles").asInt());
    assertEquals(0.5, root.get("b").get("screen_prompts").asDouble(), 0.0);
    JsonNode accuracy = metric(root, "accuracy");
    assertEquals(16, accuracy.get("units").asInt());
    assertEquals(-2.0 / 72, accuracy.get("difference").asDouble(), 1e-12);
    assertEquals(-0.0678, accuracy.get("difference_ci").get(0).asDouble(), 1e-4);
    assertEquals(0.0, accuracy.get("difference_ci").get(1).asDouble(), 1e-12);
    assertEquals(0.1592, accuracy.get("p_value").asDouble(), 1e-4);
    assertEquals(-0.0292, metric(root, "weighted_f1").get("difference").asDouble(), 1e-4);
    assertEquals(-0.0002, metric(root, "macro_auroc").get("difference").asDouble(), 1e-4);
    assertEquals(2, root.get("mcnemar").get("b").asInt());
    assertEquals(0, root.get("mcnemar").get("c").asInt());
    assertEquals(0.5, root.get("mcnemar").get("p_value").asDouble(), 1e-12);
    assertTrue(
        run.out()
            .contains(
                "zero-shot, prompt set demo-crc9, screened without labels (top 50 % of each"
                    + " class's variants), 72 tiles"),
        run.out());
    // Each side as eval run measures it alone: A the full ensemble's expected values, B the
    // screened config's.
    EvalConfig config = EvalConfigReader.read(Path.of(screened));
    List<MetricValue> b = EvalRun.run(config, CPU, skipped -> {}, cache()).values();
    requireSidesAsEvalRunMeasures(
        root,
        EvalConfigReader.read(Path.of(file("eval/configs/demo-tiny-zeroshot.yaml"))),
        null,
        b);
    for (MetricValue v : b) {
      assertEquals(config.expected().get(v.name()), v.value(), 1e-6, v.name());
    }
  }

  @Test
  void theDemoModelBeatsAnUntrainedTinyClipOnTheSameTilesAndPrompts() throws IOException {
    Path json = tmp.resolve("zeroshot.json");
    CliRun run =
        CliRun.of(
            "eval",
            "compare",
            "--threads",
            "1",
            file("eval/configs/demo-tiny-zeroshot.yaml"),
            "--model-b",
            TINY.toString(),
            "--json",
            json.toString());
    assertEquals(0, run.exitCode(), run.err());
    JsonNode root = JSON.readTree(json.toFile());
    JsonNode accuracy = metric(root, "accuracy");
    assertEquals(15.0 / 72, accuracy.get("b").asDouble(), 1e-12);
    assertEquals(-0.8638, accuracy.get("difference_ci").get(0).asDouble(), 1e-4);
    assertEquals(-0.6268, accuracy.get("difference_ci").get(1).asDouble(), 1e-4);
    assertEquals(55, root.get("mcnemar").get("b").asInt());
    assertEquals(1, root.get("mcnemar").get("c").asInt());
    assertEquals(1.582067810090848e-15, root.get("mcnemar").get("p_value").asDouble(), 1e-27);
    assertTrue(
        run.out().contains("model tiny-clip-bpe (") && run.out().contains("16 slides"), run.out());
    // A is the committed config's expected values; B what eval run measures with B's model; B − A
    // their difference.
    EvalConfig config =
        EvalConfigReader.read(Path.of(file("eval/configs/demo-tiny-zeroshot.yaml")));
    requireSidesAsEvalRunMeasures(
        root,
        config,
        null,
        EvalRun.run(config.withModel(TINY), CPU, skipped -> {}, cache()).values());
  }

  @Test
  void retrievalIsComparedQueryByQuery() throws IOException {
    // 18 tiles of one center (9 slides): small, since both sides also run alone for the
    // cross-check.
    Path config = tmp.resolve("retrieval.yaml");
    Files.writeString(
        config,
        """
        name: retrieval-18
        model: %s
        dataset: {generate: {per_class: 2, centers: 1, seed: 7}}
        task: {type: retrieval}
        bootstrap: {resamples: 100}
        """
            .formatted(Fixtures.demoBundle().toAbsolutePath()));
    Path json = tmp.resolve("retrieval.json");
    CliRun run =
        CliRun.of(
            "eval",
            "compare",
            "--threads",
            "1",
            config.toString(),
            "--model-b",
            TINY.toString(),
            "--json",
            json.toString());
    assertEquals(0, run.exitCode(), run.err());
    JsonNode root = JSON.readTree(json.toFile());
    assertTrue(root.get("mcnemar") == null, root.toString());
    assertEquals(18, metric(root, "i2i_mmv@5").get("items").asInt());
    EvalConfig read = EvalConfigReader.read(config);
    requireSidesAsEvalRunMeasures(
        root,
        read,
        EvalRun.run(read, CPU, skipped -> {}, cache()).values(),
        EvalRun.run(read.withModel(TINY), CPU, skipped -> {}, cache()).values());
    // From a first run: the untrained model finds a caption's own tile among its first 5 for 4 of
    // 18 captions, the demo model for all.
    JsonNode recall = metric(root, "t2i_recall@5");
    assertEquals(-14.0 / 18, recall.get("difference").asDouble(), 1e-12);
    assertEquals(-0.9474, recall.get("difference_ci").get(0).asDouble(), 1e-4);
    assertEquals(-0.6200, recall.get("difference_ci").get(1).asDouble(), 1e-4);
    assertEquals(2.0 / 101, recall.get("p_value").asDouble(), 1e-15);
  }

  /**
   * Each side's values in the comparison are those eval run measures for it alone, and, drawn from
   * the same resamples, so are its intervals; A's values are also the config's expected ones.
   *
   * @param a eval run's values for A, or null to check A against the config's expected block only
   */
  private static void requireSidesAsEvalRunMeasures(
      JsonNode root, EvalConfig config, List<MetricValue> a, List<MetricValue> b) {
    assertEquals(b.size(), root.get("metrics").size());
    for (int m = 0; m < b.size(); m++) {
      JsonNode row = metric(root, b.get(m).name());
      if (config.expected().containsKey(b.get(m).name())) {
        assertEquals(
            config.expected().get(b.get(m).name()), row.get("a").asDouble(), 1e-6, row.toString());
      }
      if (a != null) {
        assertEquals(a.get(m).value(), row.get("a").asDouble(), 1e-12, row.toString());
        assertEquals(
            a.get(m).interval().lower(), row.get("a_ci").get(0).asDouble(), 1e-12, row.toString());
      }
      assertEquals(b.get(m).value(), row.get("b").asDouble(), 1e-12, row.toString());
      assertEquals(
          b.get(m).interval().upper(), row.get("b_ci").get(1).asDouble(), 1e-12, row.toString());
      assertEquals(
          row.get("b").asDouble() - row.get("a").asDouble(),
          row.get("difference").asDouble(),
          1e-12,
          row.toString());
    }
  }

  @Test
  void fewShotSettingsArePairedOnTheTilesNeitherTrainedOn() throws IOException {
    // 2 and 4 shots per class from the same seed: the 4-shot draw holds the 2-shot one, so 72 − 9·4
    // = 36 tiles are left.
    Path fourShots = tmp.resolve("four.yaml");
    Files.writeString(
        fourShots,
        Files.readString(Path.of(file("eval/configs/demo-tiny-fewshot.yaml")))
            .replace("shots: 2", "shots: 4")
            .replace("name: demo-tiny-fewshot", "name: four-shots")
            .replace("../../", Fixtures.root().toAbsolutePath() + "/"));
    Path json = tmp.resolve("fewshot.json");
    CliRun run =
        CliRun.of(
            "eval",
            "compare",
            "--threads",
            "1",
            file("eval/configs/demo-tiny-fewshot.yaml"),
            fourShots.toString(),
            "--json",
            json.toString());
    assertEquals(0, run.exitCode(), run.err());
    JsonNode root = JSON.readTree(json.toFile());
    assertEquals(36, root.get("paired_tiles").asInt());
    JsonNode accuracy = metric(root, "accuracy");
    assertEquals(32.0 / 36, accuracy.get("a").asDouble(), 1e-12);
    assertEquals(35.0 / 36, accuracy.get("b").asDouble(), 1e-12);
    assertEquals(0.0, accuracy.get("difference_ci").get(0).asDouble(), 1e-12);
    assertEquals(1, root.get("mcnemar").get("b").asInt());
    assertEquals(4, root.get("mcnemar").get("c").asInt());
    assertEquals(0.375, root.get("mcnemar").get("p_value").asDouble(), 1e-15);
    assertTrue(run.out().contains("B: four-shots (" + fourShots + ")"), run.out());
  }

  @Test
  void aComparisonThatCannotBeMadeIsNamedBeforeAnyModelLoads() throws IOException {
    String zeroShot = file("eval/configs/demo-tiny-zeroshot.yaml");
    String bundle = Fixtures.demoBundle().toAbsolutePath().toString();
    Path otherTiles = tmp.resolve("seed8.yaml");
    Files.writeString(
        otherTiles,
        """
        name: seed8
        model: %s
        dataset: {generate: {per_class: 4, centers: 2, seed: 8}}
        task: {type: zeroshot, prompts: %s}
        """
            .formatted(
                bundle,
                file("prompts/src/main/resources/org/pathlens/prompts/sets/demo-crc9.json")));
    Path indexed = tmp.resolve("indexed.yaml");
    Files.writeString(
        indexed,
        """
        name: indexed
        model: %s
        dataset: {index: idx}
        task: {type: zeroshot, prompts: %s}
        """
            .formatted(
                bundle,
                file("prompts/src/main/resources/org/pathlens/prompts/sets/demo-crc9.json")));
    Map<List<String>, String> problems =
        Map.of(
            List.of(zeroShot),
            "nothing to compare "
                + zeroShot
                + " with: give --model-b DIR, --prompts-b FILE or a second CONFIG",
            List.of(zeroShot, zeroShot, "--model-b", bundle),
            "give B either as a second CONFIG or as --model-b/--prompts-b, not both",
            List.of(zeroShot, file("eval/configs/demo-tiny-retrieval.yaml")),
            "is a zeroshot task and B ",
            List.of(file("eval/configs/demo-tiny-fewshot.yaml"), "--prompts-b", "x.json"),
            "is not a zero-shot config",
            List.of(zeroShot, otherTiles.toString()),
            "must evaluate the same dataset (the same dataset: block, or two indexes of the same tiles): A's is generate "
                + "{per_class: 4, centers: 2, seed: 7}, B's generate {per_class: 4, centers: 2, seed: 8}",
            List.of(indexed.toString(), "--model-b", bundle),
            "--model-b: " + indexed + " reads its tiles' embeddings from an index",
            List.of(zeroShot, "--model-b", bundle, "--resamples", "0"),
            "--resamples must be >= 1, got 0",
            List.of(file("eval/configs/demo-cases-retrieval-slide.yaml"), "--model-b", bundle),
            "demo-cases-retrieval-slide.yaml: task.level: eval compare pairs the tile retrieval"
                + " task without a level");
    for (Map.Entry<List<String>, String> problem : problems.entrySet()) {
      List<String> args = new ArrayList<>(List.of("eval", "compare"));
      args.addAll(problem.getKey());
      CliRun run = CliRun.of(args.toArray(String[]::new));
      assertEquals(ErrorReporter.USER_ERROR, run.exitCode(), problem.getKey() + ": " + run.err());
      assertTrue(
          run.err().contains("pathlens eval compare: ") && run.err().contains(problem.getValue()),
          run.err());
      assertTrue(run.out().isEmpty(), run.out());
    }
  }

  private static Map<String, String> labelsById(Path manifest) throws IOException {
    List<List<String>> rows = Csv.parse(Files.readString(manifest));
    int id = rows.getFirst().indexOf("tile_id");
    int label = rows.getFirst().indexOf("label");
    Map<String, String> out = new HashMap<>();
    for (List<String> row : rows.subList(1, rows.size())) {
      out.put(row.get(id), row.get(label));
    }
    return out;
  }

  /** The prediction of {@code pathlens classify} for each tile of an index, by tile id. */
  private static Map<String, String> classify(Path index, String prompts) throws IOException {
    CliRun run =
        CliRun.of(
            "classify",
            "--model",
            Fixtures.demoBundle().toString(),
            "--prompts",
            prompts,
            "--index",
            index.toString(),
            "--threads",
            "1",
            "--no-cache");
    assertEquals(0, run.exitCode(), run.err());
    Map<String, String> out = new HashMap<>();
    for (String line : run.outLines()) {
      JsonNode node = JSON.readTree(line);
      out.put(node.get("input").asText(), node.get("prediction").asText());
    }
    return out;
  }

  private static EvalRun.TileCache cache() {
    return new EvalRun.TileCache(SyntheticDatasets.GENERATOR);
  }
}
