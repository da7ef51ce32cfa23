package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.Embeddings;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.export.ModelExport;
import org.pathlens.encoders.preprocess.RgbImages;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.StoredTile;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIds;
import org.pathlens.index.TileIndex;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;
import org.pathlens.testkit.TestData;

/**
 * The proof for pre-projection features: CONCH's own classes at a small seeded config
 * ({@code ../shared/refmodels}), exported with {@code export conch} (which carries {@code
 * proj_contrast} as the bundle's image projection); a slide's patches through the ORIGINAL CONCH
 * code as TRIDENT calls it ({@code encode_image(x, proj_contrast=False, normalize=False)}), stored
 * by h5py in TRIDENT's layout ({@code fixtures/scripts/conch_trident_features.py}); ingested with
 * {@code --feature-space pre-projection}, every tile's embedding is the original {@code
 * forward_project}'s, normalised (cosine at least 0.9999), and text search ranks the tiles as those
 * embeddings do. Skipped where {@code ../shared/refmodels}, torch, h5py or the npm {@code
 * tokenizers} CONCH's tokenizer runs on are missing ({@code .ci/run} installs them).
 */
class ConchPreProjectionFeaturesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PATCH = 224;

  @TempDir Path tmp;

  @Test
  void originalCodeFeaturesBecomeTextSearchableAsForwardProjectPutsThem() throws Exception {
    String python = TestData.pythonWithTorch().orElse(null);
    Path refmodels = Fixtures.shared().map(s -> s.resolve("refmodels")).orElse(null);
    Path nodeModules =
        Path.of(System.getProperty("user.home"), ".cache/refmodels-node/node_modules");
    assumeTrue(
        python != null
            && TestData.pythonWithH5py().isPresent()
            && refmodels != null
            && Files.isDirectory(refmodels)
            && Files.isDirectory(nodeModules.resolve("tokenizers")),
        "needs ../shared/refmodels, torch, h5py and npm tokenizers");

    // The model as a CONCH user has it (config + checkpoint), then its bundle.
    Path work = tmp.resolve("conch");
    Path texts = Files.writeString(tmp.resolve("texts.json"), "[\"an H&E image of tumor.\"]");
    Path someTile = refmodels.resolveSibling("data/tiles/crc-he/ADI-AAQEFMRI.tif");
    run(
        python,
        Map.of("REFMODELS", refmodels.toString(), "REFMODELS_NODE_MODULES", nodeModules.toString()),
        Fixtures.dir().resolve("scripts/refmodels_reference.py").toString(),
        "conch",
        "--size",
        "small",
        "--work",
        work.toString(),
        "--texts-file",
        texts.toString(),
        "--images",
        someTile.toString());
    JsonNode ref = JSON.readTree(work.resolve("reference.json").toFile());
    List<String> exportArgs = new ArrayList<>();
    ref.get("export_args").forEach(a -> exportArgs.add(a.asText()));
    assertEquals("conch", exportArgs.removeFirst());
    List<Path> pythonPath = new ArrayList<>();
    ref.get("pythonpath").forEach(p -> pythonPath.add(Path.of(p.asText())));
    Path bundle = tmp.resolve("conch-bundle");
    new ModelExport(
            python,
            pythonPath,
            Map.of("NODE_PATH", nodeModules.toString()),
            "conch",
            exportArgs,
            bundle)
        .run(EncoderOptions.defaults(), line -> {});
    assertTrue(Files.isRegularFile(bundle.resolve("image_projection.pt")));

    // A slide's patches as TRIDENT reads them, and their features by the original code.
    String slideId = "C-1";
    Path slide =
        SyntheticSlide.write(
                tmp.resolve("slides/" + slideId + ".tiff"),
                new SyntheticSlide.Options(
                    1344, 896, "center-e", 5, 16, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    Path patches = Files.createDirectories(tmp.resolve("patches"));
    StringBuilder csv = new StringBuilder("x,y,path\n");
    try (SlideReader reader = SlideReaders.open(slide)) {
      for (int y = 0; y + PATCH <= 896; y += PATCH) {
        for (int x = 0; x + PATCH <= 1344; x += PATCH) {
          Path png = patches.resolve(x + "_" + y + ".png");
          ImageIO.write(
              RgbImages.toBufferedImage(reader.readRegion(0, x, y, PATCH, PATCH)),
              "png",
              png.toFile());
          csv.append(x).append(',').append(y).append(',').append(png).append('\n');
        }
      }
    }
    Path features = Files.createDirectories(tmp.resolve("trident/features_conch_v1"));
    Path expectedFile = tmp.resolve("expected.json");
    run(
        python,
        Map.of("REFMODELS", refmodels.toString()),
        Fixtures.dir().resolve("scripts/conch_trident_features.py").toString(),
        exportArgs.get(exportArgs.indexOf("--config") + 1),
        exportArgs.get(exportArgs.indexOf("--checkpoint") + 1),
        Files.writeString(tmp.resolve("patches.csv"), csv).toString(),
        features.resolve(slideId + ".h5").toString(),
        String.valueOf(PATCH),
        expectedFile.toString());
    Map<String, float[]> expected = new HashMap<>();
    for (JsonNode patch : JSON.readTree(expectedFile.toFile()).get("patches")) {
      String id = TileIds.ofPosition(slideId, patch.get("x").asInt(), patch.get("y").asInt());
      float[] projected = floats(patch.get("forward_project"));
      // the projection the bundle carries is the one CONCH's image tower applies
      assertEquals(1.0, Embeddings.dot(projected, floats(patch.get("encode_image"))), 1e-4, id);
      expected.put(id, projected);
    }

    // Which the rows are is not guessed: CONCH's features are as long before proj_contrast as
    // after it. TRIDENT names them conch_v1, the small bundle conch-small: trusted as the same.
    Path index = tmp.resolve("index");
    List<String> ingest =
        List.of(
            "ingest",
            "--model",
            bundle.toString(),
            "--index",
            index.toString(),
            "--features",
            tmp.resolve("trident").toString(),
            "--slides",
            slide.toString(),
            "--trust-features");
    CliRun unsaid = CliRun.of(ingest.toArray(String[]::new));
    assertEquals(2, unsaid.exitCode(), unsaid.err());
    assertTrue(unsaid.err().contains("--feature-space pre-projection"), unsaid.err());
    List<String> said = new ArrayList<>(ingest);
    said.addAll(List.of("--feature-space", "pre-projection"));
    CliRun imported = CliRun.of(said.toArray(String[]::new));
    assertEquals(0, imported.exitCode(), imported.err());

    Map<String, StoredTile> stored = new HashMap<>();
    float[] query;
    try (VisionLanguageModel model = VisionLanguageModel.load(bundle, EncoderOptions.defaults());
        TileIndex tiles =
            TileIndex.openForSearch(
                index, IndexProvenance.of(model.bundle()), IndexSettings.defaults())) {
      tiles.forEachTile(TileFilter.ALL, t -> stored.put(t.record().id(), t));
      query = model.texts().encode("tumor");
    }
    assertEquals(expected.keySet(), stored.keySet());
    double worst = 1;
    for (Map.Entry<String, float[]> e : expected.entrySet()) {
      worst = Math.min(worst, Embeddings.dot(e.getValue(), stored.get(e.getKey()).embedding()));
    }
    System.out.printf(
        "CONCH pre-projection features: worst cosine to forward_project %.7f%n", worst);
    assertTrue(worst >= 0.9999, "worst cosine " + worst);

    // Text search answers as the original embeddings rank the tiles (ties within 1e-3 aside).
    CliRun search =
        CliRun.of(
            "search",
            "--model",
            bundle.toString(),
            "--index",
            index.toString(),
            "--text",
            "tumor",
            "--k",
            "10");
    assertEquals(0, search.exitCode(), search.err());
    List<String> hits = new ArrayList<>();
    for (String line : search.outLines()) {
      hits.add(JSON.readTree(line).get("id").asText());
    }
    List<Map.Entry<String, float[]>> ranked = new ArrayList<>(expected.entrySet());
    ranked.sort(
        Comparator.comparingDouble(
            (Map.Entry<String, float[]> e) -> -Embeddings.dot(e.getValue(), query)));
    double tenth = Embeddings.dot(ranked.get(9).getValue(), query);
    for (String hit : hits) {
      assertTrue(Embeddings.dot(expected.get(hit), query) >= tenth - 1e-3, hit + " in " + hits);
    }
    for (Map.Entry<String, float[]> e : ranked) {
      if (Embeddings.dot(e.getValue(), query) > tenth + 1e-3) {
        assertTrue(hits.contains(e.getKey()), e.getKey() + " missing from " + hits);
      }
    }
    assertEquals(10, hits.size());
  }

  private static float[] floats(JsonNode array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) array.get(i).asDouble();
    }
    return values;
  }

  private static void run(String python, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(python));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(10, TimeUnit.MINUTES), "timed out: " + command);
    assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
  }
}
