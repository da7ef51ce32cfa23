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
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.RgbImages;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.StoredTile;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;
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
    String model = Fixtures.demoBundle().toString();
    Path fromSlide = tmp.resolve("from-slide");
    Path slide = slideIngested("S-7", "center-b", 5, fromSlide, "0.5");

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

    assertSameZeroShot(model, fromSlide, fromFeatures, 1e-5);

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

  @Test
  void anExportedIndexIsReadByH5pyAndIngestsBackToTheSameAnswers() throws Exception {
    String python = TestData.pythonWithH5py().orElse(null);
    assumeTrue(python != null, "needs /usr/bin/python3 with h5py");
    String model = Fixtures.demoBundle().toString();
    Path original = tmp.resolve("original");
    Path slide = slideIngested("S-8", "center-c", 9, original, "1.0");
    Path exported = tmp.resolve("exported");
    CliRun export =
        CliRun.of("index", "export", "--index", original.toString(), "--out", exported.toString());
    assertEquals(0, export.exitCode(), export.err());
    Path file = exported.resolve("features_pathlens-demo-crc9/S-8.h5");
    assertTrue(Files.isRegularFile(file), export.out());

    // What a TRIDENT-style loader does: open it with h5py, read features and coords, use
    // patch_size_level0.
    Process p =
        new ProcessBuilder(
                python,
                "-c",
                "import h5py, json, sys\n"
                    + "f = h5py.File(sys.argv[1], 'r')\n"
                    + "c, x = f['coords'], f['features']\n"
                    + "print(json.dumps({'coords': [str(c.dtype), list(c.shape)],"
                    + " 'features': [str(x.dtype), list(x.shape)],"
                    + " 'attrs': {k: int(v) for k, v in c.attrs.items() if k not in ('name', 'savetodir')},"
                    + " 'encoder': x.attrs['encoder'].decode() if isinstance(x.attrs['encoder'], bytes)"
                    + " else x.attrs['encoder']}))",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String printed = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), printed);
    JsonNode read = JSON.readTree(printed);
    assertEquals("int64", read.get("coords").get(0).asText());
    assertEquals("float32", read.get("features").get(0).asText());
    assertEquals(128, read.get("features").get(1).get(1).asInt());
    assertEquals(224, read.get("attrs").get("patch_size").asInt());
    assertEquals(448, read.get("attrs").get("patch_size_level0").asInt()); // 1.0 µm/px on 0.5
    assertEquals(20, read.get("attrs").get("level0_magnification").asInt());
    assertEquals(10, read.get("attrs").get("target_magnification").asInt());
    assertEquals(2048, read.get("attrs").get("level0_width").asInt());
    assertEquals("pathlens-demo-crc9", read.get("encoder").asText());

    Path back = tmp.resolve("back");
    CliRun imported =
        CliRun.of(
            "ingest",
            "--model",
            model,
            "--index",
            back.toString(),
            "--features",
            exported.toString(),
            "--slides",
            slide.toString());
    assertEquals(0, imported.exitCode(), imported.err());
    for (List<String> extra : List.of(List.of("--per-slide"), List.<String>of())) {
      assertEquals(
          classify(model, original, extra).toString(), classify(model, back, extra).toString());
    }

    CliRun npy =
        CliRun.of(
            "index",
            "export",
            "--index",
            original.toString(),
            "--out",
            tmp.resolve("npy").toString(),
            "--format",
            "npy",
            "--slides",
            "S-8");
    assertEquals(0, npy.exitCode(), npy.err());
    Process same =
        new ProcessBuilder(
                python,
                "-c",
                "import h5py, numpy, sys\n"
                    + "f = h5py.File(sys.argv[1], 'r')\n"
                    + "a = numpy.load(sys.argv[2] + '/features.npy')\n"
                    + "c = numpy.load(sys.argv[2] + '/coords.npy')\n"
                    + "assert a.dtype == numpy.float32 and (a == f['features'][:]).all()\n"
                    + "assert (c == f['coords'][:]).all()\n"
                    + "print(len(a))",
                file.toString(),
                tmp.resolve("npy/S-8").toString())
            .redirectErrorStream(true)
            .start();
    String rows = new String(same.getInputStream().readAllBytes()).trim();
    assertEquals(0, same.waitFor(), rows);
    assertEquals(
        Files.readAllLines(tmp.resolve("npy/S-8/tile_ids.csv")).size() - 1, Integer.parseInt(rows));
  }

  /**
   * Tiles of a tile folder have no place on a slide: the export writes them into one file of their
   * own, beside the TRIDENT folder, with their ids; h5py reads back each tile's embedding exactly.
   */
  @Test
  void tileFolderTilesExportToAFileOfTheirOwnWithTheirIds() throws Exception {
    String python = TestData.pythonWithH5py().orElse(null);
    assumeTrue(python != null, "needs /usr/bin/python3 with h5py");
    String model = Fixtures.demoBundle().toString();
    Path index = tmp.resolve("folder-index");
    Path tiles = tmp.resolve("folder-tiles");
    Path manifest =
        SyntheticTiles.write(tiles, new SyntheticTiles.Options(1, 2, 5, 224, 2)).manifest();
    CliRun ingest =
        CliRun.of(
            "ingest",
            "--model",
            model,
            "--index",
            index.toString(),
            "--tiles",
            tiles.toString(),
            "--manifest",
            manifest.toString());
    assertEquals(0, ingest.exitCode(), ingest.err());
    Path out = tmp.resolve("folder-export");
    CliRun export =
        CliRun.of("index", "export", "--index", index.toString(), "--out", out.toString());
    assertEquals(0, export.exitCode(), export.err());
    Path file = out.resolve("tiles_pathlens-demo-crc9/tiles.h5");
    assertTrue(Files.isRegularFile(file), export.out());
    assertTrue(Files.notExists(out.resolve("features_pathlens-demo-crc9")), export.out());

    Process p =
        new ProcessBuilder(
                python,
                "-c",
                "import h5py, json, sys\n"
                    + "f = h5py.File(sys.argv[1], 'r')\n"
                    + "ids = [i.decode('utf-8') for i in f['tile_ids'][:]]\n"
                    + "x = f['features']\n"
                    + "assert 'coords' not in f and str(x.dtype) == 'float32'\n"
                    + "print(json.dumps({'space': x.attrs['pathlens_feature_space'].decode(),"
                    + " 'rows': {i: [float(v) for v in x[n]] for n, i in enumerate(ids)}}))",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String printed = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), printed);
    JsonNode read = JSON.readTree(printed);
    assertEquals("embedding", read.get("space").asText());
    Map<String, float[]> stored = new LinkedHashMap<>();
    try (VisionLanguageModel vlm =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex tileIndex =
            TileIndex.openForSearch(
                index, IndexProvenance.of(vlm.bundle()), IndexSettings.defaults())) {
      tileIndex.forEachTile(TileFilter.ALL, t -> stored.put(t.record().id(), t.embedding()));
    }
    assertEquals(stored.size(), read.get("rows").size());
    for (Map.Entry<String, float[]> e : stored.entrySet()) {
      JsonNode row = read.get("rows").get(e.getKey());
      assertTrue(row != null, e.getKey() + " not in " + file);
      for (int j = 0; j < e.getValue().length; j++) {
        assertEquals(e.getValue()[j], (float) row.get(j).asDouble(), e.getKey());
      }
    }

    CliRun npy =
        CliRun.of(
            "index",
            "export",
            "--index",
            index.toString(),
            "--out",
            tmp.resolve("folder-npy").toString(),
            "--format",
            "npy");
    assertEquals(0, npy.exitCode(), npy.err());
    assertEquals(
        stored.size() + 1, Files.readAllLines(tmp.resolve("folder-npy/tiles/tile_ids.csv")).size());
  }

  /**
   * The issue's own proof: features the model's original Python code computed at the coordinates of
   * the slide's tiles (as TRIDENT would, from the same pixels), stored by h5py, answer as {@code
   * ingest --slides} of the slide does.
   */
  @Test
  void featuresThePythonModelCodeComputedAtTheTilesCoordsAnswerAsTheSlidesIngest()
      throws Exception {
    String python = TestData.pythonWithTorch().orElse(null);
    assumeTrue(python != null && TestData.pythonWithH5py().isPresent(), "needs torch and h5py");
    String model = Fixtures.demoBundle().toString();
    Path fromSlide = tmp.resolve("from-slide");
    // At the slide's own 0.5 µm/px: each tile is the 224 x 224 level-0 region at its position.
    Path slide = slideIngested("S-9", "center-d", 13, fromSlide, "0.5");
    List<long[]> coords = new ArrayList<>();
    try (VisionLanguageModel vlm =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex tiles =
            TileIndex.openForSearch(
                fromSlide, IndexProvenance.of(vlm.bundle()), IndexSettings.defaults())) {
      tiles.forEachTile(
          TileFilter.ALL, t -> coords.add(new long[] {t.record().x(), t.record().y()}));
    }
    Path patches = Files.createDirectories(tmp.resolve("patches"));
    StringBuilder csv = new StringBuilder("x,y,path\n");
    try (SlideReader reader = SlideReaders.open(slide)) {
      for (long[] xy : coords) {
        Path png = patches.resolve(xy[0] + "_" + xy[1] + ".png");
        ImageIO.write(
            RgbImages.toBufferedImage(reader.readRegion(0, xy[0], xy[1], 224, 224)),
            "png",
            png.toFile());
        csv.append(xy[0]).append(',').append(xy[1]).append(',').append(png).append('\n');
      }
    }
    Path csvFile = Files.writeString(tmp.resolve("patches.csv"), csv);
    Path h5 =
        Files.createDirectories(tmp.resolve("trident/features_pathlens-demo-crc9"))
            .resolve("S-9.h5");
    Process p =
        new ProcessBuilder(
                python,
                Fixtures.dir().resolve("scripts/trident_style_features.py").toString(),
                model,
                csvFile.toString(),
                h5.toString(),
                "224")
            .redirectErrorStream(true)
            .start();
    String printed = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), printed);

    Path fromFeatures = tmp.resolve("from-python-features");
    CliRun imported =
        CliRun.of(
            "ingest",
            "--model",
            model,
            "--index",
            fromFeatures.toString(),
            "--features",
            tmp.resolve("trident").toString(),
            "--slides",
            slide.toString());
    assertEquals(0, imported.exitCode(), imported.err());
    assertSameZeroShot(model, fromSlide, fromFeatures, 1e-4);
    for (String text : List.of("tumor epithelium", "adipose tissue", "lymphocytes")) {
      assertEquals(topTen(model, fromSlide, text), topTen(model, fromFeatures, text), text);
    }
  }

  /** A generated 2048 x 1536 slide, ingested into {@code index} with {@code ingest --slides}. */
  private Path slideIngested(String slideId, String center, long seed, Path index, String mpp)
      throws Exception {
    Path slide =
        SyntheticSlide.write(
                tmp.resolve("slides/" + slideId + ".tiff"),
                new SyntheticSlide.Options(
                    2048, 1536, center, 5, seed, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    CliRun tiled =
        CliRun.of(
            "ingest",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--slides",
            slide.toString(),
            "--mpp",
            mpp);
    assertEquals(0, tiled.exitCode(), tiled.err());
    return slide;
  }

  /**
   * Per-slide and per-tile zero-shot of two indexes: the same inputs and predictions, and each
   * probability within {@code tolerance}.
   */
  private static void assertSameZeroShot(String model, Path expected, Path actual, double tolerance)
      throws Exception {
    for (List<String> extra : List.of(List.of("--per-slide"), List.<String>of())) {
      List<JsonNode> a = classify(model, expected, extra);
      List<JsonNode> b = classify(model, actual, extra);
      assertEquals(a.size(), b.size());
      assertTrue(!a.isEmpty());
      for (int i = 0; i < a.size(); i++) {
        assertEquals(a.get(i).path("input"), b.get(i).path("input"));
        assertEquals(a.get(i).get("prediction"), b.get(i).get("prediction"), a.get(i).toString());
        JsonNode pa = a.get(i).get("probabilities"), pb = b.get(i).get("probabilities");
        for (String c : iterable(pa.fieldNames())) {
          assertEquals(pa.get(c).asDouble(), pb.get(c).asDouble(), tolerance, c);
        }
      }
    }
  }

  /** The ids of {@code search --text}'s ten best tiles. */
  private static List<String> topTen(String model, Path index, String text) throws Exception {
    CliRun run =
        CliRun.of(
            "search", "--model", model, "--index", index.toString(), "--text", text, "--k", "10");
    assertEquals(0, run.exitCode(), run.err());
    List<String> ids = new ArrayList<>();
    for (String line : run.outLines()) {
      ids.add(JSON.readTree(line).get("id").asText());
    }
    return ids;
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
