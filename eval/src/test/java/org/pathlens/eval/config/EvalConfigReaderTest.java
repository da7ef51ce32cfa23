package org.pathlens.eval.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.retrieval.PatientFusion;
import org.pathlens.eval.retrieval.RetrievalLevel;
import org.pathlens.eval.robustness.PerformanceDrop;
import org.pathlens.fixtures.Fixtures;

class EvalConfigReaderTest {

  @TempDir Path tmp;

  @Test
  void readsTheCommittedTinyConfigWithPathsRelativeToIt() {
    EvalConfig c =
        EvalConfigReader.read(Fixtures.root().resolve("eval/configs/demo-tiny-zeroshot.yaml"));
    assertEquals(Fixtures.demoBundle().toAbsolutePath().normalize(), c.model());
    assertEquals(new EvalConfig.Generated(4, 2, 7, List.of()), c.dataset());
    assertEquals(new EvalConfig.ZeroShot(Path.of("demo-crc9")), c.task());
    assertEquals(new Bootstrap(200, 20260, 0.95), c.bootstrap());
    assertEquals(6, c.expected().size());
  }

  @Test
  void problemsNameTheFileAndTheField() throws IOException {
    Path f = tmp.resolve("bad.yaml");
    Files.writeString(
        f,
        "name: x\nmodel: m\ndataset: {generate: {per_class: 2, centers: 1}}\ntask: {type: zeroshot, prompts: p.json}\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EvalConfigReader.read(f));
    assertEquals(f + ": dataset.generate.seed: missing", e.getMessage());
    Files.writeString(
        f,
        "name: x\nmodel: m\ndataset: {labels: l.csv}\ntask: {type: fewshot, shots: 2, method: svm}\n");
    e = assertThrows(IllegalArgumentException.class, () -> EvalConfigReader.read(f));
    assertTrue(
        e.getMessage().startsWith(f + ": task.method: \"svm\" is not one of"), e.getMessage());
    Files.writeString(
        f,
        "name: x\nmodel: m\ndataset: {labels: l.csv}\ntask: {type: retrieval}\nexpected: {accuracy: high}\n");
    e = assertThrows(IllegalArgumentException.class, () -> EvalConfigReader.read(f));
    assertTrue(
        e.getMessage().startsWith(f + ": expected.accuracy: expected a number"), e.getMessage());
  }

  @Test
  void screenPromptsTakesTrueFalseOrTheShareKept() throws IOException {
    EvalConfig committed =
        EvalConfigReader.read(
            Fixtures.root().resolve("eval/configs/demo-tiny-zeroshot-screened.yaml"));
    assertEquals(new EvalConfig.ZeroShot(Path.of("demo-crc9"), false, 0.5), committed.task());
    assertEquals(
        "prompt set demo-crc9, screened without labels (top 50 % of each class's variants)",
        ((EvalConfig.ZeroShot) committed.task()).describe("demo-crc9"));
    Path f = tmp.resolve("screen.yaml");
    String head = "name: x\nmodel: m\ndataset: {labels: l.csv}\n";
    Map<String, Double> read =
        Map.of("false", -1.0, "0.25", 0.25, "1", 1.0, "true", 0.5, "null", -1.0);
    for (Map.Entry<String, Double> c : read.entrySet()) {
      Files.writeString(
          f,
          head + "task: {type: zeroshot, prompts: p.json, screen_prompts: " + c.getKey() + "}\n");
      Double share = ((EvalConfig.ZeroShot) EvalConfigReader.read(f).task()).screenPrompts();
      assertEquals(c.getValue() < 0 ? null : c.getValue(), share, c.getKey());
    }
    for (String bad : List.of("0", "1.5", "-0.5", "half", "[0.5]")) {
      Files.writeString(
          f, head + "task: {type: zeroshot, prompts: p.json, screen_prompts: " + bad + "}\n");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> EvalConfigReader.read(f), bad);
      assertTrue(
          e.getMessage()
              .startsWith(
                  f
                      + ": task.screen_prompts: expected true, false or the share of each class's"
                      + " prompt variants to keep, in (0, 1]"),
          e.getMessage());
    }
  }

  @Test
  void segmentationTakesSavedClassifiersFromGeneratedExampleTiles() throws IOException {
    EvalConfig committed =
        EvalConfigReader.read(
            Fixtures.root().resolve("eval/configs/demo-slides-segmentation-saved.yaml"));
    assertEquals(
        new EvalConfig.Segmentation(
            null,
            0.5,
            new EvalConfig.SavedClassifiers(
                new EvalConfig.Generated(3, 2, 7, List.of()), "prototype")),
        committed.task());
    Path f = tmp.resolve("saved.yaml");
    String head =
        "name: x\nmodel: m\ndataset: {slides: {count: 2, width: 512, height: 512, seed: 3}}\n";
    Files.writeString(
        f, head + "task: {type: segmentation, classifiers: {examples: {per_class: 2}}}\n");
    EvalConfig.Segmentation read = (EvalConfig.Segmentation) EvalConfigReader.read(f).task();
    assertEquals(
        new EvalConfig.SavedClassifiers(new EvalConfig.Generated(2, 1, 1, List.of()), "prototype"),
        read.classifiers(),
        "one center, seed 1 and the prototype method unless given");
    assertEquals("argmax", read.rule());

    Map<String, String> refused =
        Map.of(
            head
                + "task: {type: segmentation, prompts: demo-crc9,"
                + " classifiers: {examples: {per_class: 2}}}",
            "task: a segmentation task takes prompts (zero-shot) or classifiers (saved classifiers"
                + " from example tiles), one of them",
            head + "task: {type: segmentation}",
            "task: a segmentation task takes prompts (zero-shot) or classifiers (saved classifiers"
                + " from example tiles), one of them",
            head + "task: {type: segmentation, classifiers: {examples: {per_class: 0}}}",
            "task.classifiers.examples: per_class and centers must be whole numbers >= 1",
            head + "task: {type: segmentation, classifiers: {examples: 3}}",
            "task.classifiers.examples: the generated example tiles: {per_class: N, centers: C,"
                + " seed: S}",
            head
                + "task: {type: segmentation, classifiers: {examples: {per_class: 2}, method:"
                + " knn}}",
            "task.classifiers.method: \"knn\" is not one of [prototype, linear-probe]",
            head
                + "task: {type: segmentation, classifiers: {examples: {per_class: 2}, shots:"
                + " 2}}",
            "task.classifiers.shots: unknown; classifiers take examples and method");
    for (Map.Entry<String, String> r : refused.entrySet()) {
      Files.writeString(f, r.getKey() + "\n");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> EvalConfigReader.read(f));
      assertEquals(f + ": " + r.getValue(), e.getMessage());
    }
  }

  @Test
  void segmentationTakesPromptsAndARuleOnGeneratedSlides() throws IOException {
    EvalConfig committed =
        EvalConfigReader.read(
            Fixtures.root().resolve("eval/configs/demo-slides-segmentation-threshold.yaml"));
    assertEquals(new EvalConfig.GeneratedSlides(4, 2048, 1536, 2, 11), committed.dataset());
    assertEquals(new EvalConfig.Segmentation(Path.of("demo-crc9"), 0.5), committed.task());
    Path f = tmp.resolve("seg.yaml");
    String head =
        "name: x\nmodel: m\ndataset: {slides: {count: 2, width: 512, height: 512, seed: 3}}\n";
    Files.writeString(f, head + "task: {type: segmentation, prompts: demo-crc9}\n");
    EvalConfig read = EvalConfigReader.read(f);
    assertEquals(new EvalConfig.GeneratedSlides(2, 512, 512, 1, 3), read.dataset(), "1 center");
    assertEquals("argmax", ((EvalConfig.Segmentation) read.task()).rule());

    Map<String, String> refused =
        Map.of(
            head + "task: {type: segmentation, prompts: demo-crc9, rule: threshold}",
            "task.threshold: rule: threshold needs a threshold in (0, 1)",
            head + "task: {type: segmentation, prompts: demo-crc9, rule: threshold, threshold: 1}",
            "task.threshold: rule: threshold needs a threshold in (0, 1)",
            head + "task: {type: segmentation, prompts: demo-crc9, threshold: 0.5}",
            "task.threshold: belongs to rule: threshold, not rule: argmax",
            head + "task: {type: segmentation, prompts: demo-crc9, rule: otsu}",
            "task.rule: \"otsu\" is not one of argmax, threshold",
            "name: x\nmodel: m\ndataset: {labels: l.csv}\n"
                + "task: {type: segmentation, prompts: demo-crc9}",
            "task: segmentation needs tiles placed on slides with their ground truth; give"
                + " dataset: slides: {count, width, height, centers, seed}, or slide_files: PATH"
                + " with regions: PATH",
            "name: x\nmodel: m\ndataset: {slides: {count: 1, width: 512, height: 512, seed: 3},"
                + " regions: r}\ntask: {type: segmentation, prompts: demo-crc9}",
            "dataset.regions: belongs to slide_files: PATH, the slides it annotates",
            "name: x\nmodel: m\ndataset: {slides: {count: 0, width: 512, height: 512, seed: 3}}\n"
                + "task: {type: segmentation, prompts: demo-crc9}",
            "dataset.slides: generated slides need count >= 1, centers >= 1 and sides >= 64, got"
                + " count 0, centers 1, 512 x 512");
    for (Map.Entry<String, String> r : refused.entrySet()) {
      Files.writeString(f, r.getKey() + "\n");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> EvalConfigReader.read(f));
      assertEquals(f + ": " + r.getValue(), e.getMessage());
    }
  }

  @Test
  void caseRetrievalTakesALevelFusionAndKsWithDefaults() throws IOException {
    EvalConfig late =
        EvalConfigReader.read(
            Fixtures.root().resolve("eval/configs/demo-cases-retrieval-patient-late.yaml"));
    assertEquals(new EvalConfig.Generated(13, 3, 7, "cases", List.of()), late.dataset());
    assertEquals(
        new EvalConfig.Retrieval(RetrievalLevel.PATIENT, PatientFusion.LATE, List.of(1, 3, 5)),
        late.task());
    Path f = tmp.resolve("cases.yaml");
    String head = "name: x\nmodel: m\ndataset: {labels: l.csv}\n";
    Files.writeString(f, head + "task: {type: retrieval, level: patient}\n");
    assertEquals(
        new EvalConfig.Retrieval(RetrievalLevel.PATIENT, PatientFusion.LATE, List.of(1, 3, 5)),
        EvalConfigReader.read(f).task(),
        "late fusion and k = 1, 3, 5 by default");
    Files.writeString(f, head + "task: {type: retrieval, level: slide, ks: [10, 1]}\n");
    assertEquals(
        new EvalConfig.Retrieval(RetrievalLevel.SLIDE, null, List.of(10, 1)),
        EvalConfigReader.read(f).task());
    Files.writeString(f, head + "task: {type: retrieval}\n");
    assertEquals(new EvalConfig.Retrieval(), EvalConfigReader.read(f).task(), "the tile task");

    Map<String, String> refused =
        Map.of(
            "task: {type: retrieval, level: case}",
            "task.level: \"case\" is not one of tile, slide, patient",
            "task: {type: retrieval, level: slide, fusion: early}",
            "task.fusion: only patients are fused; this task's level is slide",
            "task: {type: retrieval, level: patient, fusion: middle}",
            "task.fusion: \"middle\" is not one of early, late",
            "task: {type: retrieval, level: tile, ks: [0]}",
            "task.ks: expected distinct integers >= 1, got [0]",
            "task: {type: retrieval, ks: [1]}",
            "task: fusion and ks belong to case retrieval; give level: tile, slide or patient too",
            "task: {type: retrieval, level: tile, k: 5}",
            "task.k: unknown; a retrieval task takes level, fusion and ks");
    for (Map.Entry<String, String> r : refused.entrySet()) {
      Files.writeString(f, head + r.getKey() + "\n");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> EvalConfigReader.read(f));
      assertEquals(f + ": " + r.getValue(), e.getMessage());
    }
    Files.writeString(
        f,
        "name: x\nmodel: m\ndataset: {generate: {per_class: 4, centers: 1, seed: 1, layout: wards}}\n"
            + "task: {type: retrieval}\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EvalConfigReader.read(f));
    assertEquals(
        f + ": dataset.generate.layout: \"wards\" is not one of [mixed, cases]", e.getMessage());
  }

  @Test
  void robustnessTaskOptionsAndTheirDefaults() throws IOException {
    EvalConfig tiny =
        EvalConfigReader.read(Fixtures.root().resolve("eval/configs/demo-tiny-robustness.yaml"));
    assertEquals(
        new EvalConfig.Robustness(
            5, new PerformanceDrop.Options(List.of(1.0), 0.5, 1), new EvalConfig.Clustering(1)),
        tiny.task());
    Path f = tmp.resolve("r.yaml");
    Files.writeString(
        f, "name: x\nmodel: m\ndataset: {labels: l.csv}\ntask: {type: robustness, apd: {}}\n");
    assertEquals(
        new EvalConfig.Robustness(
            EvalConfigReader.DEFAULT_ROBUSTNESS_K, PerformanceDrop.Options.defaults(1), null),
        EvalConfigReader.read(f).task());
    Files.writeString(f, "name: x\nmodel: m\ndataset: {labels: l.csv}\ntask: {type: robustness}\n");
    assertEquals(
        new EvalConfig.Robustness(EvalConfigReader.DEFAULT_ROBUSTNESS_K, null, null),
        EvalConfigReader.read(f).task());
    Files.writeString(
        f,
        "name: x\nmodel: m\ndataset: {labels: l.csv}\ntask: {type: robustness, apd: {levels: [0, 1]}}\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EvalConfigReader.read(f));
    assertTrue(
        e.getMessage().startsWith(f + ": task.apd.levels: 0.0 is not in (0, 1]"), e.getMessage());
    Files.writeString(
        f,
        "name: x\nmodel: m\ndataset: {labels: l.csv}\ntask: {type: robustness, clustering: {seed: one}}\n");
    e = assertThrows(IllegalArgumentException.class, () -> EvalConfigReader.read(f));
    assertTrue(
        e.getMessage().startsWith(f + ": task.clustering.seed: expected an integer"),
        e.getMessage());
  }

  @Test
  void expectationsFailOutsideTheToleranceAndWhenMissing() throws IOException {
    Path f = tmp.resolve("c.yaml");
    Files.writeString(
        f,
        "name: x\nmodel: m\ndataset: {labels: l.csv, sites: [center-a]}\ntask: {type: retrieval}\n"
            + "tolerance: 0.01\nexpected: {a: 0.5, b: 0.5}\n");
    EvalConfig c = EvalConfigReader.read(f);
    assertInstanceOf(EvalConfig.LabelsCsv.class, c.dataset());
    assertEquals(List.of("center-a"), c.dataset().sites());
    assertEquals(Map.of("a", 0.5, "b", 0.5), c.expected());
    List<Expectations.Check> checks =
        Expectations.check(
            c,
            List.of(
                ExpectedValuesWriterTest.value("a", 0.509),
                ExpectedValuesWriterTest.value("b", 0.52),
                ExpectedValuesWriterTest.value("d", 0.5),
                ExpectedValuesWriterTest.value("a", Double.NaN)));
    assertEquals(
        List.of(
            Expectations.Status.OK,
            Expectations.Status.FAIL,
            Expectations.Status.MISSING,
            Expectations.Status.FAIL),
        checks.stream().map(Expectations.Check::status).toList());
    assertTrue(!Expectations.allOk(checks));
    assertTrue(Expectations.allOk(checks.subList(0, 1)));
  }
}
