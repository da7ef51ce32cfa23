package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SavedClassifier;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.prompts.slides.SlidePooling;

/**
 * {@code classifiers list|show|delete} and {@code --classifier} on {@code classify} and {@code
 * heatmap}: a classifier saved with an index of a generated slide, its slide result recomputed here
 * from the stored vectors (prototypes, top-K pooling, softmax with the bundle's logit scale).
 */
class ClassifiersCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void savedClassifiersAreListedShownUsedAndDeleted() throws IOException {
    Path slide =
        SyntheticSlide.write(
                tmp.resolve("S-1.tiff"),
                new SyntheticSlide.Options(
                    2048, 1536, "center-a", 5, 7, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    Path indexDir = tmp.resolve("index");
    SlideClassifyCommandTest.indexSlide(slide, "S-1", indexDir);
    String model = Fixtures.demoBundle().toString();
    String index = indexDir.toString();
    Map<String, float[]> stored = new TreeMap<>();
    double logitScale;
    try (VisionLanguageModel vlm =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex tiles =
            TileIndex.open(
                IndexLocation.of(indexDir),
                IndexProvenance.of(vlm.bundle()),
                IndexSettings.defaults())) {
      logitScale = vlm.logitScale();
      tiles.forEachTile(TileFilter.ALL, t -> stored.put(t.record().id(), t.embedding()));
      List<String> ids = new ArrayList<>(stored.keySet());
      tiles
          .classifiers()
          .save(
              classifier(
                  "tumor", ids.subList(0, 3), ids.subList(6, 9), stored, tiles.provenance()));
      IndexProvenance other =
          new IndexProvenance("other-model", "e".repeat(64), tiles.provenance().embeddingDim());
      tiles
          .classifiers()
          .save(classifier("foreign", ids.subList(0, 1), ids.subList(1, 2), stored, other));
    }
    List<String> ids = new ArrayList<>(stored.keySet());

    CliRun list = CliRun.of("classifiers", "list", "--index", index);
    assertEquals(0, list.exitCode(), list.err());
    assertEquals(2, list.outLines().size());
    JsonNode tumor = JSON.readTree(list.outLines().get(1));
    assertEquals("tumor", tumor.get("name").asText());
    assertEquals("prototype", tumor.get("method").asText());
    assertEquals("[\"tumor\",\"not tumor\"]", tumor.get("classes").toString());
    assertEquals(3, tumor.get("relevant").asInt());

    CliRun show = CliRun.of("classifiers", "show", "tumor", "--index", index);
    assertEquals(0, show.exitCode(), show.err());
    JsonNode shown = JSON.readTree(show.out());
    assertEquals(JSON.valueToTree(ids.subList(0, 3)), shown.path("examples").get("relevant"));
    assertEquals(JSON.valueToTree(ids.subList(6, 9)), shown.path("examples").get("not_relevant"));

    Path geojson = tmp.resolve("geojson");
    CliRun perSlide =
        CliRun.of(
            "classify",
            "--model",
            model,
            "--classifier",
            "tumor",
            "--index",
            index,
            "--per-slide",
            "--geojson",
            geojson.toString());
    assertEquals(0, perSlide.exitCode(), perSlide.err());
    JsonNode result = JSON.readTree(perSlide.outLines().getFirst());
    double[] expected =
        slideProbabilities(stored, ids.subList(0, 3), ids.subList(6, 9), logitScale);
    assertEquals(expected[0], result.path("probabilities").get("tumor").asDouble(), 1e-5);
    assertEquals(expected[1], result.path("probabilities").get("not tumor").asDouble(), 1e-5);
    JsonNode features =
        JSON.readTree(Files.readString(geojson.resolve("S-1.geojson"))).get("features");
    assertEquals(stored.size(), features.size());
    assertTrue(
        features.get(0).path("properties").path("measurements").has("p(not tumor)"),
        features.get(0).toString());

    Path png = tmp.resolve("heatmap.png");
    CliRun heatmap =
        CliRun.of(
            "heatmap",
            "--model",
            model,
            "--index",
            index,
            "--classifier",
            "tumor",
            "--slide",
            "S-1",
            "--class",
            "tumor",
            "--out",
            png.toString());
    assertEquals(0, heatmap.exitCode(), heatmap.err());
    assertTrue(Files.size(png) > 0);
    CliRun wrongClass =
        CliRun.of(
            "heatmap",
            "--model",
            model,
            "--index",
            index,
            "--classifier",
            "tumor",
            "--slide",
            "S-1",
            "--class",
            "TUM",
            "--out",
            png.toString());
    assertEquals(2, wrongClass.exitCode());
    assertTrue(wrongClass.err().contains("not tumor"), wrongClass.err());

    CliRun both =
        CliRun.of(
            "classify",
            "--model",
            model,
            "--classifier",
            "tumor",
            "--prompts",
            "demo-crc9",
            "--index",
            index);
    assertEquals(2, both.exitCode());
    assertTrue(both.err().contains("not both"), both.err());
    CliRun unknown =
        CliRun.of("classify", "--model", model, "--classifier", "nope", "--index", index);
    assertEquals(2, unknown.exitCode());
    assertTrue(unknown.err().contains("foreign, tumor"), unknown.err());
    CliRun foreign =
        CliRun.of("classify", "--model", model, "--classifier", "foreign", "--index", index);
    assertEquals(2, foreign.exitCode());
    assertTrue(foreign.err().contains("another model's index"), foreign.err());

    assertEquals(0, CliRun.of("classifiers", "delete", "tumor", "--index", index).exitCode());
    CliRun again = CliRun.of("classifiers", "delete", "tumor", "--index", index);
    assertEquals(2, again.exitCode());
    assertTrue(again.err().contains("it has foreign"), again.err());
    assertEquals(1, CliRun.of("classifiers", "list", "--index", index).outLines().size());
  }

  private static SavedClassifier classifier(
      String name,
      List<String> relevant,
      List<String> notRelevant,
      Map<String, float[]> stored,
      IndexProvenance bundle) {
    return new SavedClassifier(
        name,
        SavedClassifier.PROTOTYPE,
        relevant.stream().map(id -> new SavedClassifier.Example(id, stored.get(id))).toList(),
        notRelevant.stream().map(id -> new SavedClassifier.Example(id, stored.get(id))).toList(),
        null,
        null,
        bundle.bundleName(),
        bundle.contentHash(),
        bundle.embeddingDim(),
        "2026-12-07T23:00:00Z",
        "2026-12-07T23:00:00Z");
  }

  /** The slide's probabilities, recomputed in double precision from the stored vectors. */
  private static double[] slideProbabilities(
      Map<String, float[]> stored, List<String> relevant, List<String> notRelevant, double scale) {
    double[][] prototypes = {mean(stored, relevant), mean(stored, notRelevant)};
    int k = SlidePooling.DEFAULT.kFor(stored.size());
    double[] pooled = new double[2];
    for (int c = 0; c < 2; c++) {
      double[] cosines = new double[stored.size()];
      int t = 0;
      for (float[] v : stored.values()) {
        double dot = 0;
        for (int d = 0; d < v.length; d++) {
          dot += v[d] * prototypes[c][d];
        }
        cosines[t++] = dot;
      }
      Arrays.sort(cosines);
      pooled[c] =
          Arrays.stream(cosines, cosines.length - k, cosines.length).average().orElseThrow();
    }
    double max = Math.max(pooled[0], pooled[1]);
    double a = Math.exp(scale * (pooled[0] - max));
    double b = Math.exp(scale * (pooled[1] - max));
    return new double[] {a / (a + b), b / (a + b)};
  }

  private static double[] mean(Map<String, float[]> stored, List<String> ids) {
    double[] sum = new double[stored.get(ids.getFirst()).length];
    for (String id : ids) {
      float[] v = stored.get(id);
      for (int d = 0; d < sum.length; d++) {
        sum[d] += v[d];
      }
    }
    double norm = Math.sqrt(Arrays.stream(sum).map(x -> x * x).sum());
    return Arrays.stream(sum).map(x -> x / norm).toArray();
  }
}
