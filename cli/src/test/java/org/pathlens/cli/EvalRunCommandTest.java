package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.eval.config.EvalConfigReader;
import org.pathlens.eval.config.EvalRun;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SlidePooling;
import org.pathlens.index.SlideVector;
import org.pathlens.index.TileIndex;

/**
 * The committed tiny evaluation configs reproduce their expected numbers (as Anserini's tiny
 * collection does in its unit tests): a change that moves one fails here until {@code ./pathlens
 * eval run --update eval/configs/demo-tiny-*.yaml} records it on purpose.
 */
class EvalRunCommandTest {

  @TempDir Path tmp;

  static String config(String name) {
    return Fixtures.root().resolve("eval/configs/" + name).toString();
  }

  @Test
  void theCommittedTinyConfigsReproduceTheirExpectedNumbers() {
    CliRun run =
        CliRun.of(
            "eval",
            "run",
            "--threads",
            "1",
            config("demo-tiny-zeroshot.yaml"),
            config("demo-tiny-retrieval.yaml"),
            config("demo-tiny-fewshot.yaml"),
            config("demo-tiny-robustness.yaml"),
            config("demo-tiny-robustness-combat.yaml"),
            config("demo-tiny-zeroshot-combat.yaml"),
            config("demo-tiny-zeroshot-screened.yaml"));
    assertEquals(0, run.exitCode(), run.out() + run.err());
    // The screened config says what it kept: half of each class's 18 variants, best first.
    assertTrue(
        run.out().contains("prompts screened without labels on the dataset's tiles")
            && run.out()
                .contains(
                    "    ADI: kept 9 of 18 on 72 tiles: \"a histopathology tile showing fat.\"")
            && run.out().contains("    TUM: kept 9 of 18 on 72 tiles: "),
        run.out());
    assertTrue(
        run.out().contains("6 OK, 0 FAIL")
            && run.out().contains("14 OK, 0 FAIL")
            && run.out().contains("3 OK, 0 FAIL")
            && run.out().contains("5 OK, 0 FAIL")
            && run.out().contains("4 OK, 0 FAIL"),
        run.out());
    assertTrue(
        run.out().contains("demo-tiny-robustness-combat, 72 tiles")
            && run.out().contains("accuracy@center-b"),
        run.out());
    assertTrue(
        run.out().contains("i2i_mmv@5")
            && run.out().contains("t2i_recall@10")
            && run.out().contains("robustness_index")
            && run.out().contains("apd_accuracy@1.00")
            && run.out().contains("clustering_score"),
        run.out());
    assertTrue(run.out().contains("72 tiles, model pathlens-demo-crc9"), run.out());
  }

  /**
   * The committed segmentation config through the command line's own slide generator: its slides,
   * ingested and scored, give the expected Dice and IoU (numpy agrees: SegmentationNumpyTest), and
   * the report has its table.
   */
  @Test
  void theCommittedSegmentationConfigReproducesItsNumbers() throws IOException {
    CliRun run =
        CliRun.of(
            "eval",
            "run",
            "--threads",
            "2",
            "--report",
            tmp.resolve("report").toString(),
            config("demo-slides-segmentation.yaml"));
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(
        run.out().contains("demo-slides-segmentation, 126 tiles, model pathlens-demo-crc9")
            && run.out().contains("20 OK, 0 FAIL")
            && run.out().contains("dice_macro")
            && run.out().contains("iou/TUM"),
        run.out());
    String html = Files.readString(tmp.resolve("report/report.html"));
    assertTrue(
        html.contains("Zero-shot segmentation")
            && html.contains("zero-shot segmentation with prompts demo-crc9, rule argmax")
            && html.contains("generated slides: 4 of 2048 x 1536 pixels"),
        html);
  }

  /**
   * The committed saved-classifier segmentation config through the command line: its example tiles
   * come from the command line's own tile generator, the slides' 126 tiles are all scored, and its
   * numbers hold; the report names the classifiers.
   */
  @Test
  void theCommittedSavedClassifierSegmentationConfigReproducesItsNumbers() throws IOException {
    CliRun run =
        CliRun.of(
            "eval",
            "run",
            "--threads",
            "2",
            "--report",
            tmp.resolve("report-saved").toString(),
            config("demo-slides-segmentation-saved.yaml"));
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(
        run.out().contains("demo-slides-segmentation-saved, 126 tiles, model pathlens-demo-crc9")
            && run.out().contains("20 OK, 0 FAIL"),
        run.out());
    String html = Files.readString(tmp.resolve("report-saved/report.html"));
    assertTrue(
        html.contains("Segmentation by saved classifiers")
            && html.contains("saved classifiers (prototype) from generated example tiles"),
        html);
  }

  @Test
  void aMovedNumberFailsUntilUpdateRecordsItKeepingComments() throws IOException {
    Path file = tmp.resolve("moved.yaml");
    String abs = Fixtures.root().toAbsolutePath().toString();
    Files.writeString(
        file,
        """
        # a deliberately wrong expectation
        name: moved
        model: %s/fixtures/demo-bundle
        dataset:
          generate: {per_class: 2, centers: 1, seed: 7}
        task: {type: zeroshot, prompts: %s/prompts/src/main/resources/org/pathlens/prompts/sets/demo-crc9.json}
        metrics: [accuracy, macro_auroc]
        bootstrap: {resamples: 50}
        expected:
          accuracy: 0.1   # chance is 1/9
        """
            .formatted(abs, abs));
    CliRun failing = CliRun.of("eval", "run", "--threads", "1", file.toString());
    assertEquals(1, failing.exitCode(), failing.out() + failing.err());
    assertTrue(
        failing.out().contains("FAIL    accuracy") && failing.out().contains("0.1000"),
        failing.out());
    assertTrue(
        failing.out().contains("MISSING macro_auroc") && failing.out().contains("0 OK, 2 FAIL"),
        failing.out());

    CliRun update = CliRun.of("eval", "run", "--threads", "1", "--update", file.toString());
    assertEquals(0, update.exitCode(), update.err());
    assertTrue(update.out().contains("updated 2 expected values"), update.out());
    String updated = Files.readString(file);
    assertTrue(
        updated.startsWith("# a deliberately wrong expectation\n")
            && updated.contains("   # chance is 1/9\n"),
        updated);

    CliRun passing = CliRun.of("eval", "run", "--threads", "1", file.toString());
    assertEquals(0, passing.exitCode(), passing.out());
    assertTrue(passing.out().contains("2 OK, 0 FAIL"), passing.out());
  }

  @Test
  void anIndexGivesTheSameNumbersAsTheTilesItWasBuiltFrom() throws IOException {
    Path tiles = tmp.resolve("tiles");
    SyntheticTiles.write(tiles, 2, 2, 7);
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
            tiles.resolve("manifest.csv").toString());
    assertEquals(0, ingest.exitCode(), ingest.err());
    String common =
        """
        model: %s
        task: {type: retrieval}
        metrics: [i2t_recall@5, t2i_label_precision@5, i2i_mmv@5, i2i_map@5]
        bootstrap: {resamples: 50}
        expected: {}
        """
            .formatted(bundle);
    Path fromFiles = tmp.resolve("files.yaml");
    Files.writeString(
        fromFiles,
        "name: files\ndataset: {labels: tiles/manifest.csv, sites: [center-b]}\n" + common);
    Path fromIndex = tmp.resolve("index.yaml");
    Files.writeString(
        fromIndex, "name: index\ndataset: {index: index, filter: 'site:center-b'}\n" + common);
    CliRun files = CliRun.of("eval", "run", "--threads", "1", "--update", fromFiles.toString());
    CliRun index = CliRun.of("eval", "run", "--threads", "1", "--update", fromIndex.toString());
    assertEquals(0, files.exitCode(), files.err());
    assertEquals(0, index.exitCode(), index.err());
    assertTrue(index.out().contains("index, 18 tiles"), index.out());
    String filesExpected =
        Files.readString(fromFiles).substring(Files.readString(fromFiles).indexOf("expected:"));
    String indexExpected =
        Files.readString(fromIndex).substring(Files.readString(fromIndex).indexOf("expected:"));
    assertEquals(filesExpected, indexExpected);
    assertTrue(filesExpected.contains("i2i_map@5: "), filesExpected);
  }

  @Test
  void caseRetrievalSaysWhatItQueriedAndRefusesAKTooLargeForItsPatients() throws IOException {
    String bundle = Fixtures.demoBundle().toAbsolutePath().toString();
    String common =
        """
        model: %s
        dataset:
          generate: {per_class: 4, centers: 2, seed: 7, layout: cases}
        metrics: [slide_acc@1, slide_mv@3_macro, slide_map@3/TUM]
        bootstrap: {resamples: 50}
        expected: {}
        """
            .formatted(bundle);
    Path slides = tmp.resolve("slides.yaml");
    Files.writeString(
        slides, "name: slides\ntask: {type: retrieval, level: slide, ks: [1, 3]}\n" + common);
    CliRun run = CliRun.of("eval", "run", "--threads", "1", "--update", slides.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err());
    // 9 classes x 2 centers x 2 patients x 2 slides of one tile each.
    assertTrue(
        run.out().contains("72 slides queried, each leaving out the query's own patient"),
        run.out());
    assertTrue(run.out().contains("updated 3 expected values"), run.out());
    Path patients = tmp.resolve("patients.yaml");
    Files.writeString(
        patients,
        "name: patients\ntask: {type: retrieval, level: patient, ks: [40]}\n"
            + common.replace("metrics: [slide_acc@1, slide_mv@3_macro, slide_map@3/TUM]\n", ""));
    CliRun refused = CliRun.of("eval", "run", "--threads", "1", patients.toString());
    assertEquals(ErrorReporter.USER_ERROR, refused.exitCode(), refused.out() + refused.err());
    assertTrue(
        refused.err().contains(patients + ": task.ks: k = 40 needs 40 candidates per query")
            && refused.err().contains("has 35 once the query patient is left out"),
        refused.err());
  }

  @Test
  void anIndexKeepsThePatientsThatCaseRetrievalLeavesOut() throws IOException {
    Path tiles = tmp.resolve("cases");
    SyntheticTiles.write(tiles, 4, 2, 7, SyntheticTiles.Layout.CASES);
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
            tiles.resolve("manifest.csv").toString());
    assertEquals(0, ingest.exitCode(), ingest.err());
    String common =
        """
        model: %s
        task: {type: retrieval, level: patient, fusion: early, ks: [1, 5]}
        metrics: [patient_acc@1, patient_mv@5, patient_map@5, patient_map@5_macro, patient_acc@1/LYM]
        bootstrap: {resamples: 50}
        expected: {}
        """
            .formatted(bundle);
    Path fromFiles = tmp.resolve("files.yaml");
    Files.writeString(fromFiles, "name: files\ndataset: {labels: cases/manifest.csv}\n" + common);
    Path fromIndex = tmp.resolve("index.yaml");
    Files.writeString(fromIndex, "name: index\ndataset: {index: index}\n" + common);
    CliRun files = CliRun.of("eval", "run", "--threads", "1", "--update", fromFiles.toString());
    CliRun index = CliRun.of("eval", "run", "--threads", "1", "--update", fromIndex.toString());
    assertEquals(0, files.exitCode(), files.err());
    assertEquals(0, index.exitCode(), index.err());
    // 9 classes x 2 centers x 2 patients: the index kept every tile's patient.
    assertTrue(
        index.out().contains("36 patients queried, each leaving out the query patient"),
        index.out());
    String filesExpected =
        Files.readString(fromFiles).substring(Files.readString(fromFiles).indexOf("expected:"));
    String indexExpected =
        Files.readString(fromIndex).substring(Files.readString(fromIndex).indexOf("expected:"));
    assertEquals(filesExpected, indexExpected);
    assertTrue(filesExpected.contains("patient_acc@1/LYM: "), filesExpected);

    // Slide level on the index evaluates the very slide vectors ingest stored for slide search.
    Path slides = tmp.resolve("slides.yaml");
    Files.writeString(
        slides,
        "name: slides\ndataset: {index: index}\n"
            + common
                .replace("level: patient, fusion: early", "level: slide")
                .replaceAll("metrics: .*\n", ""));
    EvalRun.Result result =
        EvalRun.run(
            EvalConfigReader.read(slides),
            EncoderOptions.defaults(),
            reason -> {
              throw new AssertionError(reason);
            },
            new EvalRun.TileCache(SyntheticDatasets.GENERATOR));
    Map<String, SlideVector> stored = new TreeMap<>();
    try (VisionLanguageModel vlm =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex opened =
            TileIndex.openForSearch(
                tmp.resolve("index"), IndexProvenance.of(vlm.bundle()), IndexSettings.defaults())) {
      opened.slideVectors().forEach(SlidePooling.MEAN, v -> stored.put(v.slideId(), v));
    }
    assertEquals(new ArrayList<>(stored.keySet()), result.cases().ids());
    for (int i = 0; i < result.cases().size(); i++) {
      assertArrayEquals(
          stored.get(result.cases().ids().get(i)).embedding(),
          result.cases().embeddings().get(i),
          1e-7f,
          result.cases().ids().get(i));
    }
  }

  @Test
  void aBadConfigIsNamedBeforeAnyWork() throws IOException {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(
        bad, "name: bad\nmodel: m\ndataset: {labels: x.csv}\ntask: {type: ranking}\n");
    CliRun run = CliRun.of("eval", "run", config("demo-tiny-zeroshot.yaml"), bad.toString());
    assertEquals(ErrorReporter.USER_ERROR, run.exitCode());
    assertTrue(run.err().contains(bad + ": task.type: \"ranking\" is not one of"), run.err());
    assertTrue(run.out().isEmpty(), run.out());
  }
}
