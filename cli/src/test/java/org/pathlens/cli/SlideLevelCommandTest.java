package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.Embeddings;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SlidePooling;
import org.pathlens.index.SlideVector;
import org.pathlens.index.TileIndex;
import org.pathlens.testkit.H5Files;
import org.pathlens.testkit.TestData;

/**
 * Slides as wholes: ingest keeps each slide's mean embedding in the index, equal to NumPy's mean of
 * the stored tile embeddings (read back from the index's own export); {@code search --level slide}
 * ranks slides as those vectors do; {@code similar --exclude-patient} leaves the query's case out;
 * {@code index slide-vectors} makes them for an index that has none.
 */
class SlideLevelCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void slidesAreSearchedAndComparedByTheirStoredMeanEmbedding() throws Exception {
    String python = TestData.pythonWithH5py().orElse(null);
    assumeTrue(python != null, "needs /usr/bin/python3 with numpy");
    String model = Fixtures.demoBundle().toString();
    Path tiles = tmp.resolve("tiles");
    Path manifest =
        SyntheticTiles.write(tiles, new SyntheticTiles.Options(2, 1, 5, 224, 2)).manifest();
    Path index = tmp.resolve("index");
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

    Map<String, SlideVector> stored = new TreeMap<>();
    float[] tumor;
    try (VisionLanguageModel vlm =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex opened =
            TileIndex.openForSearch(
                index, IndexProvenance.of(vlm.bundle()), IndexSettings.defaults())) {
      opened.slideVectors().forEach(SlidePooling.MEAN, v -> stored.put(v.slideId(), v));
      tumor = vlm.texts().encode("tumor epithelium");
    }
    assertTrue(stored.size() >= 4, stored.keySet().toString());

    // NumPy's mean of the stored tile embeddings, per slide, from the index's own npy export.
    Path npy = tmp.resolve("npy");
    CliRun export =
        CliRun.of(
            "index",
            "export",
            "--index",
            index.toString(),
            "--out",
            npy.toString(),
            "--format",
            "npy");
    assertEquals(0, export.exitCode(), export.err());
    Process p =
        new ProcessBuilder(
                python,
                "-c",
                "import csv, json, sys, numpy as np\n"
                    + "x = np.load(sys.argv[1] + '/features.npy').astype(np.float64)\n"
                    + "rows = list(csv.DictReader(open(sys.argv[1] + '/tile_ids.csv')))\n"
                    + "out = {}\n"
                    + "for s in sorted({r['slide_id'] for r in rows}):\n"
                    + "    m = x[[int(r['row']) for r in rows if r['slide_id'] == s]].mean(axis=0)\n"
                    + "    out[s] = (m / np.linalg.norm(m)).tolist()\n"
                    + "patients = {}\n"
                    + "for p in sorted({r['slide_id'].rsplit('-S', 1)[0] for r in rows}):\n"
                    + "    of = [r for r in rows if r['slide_id'].rsplit('-S', 1)[0] == p]\n"
                    + "    e = x[[int(r['row']) for r in of]].mean(axis=0)\n"
                    + "    l = np.mean([out[s] for s in sorted({r['slide_id'] for r in of})], axis=0)\n"
                    + "    patients[p] = {'early': (e / np.linalg.norm(e)).tolist(),"
                    + " 'late': (l / np.linalg.norm(l)).tolist()}\n"
                    + "out['_patients'] = patients\n"
                    + "print(json.dumps(out))",
                npy.resolve("tiles").toString())
            .redirectErrorStream(true)
            .start();
    String printed = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), printed);
    JsonNode numpy = JSON.readTree(printed);
    JsonNode numpyPatients =
        ((com.fasterxml.jackson.databind.node.ObjectNode) numpy).remove("_patients");
    Set<String> numpySlides = new TreeSet<>();
    numpy.fieldNames().forEachRemaining(numpySlides::add);
    assertEquals(stored.keySet(), numpySlides);
    for (SlideVector v : stored.values()) {
      JsonNode want = numpy.get(v.slideId());
      for (int d = 0; d < v.embedding().length; d++) {
        assertEquals(want.get(d).asDouble(), v.embedding()[d], 1e-6, v.slideId());
      }
      assertTrue(v.patientId() != null && v.slideId().startsWith(v.patientId()), v.toString());
    }

    // search --level slide: the slides in the order of their vectors' cosine to the text.
    CliRun search =
        CliRun.of(
            "search",
            "--model",
            model,
            "--index",
            index.toString(),
            "--text",
            "tumor epithelium",
            "--level",
            "slide",
            "--k",
            "3");
    assertEquals(0, search.exitCode(), search.err());
    List<String> want =
        stored.values().stream()
            .sorted(
                Comparator.comparingDouble((SlideVector v) -> -Embeddings.dot(tumor, v.embedding()))
                    .thenComparing(SlideVector::slideId))
            .limit(3)
            .map(SlideVector::slideId)
            .toList();
    assertEquals(want, slideIds(search));

    // similar: the other slide of the same patient is a neighbour, unless the patient is left out.
    SlideVector query =
        stored.values().stream()
            .filter(
                v ->
                    stored.values().stream()
                            .filter(o -> o.patientId().equals(v.patientId()))
                            .count()
                        > 1)
            .findFirst()
            .orElseThrow();
    long ofPatient =
        stored.values().stream().filter(o -> o.patientId().equals(query.patientId())).count();
    List<String> similar = slideIds(similar(model, index, query.slideId(), false));
    List<String> otherCases = slideIds(similar(model, index, query.slideId(), true));
    assertTrue(
        similar.stream().anyMatch(s -> stored.get(s).patientId().equals(query.patientId())),
        similar.toString());
    assertTrue(
        otherCases.stream().noneMatch(s -> stored.get(s).patientId().equals(query.patientId())),
        otherCases.toString());
    assertEquals(stored.size() - ofPatient, otherCases.size());

    // similar --patient: other patients ranked as NumPy's early and late fusions rank them.
    String patient = query.patientId();
    for (String fusion : List.of("late", "early")) {
      float[] q = floats(numpyPatients.get(patient).get(fusion));
      List<String> expected = new ArrayList<>();
      numpyPatients.fieldNames().forEachRemaining(expected::add);
      expected.remove(patient);
      expected.sort(
          Comparator.comparingDouble(
                  (String p2) -> -Embeddings.dot(q, floats(numpyPatients.get(p2).get(fusion))))
              .thenComparing(p2 -> p2));
      CliRun patients =
          CliRun.of(
              "similar",
              "--model",
              model,
              "--index",
              index.toString(),
              "--patient",
              patient,
              "--fusion",
              fusion,
              "--k",
              "50");
      assertEquals(0, patients.exitCode(), patients.err());
      List<String> got = new ArrayList<>();
      for (String line : patients.outLines()) {
        JsonNode hit = JSON.readTree(line);
        got.add(hit.get("patient_id").asText());
        assertEquals(
            Embeddings.dot(
                q, floats(numpyPatients.get(hit.get("patient_id").asText()).get(fusion))),
            hit.get("score").asDouble(),
            1e-5,
            fusion + " " + line);
      }
      assertEquals(expected, got, fusion);
    }

    CliRun keywords =
        CliRun.of(
            "search",
            "--model",
            model,
            "--index",
            index.toString(),
            "--keywords",
            "fat",
            "--level",
            "slide");
    assertEquals(2, keywords.exitCode());
    assertTrue(
        keywords.err().contains("--level slide searches by --text or --image"), keywords.err());

    CliRun rebuilt = CliRun.of("index", "slide-vectors", "--index", index.toString());
    assertEquals(0, rebuilt.exitCode(), rebuilt.err());
    assertTrue(
        rebuilt.out().startsWith("slides " + stored.size() + " (method mean)"), rebuilt.out());
  }

  /**
   * Slide embeddings in TRIDENT's files, both ways: the stored means are exported as {@code
   * slide_features_mean-<bundle>/}, and slide features made elsewhere (a TITAN-like encoder's 96
   * values per slide, written by h5py) are imported as vectors of their own method, compared by
   * {@code similar --slide-vectors titan} exactly as their cosines rank them; bad files are refused
   * in one line with nothing stored.
   */
  @Test
  void slideFeaturesGoOutAndComeInInTridentsLayout() throws Exception {
    String python = TestData.pythonWithH5py().orElse(null);
    assumeTrue(python != null, "needs /usr/bin/python3 with h5py");
    String model = Fixtures.demoBundle().toString();
    Path tiles = tmp.resolve("tiles");
    Path manifest =
        SyntheticTiles.write(tiles, new SyntheticTiles.Options(2, 1, 5, 224, 2)).manifest();
    Path index = tmp.resolve("index");
    assertEquals(
        0,
        CliRun.of(
                "ingest",
                "--model",
                model,
                "--index",
                index.toString(),
                "--tiles",
                tiles.toString(),
                "--manifest",
                manifest.toString())
            .exitCode());
    Map<String, SlideVector> means = new TreeMap<>();
    try (VisionLanguageModel vlm =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex opened =
            TileIndex.openForSearch(
                index, IndexProvenance.of(vlm.bundle()), IndexSettings.defaults())) {
      opened.slideVectors().forEach(SlidePooling.MEAN, v -> means.put(v.slideId(), v));
    }

    Path out = tmp.resolve("export");
    CliRun export =
        CliRun.of("index", "export", "--index", index.toString(), "--out", out.toString());
    assertEquals(0, export.exitCode(), export.err());
    Path folder = out.resolve("slide_features_mean-pathlens-demo-crc9");
    for (SlideVector v : means.values()) {
      Process p =
          new ProcessBuilder(
                  python,
                  "-c",
                  "import h5py, json, sys\n"
                      + "x = h5py.File(sys.argv[1], 'r')['features']\n"
                      + "print(json.dumps({'dtype': str(x.dtype), 'shape': list(x.shape),"
                      + " 'encoder': x.attrs['encoder'].decode(), 'values': [float(a) for a in x[:]]}))",
                  folder.resolve(v.slideId() + ".h5").toString())
              .redirectErrorStream(true)
              .start();
      String printed = new String(p.getInputStream().readAllBytes()).trim();
      assertEquals(0, p.waitFor(), printed);
      JsonNode read = JSON.readTree(printed);
      assertEquals("float32", read.get("dtype").asText());
      assertEquals(List.of(128), List.of(read.get("shape").get(0).asInt()));
      assertEquals("mean-pathlens-demo-crc9", read.get("encoder").asText());
      for (int d = 0; d < 128; d++) {
        assertEquals(v.embedding()[d], (float) read.get("values").get(d).asDouble(), v.slideId());
      }
    }

    // A TITAN-like encoder's slide embeddings, one file per slide, as TRIDENT writes them.
    Path titan = Files.createDirectories(tmp.resolve("job/slide_features_titan"));
    Random random = new Random(27);
    Map<String, float[]> written = new TreeMap<>();
    for (String slide : means.keySet()) {
      float[] values = new float[96];
      for (int d = 0; d < values.length; d++) {
        values[d] = (float) random.nextGaussian();
      }
      written.put(slide, values);
      H5Files.write(
          titan.resolve(slide + ".h5"),
          Map.of("features", H5Files.Dataset.float32(values, Map.of("encoder", "titan"))));
    }
    Path badShape = Files.createDirectories(tmp.resolve("bad/slide_features_titan"));
    H5Files.write(
        badShape.resolve("X.h5"),
        Map.of("features", H5Files.Dataset.float32(new float[][] {{1, 2}, {3, 4}}, 0, Map.of())));
    CliRun refused =
        CliRun.of(
            "index", "slide-vectors", "--index", index.toString(), "--from", badShape.toString());
    assertEquals(2, refused.exitCode());
    assertTrue(refused.err().contains("X.h5: 'features' has shape [2, 2]"), refused.err());

    CliRun imported =
        CliRun.of(
            "index", "slide-vectors", "--index", index.toString(), "--from", titan.toString());
    assertEquals(0, imported.exitCode(), imported.err());
    assertTrue(
        imported.out().startsWith("slides " + means.size() + " (method titan)"), imported.out());
    String query = means.keySet().iterator().next();
    float[] q = Embeddings.l2Normalize(written.get(query).clone());
    List<String> want =
        written.entrySet().stream()
            .filter(e -> !e.getKey().equals(query))
            .sorted(
                Comparator.comparingDouble(
                        (Map.Entry<String, float[]> e) ->
                            -Embeddings.dot(q, Embeddings.l2Normalize(e.getValue().clone())))
                    .thenComparing(Map.Entry::getKey))
            .map(Map.Entry::getKey)
            .toList();
    CliRun similar =
        CliRun.of(
            "similar",
            "--model",
            model,
            "--index",
            index.toString(),
            "--slide",
            query,
            "--rank-by",
            "embedding",
            "--slide-vectors",
            "titan",
            "--k",
            "20");
    assertEquals(0, similar.exitCode(), similar.err());
    assertEquals(want, slideIds(similar));
    CliRun unknown =
        CliRun.of(
            "similar",
            "--model",
            model,
            "--index",
            index.toString(),
            "--slide",
            query,
            "--rank-by",
            "embedding",
            "--slide-vectors",
            "prism");
    assertEquals(2, unknown.exitCode());
    assertTrue(unknown.err().contains("[mean, titan]"), unknown.err());
  }

  private static float[] floats(JsonNode array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) array.get(i).asDouble();
    }
    return values;
  }

  private static CliRun similar(String model, Path index, String slide, boolean excludePatient) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "similar",
                "--model",
                model,
                "--index",
                index.toString(),
                "--slide",
                slide,
                "--rank-by",
                "embedding",
                "--k",
                "20"));
    if (excludePatient) {
      args.add("--exclude-patient");
    }
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    return run;
  }

  private static List<String> slideIds(CliRun run) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String line : run.outLines()) {
      ids.add(JSON.readTree(line).get("slide_id").asText());
    }
    return ids;
  }
}
