package org.pathlens.eval.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.eval.config.DatasetGenerator;
import org.pathlens.eval.config.EvalConfig;
import org.pathlens.eval.config.EvalConfigReader;
import org.pathlens.eval.config.EvalRun;
import org.pathlens.eval.metrics.MetricValue;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SlideRegions;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.testkit.TestData;

/**
 * Segmentation scored against QuPath GeoJSON annotations: two generated slides, each with a GeoJSON
 * file of its generator regions as QuPath exports annotations (class = the region's class, no
 * outline for the filler stroma). Tiles whose centre lies in no annotation are left out; numpy
 * recomputes every kept tile's class (smallest annotation holding its centre, its own polygon
 * arithmetic) and every Dice and IoU.
 */
class AnnotatedSlidesSegmentationTest {

  @TempDir Path tmp;

  @Test
  void qupathRegionsAreTheTruthAndTilesOutsideThemAreLeftOut() throws Exception {
    Path slides = Files.createDirectories(tmp.resolve("slides"));
    Path regions = Files.createDirectories(tmp.resolve("regions"));
    ObjectMapper json = new ObjectMapper();
    Set<String> annotated = new HashSet<>();
    String[][] made = {{"slide-00", "center-a", "11"}, {"slide-01", "center-b", "12"}};
    for (String[] m : made) {
      SyntheticSlide.Summary s =
          SyntheticSlide.write(
              slides.resolve(m[0] + ".tiff"),
              new SyntheticSlide.Options(
                  2048,
                  1536,
                  m[1],
                  2,
                  Long.parseLong(m[2]),
                  PyramidTiffWriter.Compression.JPEG,
                  2));
      ObjectNode collection = json.createObjectNode().put("type", "FeatureCollection");
      ArrayNode features = collection.putArray("features");
      int n = 0;
      for (SlideRegions.Region region : SlideRegions.read(s.regions()).regions()) {
        ObjectNode feature = features.addObject().put("type", "Feature").put("id", "r" + n++);
        ObjectNode geometry = feature.putObject("geometry").put("type", "Polygon");
        ArrayNode ring = geometry.putArray("coordinates").addArray();
        for (double[] point : region.polygon()) {
          ring.addArray().add(point[0]).add(point[1]);
        }
        ring.addArray().add(region.polygon().getFirst()[0]).add(region.polygon().getFirst()[1]);
        ObjectNode properties = feature.putObject("properties").put("objectType", "annotation");
        properties.putObject("classification").put("name", region.label());
        annotated.add(region.label());
      }
      json.writeValue(regions.resolve(m[0] + ".geojson").toFile(), collection);
    }
    Path file = tmp.resolve("annotated.yaml");
    Files.writeString(
        file,
        "name: annotated\nmodel: "
            + Fixtures.demoBundle()
            + "\ndataset: {slide_files: slides, regions: regions}\n"
            + "task: {type: segmentation, prompts: demo-crc9}\n"
            + "bootstrap: {resamples: 50, seed: 1}\n");
    EvalConfig config = EvalConfigReader.read(file);
    EvalRun.Result result =
        EvalRun.run(
            config,
            EncoderOptions.defaults().withThreads(2),
            reason -> {
              throw new AssertionError("skipped " + reason);
            },
            new EvalRun.TileCache(DatasetGenerator.NONE));
    TileMasks masks = result.segmented().masks();
    assertTrue(result.tiles() > 10, result.tiles() + " tiles");
    for (int t : masks.truth()) {
      assertTrue(annotated.contains(masks.classIds().get(t)), "only annotated classes are true");
    }
    assertFalse(annotated.contains("STR"), "the filler has no annotation: its tiles are left out");
    assertEquals(2, new HashSet<>(List.of(masks.slides())).size());

    Optional<String> python = TestData.pythonWithNumpy();
    assumeTrue(
        python.isPresent(), "needs a Python with numpy (/usr/bin/python3 or PATHLENS_PYTHON)");
    ObjectNode export = json.createObjectNode();
    masks.classIds().forEach(export.putArray("classes")::add);
    ObjectNode regionFiles = export.putObject("regions");
    ObjectNode sides = export.putObject("sides");
    for (String[] m : made) {
      regionFiles.put(m[0], regions.resolve(m[0] + ".geojson").toString());
      sides.put(m[0], 224); // the demo bundle's 224 px at 0.5 µm/px on a 0.5 µm/px slide
    }
    ObjectNode run = export.putArray("runs").addObject().put("name", "annotated");
    run.putNull("threshold");
    result.segmented().tileIds().forEach(run.putArray("ids")::add);
    ArrayNode probabilities = run.putArray("probabilities");
    for (float[] p : result.segmented().probabilities()) {
      ArrayNode row = probabilities.addArray();
      for (float v : p) {
        row.add(v);
      }
    }
    Path in = tmp.resolve("tiles.json");
    Path out = tmp.resolve("numpy.json");
    json.writeValue(in.toFile(), export);
    Process p =
        new ProcessBuilder(
                python.get(),
                Fixtures.root().resolve("fixtures/scripts/segmentation_reference.py").toString(),
                in.toString(),
                out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the reference script finished");
    assertEquals(0, p.exitValue(), log);
    JsonNode numpy = json.readTree(out.toFile());
    JsonNode truth = numpy.get("truth").get("annotated");
    for (int i = 0; i < masks.size(); i++) {
      assertEquals(
          truth.get(i).asText(),
          masks.classIds().get(masks.truth()[i]),
          result.segmented().tileIds().get(i));
    }
    JsonNode expected = numpy.get("expected").get("annotated");
    assertEquals(expected.size(), result.values().size());
    for (MetricValue v : result.values()) {
      assertEquals(expected.get(v.name()).asDouble(), v.value(), 1e-12, v.name());
    }
  }
}
