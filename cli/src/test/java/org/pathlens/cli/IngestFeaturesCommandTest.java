package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.StoredTile;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.testkit.H5Files;
import org.pathlens.testkit.TestData;

/**
 * {@code ingest --features} from a TRIDENT job folder, as a lab keeps one: the slide's zero-shot
 * answer and the tiles' classifications equal those of {@code ingest --slides} of the same slide at
 * the same tiles; a file of another model is refused in one line, exit 2.
 */
class IngestFeaturesCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void aTridentJobFolderIngestsToTheSameZeroShotAnswersAsTheSlide() throws Exception {
    assumeTrue(TestData.pythonWithH5py().isPresent(), "needs /usr/bin/python3 with h5py");
    Path slide =
        SyntheticSlide.write(
                tmp.resolve("slides/S-7.tiff"),
                new SyntheticSlide.Options(
                    2048, 1536, "center-b", 5, 5, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    String model = Fixtures.demoBundle().toString();
    Path fromSlide = tmp.resolve("from-slide");
    CliRun tiled =
        CliRun.of(
            "ingest",
            "--model",
            model,
            "--index",
            fromSlide.toString(),
            "--slides",
            slide.toString(),
            "--mpp",
            "0.5");
    assertEquals(0, tiled.exitCode(), tiled.err());

    // TRIDENT's layout: <job>/<mag>x_<size>px_0px_overlap/features_<encoder>/<slide>.h5
    Path features =
        Files.createDirectories(
            tmp.resolve("job/20x_224px_0px_overlap/features_pathlens-demo-crc9"));
    Files.createDirectories(tmp.resolve("job/20x_224px_0px_overlap/patches"));
    writeFeaturesOf(fromSlide, features.resolve("S-7.h5"));

    Path fromFeatures = tmp.resolve("from-features");
    CliRun imported =
        CliRun.of(
            "ingest",
            "--model",
            model,
            "--index",
            fromFeatures.toString(),
            "--features",
            tmp.resolve("job").toString(),
            "--slides",
            slide.getParent().toString());
    assertEquals(0, imported.exitCode(), imported.err());
    assertTrue(imported.out().startsWith("tiles "), imported.out());

    for (List<String> extra : List.of(List.of("--per-slide"), List.<String>of())) {
      List<JsonNode> a = classify(model, fromSlide, extra);
      List<JsonNode> b = classify(model, fromFeatures, extra);
      assertEquals(a.size(), b.size());
      assertTrue(!a.isEmpty());
      for (int i = 0; i < a.size(); i++) {
        assertEquals(a.get(i).path("input"), b.get(i).path("input"));
        assertEquals(a.get(i).get("prediction"), b.get(i).get("prediction"));
        JsonNode pa = a.get(i).get("probabilities"), pb = b.get(i).get("probabilities");
        for (String c : iterable(pa.fieldNames())) {
          assertEquals(pa.get(c).asDouble(), pb.get(c).asDouble(), 1e-5, c);
        }
      }
    }

    // Features of another model: one line naming the file, exit 2, the index as it was.
    Path other = Files.createDirectories(tmp.resolve("other"));
    H5Files.write(
        other.resolve("S-7.h5"),
        Map.of(
            "coords",
            H5Files.Dataset.int64(new long[][] {{0, 0}}, 0, tridentAttrs()),
            "features",
            H5Files.Dataset.float32(new float[1][768], 0, Map.of("encoder", "conch_v15"))));
    CliRun refused =
        CliRun.of(
            "ingest",
            "--model",
            model,
            "--index",
            fromFeatures.toString(),
            "--features",
            other.toString());
    assertEquals(2, refused.exitCode());
    assertEquals(1, refused.err().lines().count(), refused.err());
    assertTrue(refused.err().contains("S-7.h5") && refused.err().contains("768"), refused.err());
  }

  private static List<JsonNode> classify(String model, Path index, List<String> extra)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "classify",
                "--model",
                model,
                "--prompts",
                "demo-crc9",
                "--index",
                index.toString()));
    args.addAll(extra);
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    List<JsonNode> lines = new ArrayList<>();
    for (String line : run.outLines()) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  /** The slide's tiles as TRIDENT would have written them: coords and (unnormalised) features. */
  private static void writeFeaturesOf(Path index, Path out) throws Exception {
    List<long[]> coords = new ArrayList<>();
    List<float[]> features = new ArrayList<>();
    try (VisionLanguageModel model =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex tiles =
            TileIndex.openForSearch(
                index, IndexProvenance.of(model.bundle()), IndexSettings.defaults())) {
      tiles.forEachTile(
          TileFilter.ALL,
          (StoredTile t) -> {
            coords.add(new long[] {t.record().x(), t.record().y()});
            float[] raw = t.embedding().clone();
            for (int j = 0; j < raw.length; j++) {
              raw[j] *= 7.5f;
            }
            features.add(raw);
          });
    }
    Map<String, Object> featureAttrs = new LinkedHashMap<>();
    featureAttrs.put("encoder", "pathlens-demo-crc9");
    featureAttrs.put("name", "S-7");
    H5Files.write(
        out,
        Map.of(
            "coords",
            H5Files.Dataset.int64(coords.toArray(long[][]::new), 16, tridentAttrs()),
            "features",
            H5Files.Dataset.float32(features.toArray(float[][]::new), 16, featureAttrs)));
  }

  private static Map<String, Object> tridentAttrs() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("patch_size", 224);
    a.put("patch_size_level0", 224);
    a.put("level0_magnification", 20);
    a.put("target_magnification", 20);
    a.put("overlap", 0);
    return a;
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
    return () -> iterator;
  }
}
