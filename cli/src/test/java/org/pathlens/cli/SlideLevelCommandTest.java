package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
                    + "print(json.dumps(out))",
                npy.resolve("tiles").toString())
            .redirectErrorStream(true)
            .start();
    String printed = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), printed);
    JsonNode numpy = JSON.readTree(printed);
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
