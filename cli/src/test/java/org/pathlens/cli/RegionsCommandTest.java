package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.slides.OpenSlideReader;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;
import org.pathlens.slides.SlideTiler;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;
import org.pathlens.testkit.TestData;

/**
 * {@code ingest --regions} from QuPath-style annotations, then {@code classify} and {@code heatmap}
 * limited by {@code --region-class}; what belongs to each region is computed from the GeoJSON alone
 * by {@code fixtures/scripts/region_tiles.py} (numpy ray casting). Bad region files are one line
 * naming the file, exit 2.
 */
class RegionsCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = Fixtures.demoBundle().toString();
  private static final String PROMPTS =
      Fixtures.root()
          .resolve("prompts/src/main/resources/org/pathlens/prompts/sets/demo-crc9.json")
          .toString();

  /**
   * QuPath's own export shape (an array of features), level-0 pixels of a 2240 x 1792 slide: a
   * Tumor polygon with a hole, a Stroma MultiPolygon, a Tissue region around the Tumor one.
   */
  static final String QUPATH_EXPORT =
      """
      [
        {"type": "Feature", "id": "5f0e3c52-0d7b-4d1e-9a54-1",
         "geometry": {"type": "Polygon", "coordinates": [
           [[100, 150], [1300, 120], [1250, 900], [700, 700], [150, 950], [100, 150]],
           [[500, 350], [520, 620], [880, 600], [900, 330], [500, 350]]]},
         "properties": {"objectType": "annotation", "name": "T-1",
                        "classification": {"name": "Tumor", "color": [200, 0, 0]}}},
        {"type": "Feature", "id": "5f0e3c52-0d7b-4d1e-9a54-2",
         "geometry": {"type": "MultiPolygon", "coordinates": [
           [[[1400, 100], [2200, 100], [2200, 650], [1400, 650], [1400, 100]],
            [[1650, 250], [1950, 250], [1950, 480], [1650, 480], [1650, 250]]],
           [[[300, 1100], [1100, 1750], [200, 1700], [300, 1100]]]]},
         "properties": {"objectType": "annotation", "name": "S",
                        "classification": {"name": "Stroma", "color": [150, 200, 150]}}},
        {"type": "Feature", "id": "5f0e3c52-0d7b-4d1e-9a54-3",
         "geometry": {"type": "Polygon", "coordinates": [
           [[50, 50], [1350, 50], [1350, 1010], [50, 1010], [50, 50]]]},
         "properties": {"objectType": "annotation",
                        "classification": {"name": "Tissue", "color": [0, 0, 180]}}}
      ]
      """;

  @TempDir Path tmp;

  /** region_tiles.py's answer: {"x,y": [class, name]}. */
  private static Map<String, List<String>> numpy(
      Path regions, long width, long height, double tile0, Path tissue) throws Exception {
    String python = TestData.pythonWithNumpy().orElse(null);
    assumeTrue(python != null, "needs /usr/bin/python3 with numpy");
    List<String> command =
        new ArrayList<>(
            List.of(
                python,
                Fixtures.root().resolve("fixtures/scripts/region_tiles.py").toString(),
                regions.toString(),
                String.valueOf(width),
                String.valueOf(height),
                String.valueOf(tile0)));
    if (tissue != null) {
      command.add(tissue.toString());
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String printed = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), printed);
    Map<String, List<String>> tiles = new TreeMap<>();
    JSON.readTree(printed)
        .properties()
        .forEach(e -> tiles.put(e.getKey(), List.of(e.getValue().get(0).asText())));
    return tiles;
  }

  private static long count(Map<String, List<String>> tiles, String regionClass) {
    return tiles.values().stream().filter(v -> v.getFirst().equals(regionClass)).count();
  }

  @Test
  void ingestKeepsTheAnnotatedTilesAndClassifyAndHeatmapTakeOneRegionClass() throws Exception {
    Path slide =
        SyntheticSlide.write(
                tmp.resolve("slides/S-r.tiff"),
                new SyntheticSlide.Options(
                    2240, 1792, "center-a", 5, 13, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    Path regions = Files.createDirectories(tmp.resolve("regions"));
    Files.writeString(regions.resolve("S-r.geojson"), QUPATH_EXPORT);
    Map<String, List<String>> expected =
        numpy(regions.resolve("S-r.geojson"), 2240, 1792, 224, null);
    String index = tmp.resolve("index").toString();

    CliRun ingest =
        CliRun.of(
            "ingest",
            "--model",
            MODEL,
            "--index",
            index,
            "--slides",
            slide.toString(),
            "--regions",
            regions.toString(),
            "--min-tissue",
            "0");
    assertEquals(0, ingest.exitCode(), ingest.err());
    assertTrue(
        ingest.out().startsWith("tiles " + expected.size() + ", slides 1, skipped 0"),
        ingest.out());
    long tumorCount = count(expected, "Tumor"),
        stromaCount = count(expected, "Stroma"),
        tissueCount = count(expected, "Tissue");
    assertEquals(expected.size(), tumorCount + stromaCount + tissueCount);
    assertTrue(
        tumorCount > 0 && stromaCount > tumorCount && tissueCount > stromaCount,
        "distinct counts, so that each is told apart: " + expected);

    String cache = tmp.resolve("cache").toString();
    CliRun tumorTiles =
        CliRun.of(
            "classify",
            "--model",
            MODEL,
            "--prompts",
            PROMPTS,
            "--index",
            index,
            "--region-class",
            "Tumor",
            "--cache",
            cache);
    assertEquals(0, tumorTiles.exitCode(), tumorTiles.err());
    TreeSet<String> classified = new TreeSet<>();
    for (String line : tumorTiles.outLines()) {
      classified.add(JSON.readTree(line).get("input").asText().substring("S-r@".length()));
    }
    TreeSet<String> tumor = new TreeSet<>();
    expected.forEach((xy, v) -> tumor.add(v.getFirst().equals("Tumor") ? xy : "-"));
    tumor.remove("-");
    assertEquals(tumor, classified);

    CliRun perSlide =
        CliRun.of(
            "classify",
            "--model",
            MODEL,
            "--prompts",
            PROMPTS,
            "--index",
            index,
            "--per-slide",
            "--region-class",
            "Stroma",
            "--filter",
            "slide_id:S-r",
            "--cache",
            cache);
    assertEquals(0, perSlide.exitCode(), perSlide.err());
    JsonNode slideLine = JSON.readTree(perSlide.outLines().getFirst());
    assertEquals(stromaCount, slideLine.get("tiles").asInt());

    CliRun typo =
        CliRun.of(
            "classify",
            "--model",
            MODEL,
            "--prompts",
            PROMPTS,
            "--index",
            index,
            "--region-class",
            "tumour",
            "--cache",
            cache);
    assertEquals(2, typo.exitCode());
    assertEquals(
        "pathlens classify: --region-class tumour: no tile of index "
            + index
            + " lies in a region of that class; its region classes (tiles): Tissue ("
            + tissueCount
            + "), Stroma ("
            + stromaCount
            + "), Tumor ("
            + tumorCount
            + ")",
        typo.err().strip());

    CliRun geojson =
        CliRun.of(
            "classify",
            "--model",
            MODEL,
            "--prompts",
            PROMPTS,
            "--index",
            index,
            "--per-slide",
            "--region-class",
            "Tumor",
            "--geojson",
            tmp.resolve("geojson").toString());
    assertEquals(2, geojson.exitCode());
    assertTrue(geojson.err().contains("--geojson writes every tile"), geojson.err());

    Path heatmap = tmp.resolve("heatmap.png");
    CliRun drawn =
        CliRun.of(
            "heatmap",
            "--model",
            MODEL,
            "--index",
            index,
            "--prompts",
            PROMPTS,
            "--slide",
            "S-r",
            "--class",
            "TUM",
            "--region-class",
            "Stroma",
            "--out",
            heatmap.toString(),
            "--cache",
            cache);
    assertEquals(0, drawn.exitCode(), drawn.err());
    assertEquals(
        "heatmap: "
            + heatmap
            + " ("
            + stromaCount
            + " tiles of slide S-r, class TUM, region class Stroma)",
        drawn.out().strip());
    assertTrue(Files.size(heatmap) > 0);
  }

  /**
   * The real Aperio slide of ../shared (0.499 µm/px, so level-0 tiles of 224.45 px) with tissue
   * detection: the tiles kept are the tissue tiles whose centre lies in the annotations.
   */
  @Test
  void aRealSlideKeepsItsTissueTilesInsideTheAnnotations() throws Exception {
    Optional<Path> shared = Fixtures.shared();
    assumeTrue(shared.isPresent(), "needs ../shared");
    assumeTrue(OpenSlideReader.isAvailable(), "needs OpenSlide");
    Path slide = shared.get().resolve("data/slides/CMU-1-Small-Region.svs");
    Path regions =
        Files.writeString(
            tmp.resolve("CMU-1-Small-Region.svs.geojson"),
            """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [
                 [[200, 300], [1900, 250], [2000, 2600], [1100, 1500], [300, 2700], [200, 300]],
                 [[700, 800], [1400, 800], [1400, 1200], [700, 1200], [700, 800]]]},
               "properties": {"objectType": "annotation", "name": "outline",
                              "classification": {"name": "Tumor"}}}]}
            """);
    TilingOptions tiling = TilingOptions.defaults();
    List<String> tissue = new ArrayList<>();
    double tile0;
    long width, height;
    try (SlideReader reader = SlideReaders.open(slide)) {
      SlideTiler tiler = SlideTiler.of(reader, tiling, TissueDetector.defaults());
      tiler.positions().forEach(p -> tissue.add(p.x() + "," + p.y()));
      tile0 = tiler.plan().tileWidth0();
      width = reader.levels().getFirst().width();
      height = reader.levels().getFirst().height();
    }
    Path tissueFile = tmp.resolve("tissue.json");
    JSON.writeValue(tissueFile.toFile(), tissue);
    Map<String, List<String>> expected = numpy(regions, width, height, tile0, tissueFile);
    assertTrue(
        expected.size() > 5 && expected.size() < tissue.size(),
        expected.size() + " of " + tissue.size() + " tissue tiles");

    CliRun ingest =
        CliRun.of(
            "ingest",
            "--model",
            MODEL,
            "--index",
            tmp.resolve("index").toString(),
            "--slides",
            slide.toString(),
            "--regions",
            regions.toString());
    assertEquals(0, ingest.exitCode(), ingest.err());
    assertTrue(
        ingest.out().startsWith("tiles " + expected.size() + ", slides 1, skipped 0"),
        ingest.out());
  }

  /** One line on stderr, exit 2, naming the file and what fixes it; nothing is embedded. */
  @Test
  void badRegionFilesAreOneLineNamingTheFile() throws IOException {
    Path slide =
        SyntheticSlide.write(
                tmp.resolve("slides/S-e.tiff"),
                new SyntheticSlide.Options(
                    1120, 896, "center-a", 5, 3, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    Path file = tmp.resolve("S-e.geojson");
    Map<String, String> refusals = new TreeMap<>();
    refusals.put(
        "Image\tName\tClass\tROI\nS-e.tiff\tT1\tTumor\tPolygon\n",
        file + " is not GeoJSON (not JSON: ");
    refusals.put(
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":"
            + "{\"type\":\"Point\",\"coordinates\":[10,10]},\"properties\":{}}]}",
        file + " has no polygon annotation (1 feature, none a Polygon or MultiPolygon annotation)");
    refusals.put(
        "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
            + "[[[20000,100],[30000,100],[30000,900],[20000,100]]]},\"properties\":{\"name\":\"R\"}}",
        file
            + ": feature 1 ('R') lies outside slide S-e (1120 x 896 px at level 0; the region"
            + " spans x 20000 to 30000, y 100 to 900)");
    refusals.put(
        "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
            + "[[[120,120],[300,120],[300,300],[120,300],[120,120]]]},\"properties\":{}}",
        file
            + ": no region holds the centre of a tile of slide S-e (tiles of 224 x 224 level-0 px");
    for (Map.Entry<String, String> refusal : refusals.entrySet()) {
      Files.writeString(file, refusal.getKey());
      CliRun run =
          CliRun.of(
              "ingest",
              "--model",
              MODEL,
              "--index",
              tmp.resolve("index").toString(),
              "--slides",
              slide.toString(),
              "--regions",
              file.toString());
      assertEquals(2, run.exitCode(), run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());
      assertTrue(
          run.err().startsWith("pathlens ingest: " + refusal.getValue()),
          run.err() + "\nexpected: " + refusal.getValue());
      assertEquals("", run.out());
    }

    Path folder = Files.createDirectories(tmp.resolve("empty-folder"));
    CliRun missing =
        CliRun.of(
            "ingest",
            "--model",
            MODEL,
            "--index",
            tmp.resolve("index").toString(),
            "--slides",
            slide.toString(),
            "--regions",
            folder.toString());
    assertEquals(2, missing.exitCode());
    assertEquals(
        "pathlens ingest: --regions "
            + folder
            + " has no regions for slide S-e.tiff: add <slide>.geojson for each (QuPath: File >"
            + " Export objects as GeoJSON), or leave these slides out of --slides",
        missing.err().strip());

    CliRun tiles =
        CliRun.of(
            "ingest",
            "--model",
            MODEL,
            "--index",
            tmp.resolve("index").toString(),
            "--tiles",
            tmp.toString(),
            "--regions",
            folder.toString());
    assertEquals(2, tiles.exitCode());
    assertTrue(tiles.err().contains("--regions goes with --slides alone"), tiles.err());
  }
}
