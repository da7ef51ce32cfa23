package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.bundle.ModelBundle;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SlidePooling;
import org.pathlens.index.SlideVector;
import org.pathlens.index.TileIndex;
import org.pathlens.testkit.TestData;

/**
 * {@code index slide-vectors --slide-encoder}: the demo slide encoder ({@code
 * fixtures/scripts/make_slide_encoder.py}) over real slides' stored tile features and coordinates
 * gives the slide embeddings its original Python module gives the same features and coordinates as
 * {@code index export} writes them; what the contract cannot express is refused with nothing
 * stored.
 */
class SlideEncoderCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ENCODER = TestData.bundle("demo-slide-encoder");
  private static final String METHOD = "pathlens-demo-abmil";

  @TempDir Path tmp;

  /**
   * Two real slides of {@code ../shared}: CMU-1-Small-Region (Aperio JPEG, 0.499 µm/px, tiles 224
   * px at level 0) and the TCGA frozen section (JPEG 2000, no µm/px: told 0.25, so its 0.5 µm/px
   * tiles are 448 px at level 0 and the coordinates count in other units).
   */
  @Test
  void slideVectorsOfRealSlidesEqualThePythonModulesOnTheExportedFeatures() throws Exception {
    Path slides = Fixtures.shared().map(s -> s.resolve("data/slides")).orElse(null);
    assumeTrue(
        slides != null && Files.isRegularFile(slides.resolve("CMU-1-Small-Region.svs")),
        "../shared/data/slides missing");
    String python = TestData.pythonWithTorch().orElse(null);
    assumeTrue(
        python != null && TestData.pythonWithH5py().isPresent(),
        "needs /usr/bin/python3 with torch and h5py");
    Path index = tmp.resolve("index");
    ingest(index, slides.resolve("CMU-1-Small-Region.svs"));
    ingest(index, slides.resolve("TCGA-CR-7395-01A-01-TS1.svs"), "--mpp-override", "0.25");

    CliRun encoded =
        CliRun.of(
            "index",
            "slide-vectors",
            "--index",
            index.toString(),
            "--slide-encoder",
            ENCODER.toString());
    assertEquals(0, encoded.exitCode(), encoded.err());
    assertTrue(encoded.out().startsWith("slides 2 (method " + METHOD + ")"), encoded.out());
    assertTrue(encoded.err().contains("canary passed: 2 inputs"), encoded.err());
    Map<String, SlideVector> stored = storedVectors(index);
    assertEquals(2, stored.size(), stored.keySet().toString());

    Path export = tmp.resolve("export");
    CliRun exported =
        CliRun.of("index", "export", "--index", index.toString(), "--out", export.toString());
    assertEquals(0, exported.exitCode(), exported.err());
    Path result = tmp.resolve("python.json");
    Process p =
        new ProcessBuilder(
                python,
                Fixtures.dir().resolve("scripts/slide_encoder_reference.py").toString(),
                export.toString(),
                result.toString(),
                "--bundle",
                ENCODER.toString())
            .redirectErrorStream(true)
            .start();
    String printed = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), printed);
    System.out.print(printed);
    JsonNode reference = JSON.readTree(result.toFile()).get("slides");
    assertEquals(stored.keySet(), fieldNames(reference));
    List<Long> patchSizes = new java.util.ArrayList<>();
    for (SlideVector v : stored.values()) {
      JsonNode slide = reference.get(v.slideId());
      assertEquals(v.tiles(), slide.get("tiles").asInt(), v.slideId());
      patchSizes.add(slide.get("patch_size_level0").asLong());
      // the stored vector, read back from the index, against the module's output
      double cosine = 0;
      for (int d = 0; d < v.embedding().length; d++) {
        cosine += v.embedding()[d] * slide.get("python").get(d).asDouble();
      }
      assertTrue(cosine >= 0.9999, v.slideId() + ": cosine " + cosine);
      // and the export's slide_features_<encoder>/ file the script compared with
      assertTrue(slide.get("cosine").asDouble() >= 0.9999, printed);
    }
    assertEquals(List.of(224L, 448L), patchSizes.stream().sorted().toList());

    // The vectors are searchable as any stored slide vectors are.
    String cmu = "CMU-1-Small-Region";
    CliRun similar =
        CliRun.of(
            "similar",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--slide",
            cmu,
            "--rank-by",
            "embedding",
            "--slide-vectors",
            METHOD);
    assertEquals(0, similar.exitCode(), similar.err());
    assertTrue(similar.out().contains("TCGA-CR-7395-01A-01-TS1"), similar.out());
  }

  /**
   * A generated slide (always there): what the encoder cannot take is refused in one line, exit 2,
   * and nothing of its method is stored.
   */
  @Test
  void whatTheContractCannotExpressIsRefusedWithNothingStored() throws Exception {
    Path slide =
        SyntheticSlide.write(
                tmp.resolve("S-1.tiff"),
                new SyntheticSlide.Options(
                    1536, 1024, "center-a", 5, 3, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    Path index = tmp.resolve("index");
    ingest(index, slide);

    Path otherModel = copy(ENCODER, tmp.resolve("other-model"));
    edit(
        otherModel.resolve("model.json"),
        s -> s.replace("\"model\": \"pathlens-demo-crc9\"", "\"model\": \"conch_v15\""));
    refused(
        index,
        otherModel,
        "takes tile features of conch_v15 (model.json tile_features); the tiles of "
            + index
            + " were embedded by pathlens-demo-crc9: features of another model mean nothing to it");

    Path few = copy(ENCODER, tmp.resolve("few"));
    edit(few.resolve("model.json"), s -> s.replace("\"max_tiles\": 100000", "\"max_tiles\": 6"));
    refused(index, few, " takes at most 6 (model.json max_tiles)");

    Path titanLike = copy(ENCODER, tmp.resolve("titan-like"));
    edit(
        titanLike.resolve("model.json"),
        s -> s.replace("\"tile_size\": 224", "\"tile_size\": 512"));
    refused(
        index,
        titanLike,
        "slide S-1: tiles of 224 px at 0.500 µm/px; "
            + titanLike
            + " takes tiles of 512 px at 0.5 µm/px (model.json tile_features.tile_size, mpp):"
            + " ingest the slide with --tile-size 512 --mpp 0.5");

    Path tampered = copy(ENCODER, tmp.resolve("tampered"));
    // The first two values of the first reference embedding changed, as a kernel bug would.
    edit(
        tampered.resolve("canary.json"),
        s ->
            s.replaceFirst(
                "\"embedding\": \\[-?[0-9.e-]+, -?[0-9.e-]+", "\"embedding\": [0.9, -0.9"));
    refused(index, tampered, "canary.json: canary check failed: cosine 0.");

    Path tiles = tmp.resolve("tiles");
    Path manifest =
        SyntheticTiles.write(tiles, new SyntheticTiles.Options(2, 1, 2, 224, 2)).manifest();
    Path folderIndex = tmp.resolve("folder-index");
    CliRun folder =
        CliRun.of(
            "ingest",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            folderIndex.toString(),
            "--tiles",
            tiles.toString(),
            "--manifest",
            manifest.toString());
    assertEquals(0, folder.exitCode(), folder.err());
    refused(
        folderIndex,
        ENCODER,
        "no slide of "
            + folderIndex
            + " can be encoded: slide center-a-P01-S1: no slide record (tiles of a tile folder?)");

    CliRun both =
        CliRun.of(
            "index",
            "slide-vectors",
            "--index",
            index.toString(),
            "--slide-encoder",
            ENCODER.toString(),
            "--from",
            tmp.toString());
    assertEquals(2, both.exitCode());
    assertTrue(both.err().contains("give one of them"), both.err());

    // Beside the slide, a tile folder whose manifest names slides: those are left out and named.
    CliRun mixed =
        CliRun.of(
            "ingest",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--tiles",
            tiles.toString(),
            "--manifest",
            manifest.toString());
    assertEquals(0, mixed.exitCode(), mixed.err());
    CliRun encoded =
        CliRun.of(
            "index",
            "slide-vectors",
            "--index",
            index.toString(),
            "--slide-encoder",
            ENCODER.toString());
    assertEquals(0, encoded.exitCode(), encoded.err());
    assertEquals("slides 1 (method " + METHOD + ") in " + index, encoded.out().strip());
    assertTrue(encoded.err().contains("left out: center-a-P01-S1: no slide record"), encoded.err());
    SlideVector vector = storedVectors(index).get("S-1");
    SlideVector mean = storedVectors(index, SlidePooling.MEAN).get("S-1");
    assertEquals(64, vector.embedding().length);
    assertEquals(17, vector.tiles());
    assertEquals(mean.tiles(), vector.tiles());
    assertEquals(mean.metadata(), vector.metadata());
  }

  /**
   * An encoder that declares {@code "space": "pre-projection"} gets the rows of the feature file
   * the tiles were imported from, as the file held them (not unit length), not the projected
   * embeddings: its vector equals the Python module's on the exported rows, and differs from what
   * the same encoder makes of the embeddings.
   */
  @Test
  void aPreProjectionEncoderGetsTheImportedRowsAsTheFileHeldThem() throws Exception {
    String python = TestData.pythonWithTorch().orElse(null);
    assumeTrue(
        python != null && TestData.pythonWithH5py().isPresent(),
        "needs /usr/bin/python3 with torch and h5py");
    Path slide =
        SyntheticSlide.write(
                tmp.resolve("slides/S-3.tiff"),
                new SyntheticSlide.Options(
                    1536, 1024, "center-b", 5, 3, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    Path tiled = tmp.resolve("tiled");
    ingest(tiled, slide);
    List<long[]> coords = new java.util.ArrayList<>();
    try (TileIndex tiles =
        TileIndex.openForSearch(
            tiled,
            IndexProvenance.of(ModelBundle.load(Fixtures.demoBundle())),
            IndexSettings.defaults())) {
      tiles.forEachRawTile(
          org.pathlens.index.TileFilter.ALL,
          t -> coords.add(new long[] {t.record().x(), t.record().y()}));
    }
    // TRIDENT-style rows of the demo tower before its last linear: non-negative, not unit length.
    java.util.Random random = new java.util.Random(3);
    float[][] rows = new float[coords.size()][128];
    for (float[] row : rows) {
      for (int d = 0; d < row.length; d++) {
        row[d] = (float) Math.max(0, random.nextGaussian() * 2);
      }
    }
    Path features = Files.createDirectories(tmp.resolve("job/features_pathlens-demo-crc9"));
    Map<String, Object> attrs = new java.util.LinkedHashMap<>();
    attrs.put("patch_size", 224);
    attrs.put("patch_size_level0", 224);
    attrs.put("level0_magnification", 20);
    attrs.put("target_magnification", 20);
    attrs.put("overlap", 0);
    org.pathlens.testkit.H5Files.write(
        features.resolve("S-3.h5"),
        Map.of(
            "coords",
            org.pathlens.testkit.H5Files.Dataset.int64(coords.toArray(long[][]::new), 0, attrs),
            "features",
            org.pathlens.testkit.H5Files.Dataset.float32(
                rows, 0, Map.of("encoder", "pathlens-demo-crc9"))));
    Path bundle = TestData.demoBundleWithProjection(tmp.resolve("demo-projection"));
    Path index = tmp.resolve("index");
    CliRun imported =
        CliRun.of(
            "ingest",
            "--model",
            bundle.toString(),
            "--index",
            index.toString(),
            "--features",
            tmp.resolve("job").toString(),
            "--slides",
            slide.toString(),
            "--feature-space",
            "pre-projection");
    assertEquals(0, imported.exitCode(), imported.err());

    Path preProjection = copy(ENCODER, tmp.resolve("pre-projection"));
    edit(
        preProjection.resolve("model.json"),
        s -> s.replace("\"space\": \"embedding\"", "\"space\": \"pre-projection\""));
    refused(tiled, preProjection, "has no pre-projection feature stored");

    CliRun ofEmbeddings =
        CliRun.of(
            "index",
            "slide-vectors",
            "--index",
            index.toString(),
            "--slide-encoder",
            ENCODER.toString());
    assertEquals(0, ofEmbeddings.exitCode(), ofEmbeddings.err());
    float[] embeddingVector = storedVectors(index, METHOD, bundle).get("S-3").embedding();
    CliRun encoded =
        CliRun.of(
            "index",
            "slide-vectors",
            "--index",
            index.toString(),
            "--slide-encoder",
            preProjection.toString());
    assertEquals(0, encoded.exitCode(), encoded.err());
    SlideVector stored = storedVectors(index, METHOD, bundle).get("S-3");

    Path export = tmp.resolve("export");
    assertEquals(
        0,
        CliRun.of("index", "export", "--index", index.toString(), "--out", export.toString())
            .exitCode());
    Path result = tmp.resolve("python.json");
    Process p =
        new ProcessBuilder(
                python,
                Fixtures.dir().resolve("scripts/slide_encoder_reference.py").toString(),
                export.toString(),
                result.toString())
            .redirectErrorStream(true)
            .start();
    String printed = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), printed);
    JsonNode reference = JSON.readTree(result.toFile()).get("slides").get("S-3");
    double cosine = 0;
    double toEmbeddingVector = 0;
    for (int d = 0; d < stored.embedding().length; d++) {
      cosine += stored.embedding()[d] * reference.get("python").get(d).asDouble();
      toEmbeddingVector += stored.embedding()[d] * embeddingVector[d];
    }
    System.out.printf(
        "pre-projection rows: cosine %.7f to the Python module's, %.4f to the vector of the"
            + " embeddings%n",
        cosine, toEmbeddingVector);
    assertTrue(cosine >= 0.9999, "cosine " + cosine);
    assertTrue(toEmbeddingVector < 0.999, "the embeddings went in: cosine " + toEmbeddingVector);
  }

  private void refused(Path index, Path encoder, String expected) throws IOException {
    CliRun run =
        CliRun.of(
            "index",
            "slide-vectors",
            "--index",
            index.toString(),
            "--slide-encoder",
            encoder.toString());
    assertEquals(2, run.exitCode(), run.out() + run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().contains(expected), run.err());
    assertTrue(storedVectors(index).isEmpty(), "vectors stored despite the refusal");
  }

  private static void ingest(Path index, Path slide, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "ingest",
                "--model",
                Fixtures.demoBundle().toString(),
                "--index",
                index.toString(),
                "--slides",
                slide.toString()));
    args.addAll(List.of(more));
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.out() + run.err());
  }

  private static Map<String, SlideVector> storedVectors(Path index) throws IOException {
    return storedVectors(index, METHOD);
  }

  private static Map<String, SlideVector> storedVectors(Path index, String method)
      throws IOException {
    return storedVectors(index, method, Fixtures.demoBundle());
  }

  private static Map<String, SlideVector> storedVectors(Path index, String method, Path bundle)
      throws IOException {
    Map<String, SlideVector> vectors = new TreeMap<>();
    try (TileIndex tiles =
        TileIndex.openForSearch(
            index, IndexProvenance.of(ModelBundle.load(bundle)), IndexSettings.defaults())) {
      tiles.slideVectors().forEach(method, v -> vectors.put(v.slideId(), v));
    }
    return vectors;
  }

  private static java.util.Set<String> fieldNames(JsonNode node) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    return to;
  }

  private static void edit(Path file, java.util.function.UnaryOperator<String> change)
      throws IOException {
    String before = Files.readString(file);
    String after = change.apply(before);
    assertFalse(before.equals(after), "the edit changed nothing in " + file);
    Files.writeString(file, after);
  }
}
