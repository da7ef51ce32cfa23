package org.pathlens.eval.segmentation;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.eval.config.DatasetGenerator;
import org.pathlens.eval.config.EvalConfig;
import org.pathlens.eval.config.EvalConfigReader;
import org.pathlens.eval.config.EvalRun;
import org.pathlens.eval.config.Expectations;
import org.pathlens.eval.metrics.MetricValue;
import org.pathlens.eval.report.EvalRunReports;
import org.pathlens.eval.report.ReportWriter;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.Centers;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.RegionTruth;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.testkit.TestData;

/**
 * The committed segmentation configs (eval/configs/demo-slides-segmentation*.yaml: the demo model
 * by argmax and by a threshold, the untrained tiny CLIP by argmax) run as {@code eval run} runs
 * them and reproduce their expected values; each run's tiles are exported with their ids and class
 * probabilities, and fixtures/scripts/segmentation_reference.py recomputes, in numpy, every tile's
 * true class from the generator's regions JSON (its own point-in-polygon) and every Dice and IoU.
 */
class SegmentationNumpyTest {

  static final List<String> CONFIGS =
      List.of(
          "demo-slides-segmentation",
          "demo-slides-segmentation-threshold",
          "demo-slides-segmentation-untrained",
          "demo-slides-segmentation-saved");

  @TempDir Path tmp;

  @Test
  void theCommittedConfigsEqualNumpyOnTheExportedTiles() throws Exception {
    Map<String, Path> regionFiles = new LinkedHashMap<>();
    Path kept = Files.createDirectories(tmp.resolve("regions"));
    DatasetGenerator generator =
        new DatasetGenerator() {
          @Override
          public Path write(Path dir, int perClass, int centers, long seed, String layout)
              throws IOException {
            // The saved classifiers' example tiles.
            return SyntheticTiles.write(
                    dir, perClass, centers, seed, SyntheticTiles.Layout.parse(layout))
                .manifest();
          }

          @Override
          public List<Slide> writeSlides(
              Path dir, int count, int width, int height, int centers, long seed)
              throws IOException {
            List<Slide> slides = new ArrayList<>();
            for (int i = 0; i < count; i++) {
              String center = Centers.generate(centers, seed + i).get(i % centers).name();
              SyntheticSlide.Summary s =
                  SyntheticSlide.write(
                      dir.resolve(String.format("slide-%02d.tiff", i)),
                      new SyntheticSlide.Options(
                          width,
                          height,
                          center,
                          centers,
                          seed + i,
                          PyramidTiffWriter.Compression.JPEG,
                          2));
              Path copy = kept.resolve(s.regions().getFileName());
              Files.copy(s.regions(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
              regionFiles.put(String.format("slide-%02d", i), copy);
              slides.add(new Slide(s.slide(), center, RegionTruth.read(s.regions())::classAt));
            }
            return slides;
          }
        };
    Map<String, EvalRun.Result> results = new LinkedHashMap<>();
    try (EvalRun.TileCache cache = EvalRun.TileCache.keepingGeneratedTiles(generator)) {
      for (String name : CONFIGS) {
        EvalConfig config =
            EvalConfigReader.read(Fixtures.root().resolve("eval/configs/" + name + ".yaml"));
        EvalRun.Result result =
            EvalRun.run(
                config,
                EncoderOptions.defaults().withThreads(2),
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
    // Argmax puts every tile in exactly one mask; the threshold leaves some tiles in none.
    EvalRun.Segmented argmax = results.get("demo-slides-segmentation").segmented();
    for (boolean[] tile : argmax.masks().predicted()) {
      assertEquals(1, count(tile));
    }
    EvalRun.Segmented threshold = results.get("demo-slides-segmentation-threshold").segmented();
    assertTrue(
        java.util.Arrays.stream(threshold.masks().predicted()).anyMatch(t -> count(t) == 0),
        "some tile reaches 0.5 for no class");
    assertEquals(
        4, new java.util.HashSet<>(List.of(argmax.masks().slides())).size(), "four slides");

    // The saved classifiers are made from generated tiles, not the slides': every tile is scored,
    // the same tiles as zero-shot.
    EvalRun.Segmented saved = results.get("demo-slides-segmentation-saved").segmented();
    assertEquals(argmax.tileIds(), saved.tileIds());
    assertEquals(argmax.masks().classIds(), saved.masks().classIds());

    EvalRun.Result demo = results.get("demo-slides-segmentation");
    String html =
        Files.readString(
            ReportWriter.write(
                EvalRunReports.of(
                    demo, Expectations.check(demo.config(), demo.values()), "eval run"),
                tmp.resolve("report")));
    assertTrue(
        html.contains("Zero-shot segmentation") && html.contains("dice/TUM"),
        "the report's segmentation table");

    Optional<String> python = TestData.pythonWithNumpy();
    assumeTrue(
        python.isPresent(), "needs a Python with numpy (/usr/bin/python3 or PATHLENS_PYTHON)");
    JsonNode numpy = numpy(python.get(), results, regionFiles);
    for (Map.Entry<String, EvalRun.Result> entry : results.entrySet()) {
      String name = entry.getKey();
      EvalRun.Segmented segmented = entry.getValue().segmented();
      JsonNode truth = numpy.get("truth").get(name);
      for (int i = 0; i < segmented.tileIds().size(); i++) {
        assertEquals(
            truth.get(i).asText(),
            segmented.masks().classIds().get(segmented.masks().truth()[i]),
            name + " " + segmented.tileIds().get(i) + ": the true class at its centre");
      }
      JsonNode expected = numpy.get("expected").get(name);
      assertEquals(expected.size(), entry.getValue().values().size(), name + ": metric count");
      for (MetricValue v : entry.getValue().values()) {
        assertTrue(expected.has(v.name()), name + ": numpy has " + v.name());
        assertEquals(expected.get(v.name()).asDouble(), v.value(), 1e-12, name + " " + v.name());
      }
    }
  }

  private static int count(boolean[] masks) {
    int n = 0;
    for (boolean m : masks) {
      n += m ? 1 : 0;
    }
    return n;
  }

  private JsonNode numpy(
      String python, Map<String, EvalRun.Result> results, Map<String, Path> regionFiles)
      throws IOException, InterruptedException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode export = json.createObjectNode();
    ArrayNode classes = export.putArray("classes");
    results.values().iterator().next().segmented().masks().classIds().forEach(classes::add);
    ObjectNode regions = export.putObject("regions");
    regionFiles.forEach((slide, file) -> regions.put(slide, file.toString()));
    ArrayNode runs = export.putArray("runs");
    results.forEach(
        (name, result) -> {
          ObjectNode run = runs.addObject();
          run.put("name", name);
          ArrayNode runClasses = run.putArray("classes");
          result.segmented().masks().classIds().forEach(runClasses::add);
          Double t = ((EvalConfig.Segmentation) result.config().task()).threshold();
          if (t == null) {
            run.putNull("threshold");
          } else {
            run.put("threshold", t);
          }
          ArrayNode ids = run.putArray("ids");
          result.segmented().tileIds().forEach(ids::add);
          ArrayNode probabilities = run.putArray("probabilities");
          for (float[] p : result.segmented().probabilities()) {
            ArrayNode row = probabilities.addArray();
            for (float v : p) {
              row.add(v);
            }
          }
        });
    Path in = tmp.resolve("tiles.json");
    Path out = tmp.resolve("numpy.json");
    json.writeValue(in.toFile(), export);
    Process p =
        new ProcessBuilder(
                python,
                Fixtures.root().resolve("fixtures/scripts/segmentation_reference.py").toString(),
                in.toString(),
                out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the reference script finished");
    assertEquals(0, p.exitValue(), log);
    return json.readTree(out.toFile());
  }
}
