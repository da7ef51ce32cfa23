package org.pathlens.eval.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.eval.classify.LabelledTiles;
import org.pathlens.eval.config.DatasetGenerator;
import org.pathlens.eval.config.EvalConfig;
import org.pathlens.eval.config.EvalConfigReader;
import org.pathlens.eval.config.EvalRun;
import org.pathlens.eval.config.Expectations;
import org.pathlens.eval.metrics.MetricValue;
import org.pathlens.eval.report.EvalRunReports;
import org.pathlens.eval.report.ReportWriter;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.ManifestRow;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.testkit.TestData;

/**
 * The committed case retrieval configs (eval/configs/demo-cases-retrieval-*.yaml, the demo model's
 * and the untrained tiny CLIP's) run as {@code eval run} runs them; each model's tile embeddings
 * are exported with their ids, labels, slides and patients, and
 * fixtures/scripts/case_retrieval_reference.py computes every metric from that export in numpy (its
 * own pooling, labels, leave-one-patient-out and ranking). Every number must agree. Each config's
 * expected values and the report's level section are checked first, with or without Python.
 */
class CaseRetrievalNumpyTest {

  /** The configs by model: each model's tiles are embedded once and serve its levels. */
  static final Map<String, List<String>> CONFIGS =
      Map.of(
          "demo",
          List.of("tile", "slide", "patient-early", "patient-late"),
          "untrained",
          List.of("slide-untrained", "patient-early-untrained", "patient-late-untrained"));

  @TempDir Path tmp;

  @Test
  void theCommittedConfigsEqualNumpyOnTheExportedEmbeddings() throws Exception {
    List<Path> generated = new ArrayList<>();
    DatasetGenerator generator =
        (dir, perClass, centers, seed, layout) -> {
          generated.add(dir);
          return SyntheticTiles.write(
                  dir, perClass, centers, seed, SyntheticTiles.Layout.parse(layout))
              .manifest();
        };
    Map<String, EvalRun.Result> results = new HashMap<>();
    Map<Path, ManifestRow> rows = new HashMap<>();
    try (EvalRun.TileCache cache = EvalRun.TileCache.keepingGeneratedTiles(generator)) {
      for (List<String> names : CONFIGS.values()) {
        for (String name : names) {
          EvalConfig config =
              EvalConfigReader.read(
                  Fixtures.root().resolve("eval/configs/demo-cases-retrieval-" + name + ".yaml"));
          EvalRun.Result result =
              EvalRun.run(
                  config,
                  EncoderOptions.defaults(),
                  reason -> {
                    throw new AssertionError("skipped " + reason);
                  },
                  cache);
          assertTrue(
              Expectations.allOk(Expectations.check(config, result.values())),
              name + ": " + Expectations.check(config, result.values()));
          results.put(name, result);
        }
      }
      assertEquals(1, generated.size(), "the configs share one generated dataset");
      Path dir = generated.getFirst();
      for (ManifestRow row : ManifestRow.read(dir.resolve("manifest.csv"))) {
        rows.put(dir.resolve(row.path()).toAbsolutePath().normalize(), row);
      }
    }
    // Each level's report has its section, saying what was left out.
    EvalRun.Result slide = results.get("slide");
    String html =
        Files.readString(
            ReportWriter.write(
                EvalRunReports.of(
                    slide, Expectations.check(slide.config(), slide.values()), "eval run"),
                tmp.resolve("report")));
    assertTrue(
        html.contains("Slide retrieval")
            && html.contains("Slide retrieval per class")
            && html.contains("the query&#39;s own patient")
            && html.contains("slide_map@5/TUM"),
        html);

    Optional<String> python = TestData.pythonWithNumpy();
    assumeTrue(
        python.isPresent(), "needs a Python with numpy (/usr/bin/python3 or PATHLENS_PYTHON)");
    for (Map.Entry<String, List<String>> model : CONFIGS.entrySet()) {
      JsonNode numpy = numpy(python.get(), model.getKey(), model.getValue(), results, rows);
      for (String name : model.getValue()) {
        EvalRun.Result result = results.get(name);
        JsonNode expected = numpy.get("expected").get(name);
        assertEquals(expected.size(), result.values().size(), name + ": metric count");
        for (MetricValue v : result.values()) {
          assertTrue(expected.has(v.name()), name + ": numpy has " + v.name());
          assertEquals(expected.get(v.name()).asDouble(), v.value(), 1e-9, name + " " + v.name());
        }
        List<String> numpyIds = new ArrayList<>();
        numpy.get("item_ids").get(name).forEach(id -> numpyIds.add(id.asText()));
        assertEquals(numpyIds, result.cases().ids(), name + ": the items");
        List<String> numpyLabels = new ArrayList<>();
        numpy.get("item_labels").get(name).forEach(l -> numpyLabels.add(l.asText()));
        assertEquals(numpyLabels, result.cases().labels(), name + ": their labels");
        assertEquals(numpy.get("mixed").get(name).asInt(), result.cases().mixedLabels(), name);
      }
    }
    // The cases layout lends a third of each slide to the next class: labels are majorities.
    assertTrue(results.get("slide").cases().mixedLabels() > 0);
    // Early and late fusion differ where slides of a patient differ in size.
    assertTrue(
        results.get("patient-early-untrained").values().getFirst().value()
            != results.get("patient-late-untrained").values().getFirst().value());
  }

  /**
   * Exports the tiles one model embedded (any of its results holds them all) with their ids,
   * labels, slides and patients, and runs the numpy reference on them for {@code names}.
   */
  private JsonNode numpy(
      String python,
      String model,
      List<String> names,
      Map<String, EvalRun.Result> results,
      Map<Path, ManifestRow> rows)
      throws IOException, InterruptedException {
    EvalRun.Result any = results.get(names.getFirst());
    ObjectMapper json = new ObjectMapper();
    ObjectNode export = json.createObjectNode();
    ArrayNode ids = export.putArray("ids");
    ArrayNode embeddings = export.putArray("embeddings");
    ArrayNode labels = export.putArray("labels");
    ArrayNode slides = export.putArray("slides");
    ArrayNode patients = export.putArray("patients");
    for (int i = 0; i < any.embedded().size(); i++) {
      LabelledTiles.Tile tile = any.embedded().tiles().get(i);
      ManifestRow row = rows.get(tile.file().toAbsolutePath().normalize());
      ids.add(row.tileId());
      ArrayNode vector = embeddings.addArray();
      for (float v : any.embedded().embeddings().get(i)) {
        vector.add(v);
      }
      labels.add(tile.label());
      slides.add(tile.group());
      patients.add(row.patientId());
    }
    assertEquals(9 * 13 * 3, ids.size());
    ArrayNode levels = export.putArray("levels");
    for (String name : names) {
      EvalConfig.Retrieval task = (EvalConfig.Retrieval) results.get(name).config().task();
      ObjectNode level = levels.addObject();
      level.put("name", name);
      level.put("level", task.level().label());
      if (task.fusion() == null) {
        level.putNull("fusion");
      } else {
        level.put("fusion", task.fusion().label());
      }
      level.put("patients", true);
    }
    ArrayNode ks = export.putArray("ks");
    EvalConfig.Retrieval.DEFAULT_KS.forEach(ks::add);
    Path tilesFile = tmp.resolve(model + "-tiles.json");
    Path out = tmp.resolve(model + "-numpy.json");
    json.writeValue(tilesFile.toFile(), export);
    Process p =
        new ProcessBuilder(
                python,
                Fixtures.root().resolve("fixtures/scripts/case_retrieval_reference.py").toString(),
                "--tiles",
                tilesFile.toString(),
                out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the reference script finished");
    assertEquals(0, p.exitValue(), log);
    return json.readTree(out.toFile());
  }
}
