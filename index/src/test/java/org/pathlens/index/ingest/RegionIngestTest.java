package org.pathlens.index.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.index.regions.SlideRegions;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;
import org.pathlens.slides.SlideTiler;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;
import org.pathlens.testkit.TestData;

/**
 * {@code ingest --regions}: a QuPath-style annotation export restricts a generated slide's tiles to
 * its polygons (holes, a MultiPolygon, nested regions, a detection and a point left out), and each
 * tile records its region. What should be indexed is computed from the GeoJSON alone by {@code
 * fixtures/scripts/region_tiles.py}, ray casting in numpy.
 */
class RegionIngestTest {

  static final int WIDTH = 2240, HEIGHT = 1792, TILE = 224;
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Level-0 pixels of the generated slide (10 x 8 tiles of 224 px): a Tumor region with a hole, a
   * Stroma MultiPolygon (one part with a hole, one a triangle), a Tissue region holding the Tumor
   * one, an unclassified unnamed region, then what is not a region: a detection and a point.
   */
  static final String REGIONS =
      """
      {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "0b0c6b8e-1",
         "geometry": {"type": "Polygon", "coordinates": [
           [[100.5, 150], [1300, 120], [1250, 900.25], [700, 700], [150, 950], [100.5, 150]],
           [[500, 350], [520, 620], [880, 600], [900, 330], [500, 350]]]},
         "properties": {"objectType": "annotation", "name": "T-1",
                        "classification": {"name": "Tumor", "color": [200, 0, 0]}, "isLocked": false}},
        {"type": "Feature", "id": "0b0c6b8e-2",
         "geometry": {"type": "MultiPolygon", "coordinates": [
           [[[1400, 100], [2200, 100], [2200, 650], [1400, 650], [1400, 100]],
            [[1650, 250], [1950, 250], [1950, 480], [1650, 480], [1650, 250]]],
           [[[300, 1100], [1100, 1750], [200, 1700], [300, 1100]]]]},
         "properties": {"objectType": "annotation", "name": "S",
                        "classification": {"name": "Stroma", "color": [150, 200, 150]}}},
        {"type": "Feature", "id": "0b0c6b8e-3",
         "geometry": {"type": "Polygon", "coordinates": [
           [[50, 50], [1350, 50], [1350, 1010], [50, 1010], [50, 50]]]},
         "properties": {"objectType": "annotation",
                        "classification": {"name": "Tissue", "color": [0, 0, 180]}}},
        {"type": "Feature", "id": "0b0c6b8e-4",
         "geometry": {"type": "Polygon", "coordinates": [
           [[1600, 1150], [2000, 1200], [1900, 1600], [1650, 1500], [1600, 1150]]]},
         "properties": {"objectType": "annotation"}},
        {"type": "Feature", "id": "0b0c6b8e-5",
         "geometry": {"type": "Polygon", "coordinates": [
           [[1400, 700], [2240, 700], [2240, 1792], [1400, 1792], [1400, 700]]]},
         "properties": {"objectType": "detection", "classification": {"name": "Tumor"}}},
        {"type": "Feature", "id": "0b0c6b8e-6",
         "geometry": {"type": "Point", "coordinates": [1500, 1000]},
         "properties": {"objectType": "annotation", "name": "a point"}}
      ]}
      """;

  @TempDir static Path dir;
  @TempDir Path indexDir;
  private static VisionLanguageModel model;
  private static Path slide;
  private static Path regions;

  @BeforeAll
  static void generateSlideAndLoadModel() throws IOException {
    slide =
        SyntheticSlide.write(
                dir.resolve("slides/gen-r.tiff"),
                new SyntheticSlide.Options(
                    WIDTH, HEIGHT, "center-a", 5, 13, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    regions = Files.writeString(dir.resolve("gen-r.geojson"), REGIONS);
    model =
        VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults().withThreads(2));
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }

  private SlideIngest ingest(TilingOptions tiling, RegionFiles regionFiles) {
    return new SlideIngest(model.images(), tiling, TissueDetector.defaults(), 8, 2, 256)
        .withRegions(regionFiles);
  }

  private TileIndex openIndex() throws IOException {
    return TileIndex.open(indexDir, IndexProvenance.of(model.bundle()), IndexSettings.defaults());
  }

  /** Tile id to [region class, region name] as the index holds them. */
  private static Map<String, List<String>> indexed(TileIndex index) throws IOException {
    Map<String, List<String>> found = new TreeMap<>();
    index.forEachTile(
        TileFilter.ALL,
        t -> {
          TileRecord r = t.record();
          found.put(
              r.id(),
              Arrays.asList(
                  r.extra().get(SlideRegions.REGION_CLASS),
                  r.extra().get(SlideRegions.REGION_NAME)));
        });
    return found;
  }

  /** What region_tiles.py says, as tile id to [class, name]. */
  private static Map<String, List<String>> numpy(Path tissue) throws Exception {
    String python = TestData.pythonWithNumpy().orElse(null);
    assumeTrue(python != null, "needs /usr/bin/python3 with numpy");
    List<String> command =
        new ArrayList<>(
            List.of(
                python,
                Fixtures.root().resolve("fixtures/scripts/region_tiles.py").toString(),
                regions.toString(),
                String.valueOf(WIDTH),
                String.valueOf(HEIGHT),
                String.valueOf(TILE)));
    if (tissue != null) {
      command.add(tissue.toString());
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String printed = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), printed);
    Map<String, List<String>> expected = new TreeMap<>();
    JsonNode json = JSON.readTree(printed);
    json.properties()
        .forEach(
            e ->
                expected.put(
                    "gen-r@" + e.getKey(),
                    Arrays.asList(
                        e.getValue().get(0).isNull() ? null : e.getValue().get(0).asText(),
                        e.getValue().get(1).isNull() ? null : e.getValue().get(1).asText())));
    return expected;
  }

  @Test
  void everyGridTileWhoseCentreIsInARegionIsIngestedWithItsRegionAndNoOther() throws Exception {
    TilingOptions everyTile = TilingOptions.defaults().withMinTissue(0);
    Map<String, List<String>> expected = numpy(null);
    try (TileIndex index = openIndex()) {
      IngestSummary summary =
          ingest(everyTile, RegionFiles.read(regions, List.of(slide)))
              .ingest(List.of(slide), index, IngestListener.NONE);
      assertTrue(summary.skipped().isEmpty(), summary.skipped().toString());
      assertEquals(expected, indexed(index));
      assertEquals(expected.size(), SlideRecord.read(indexDir, "gen-r").tiles());
      IngestSummary again =
          ingest(everyTile, RegionFiles.read(regions, List.of(slide)))
              .ingest(List.of(slide), index, IngestListener.NONE);
      assertEquals(0, again.tiles(), "a re-run keeps the tiles with their regions");
      assertEquals(expected.size(), again.unchanged());

      // The regions are not all or nothing: some tiles of each kind, and the rest of the grid out.
      Map<String, Long> byClass = new TreeMap<>();
      expected.values().forEach(v -> byClass.merge(String.valueOf(v.get(0)), 1L, Long::sum));
      assertEquals(List.of("Stroma", "Tissue", "Tumor", "null"), List.copyOf(byClass.keySet()));
      assertTrue(expected.size() < (WIDTH / TILE) * (HEIGHT / TILE), expected.size() + " tiles");
      // The Tumor region's hole lies in the Tissue region: tile (672, 448), centre (784, 560).
      assertEquals(Arrays.asList("Tissue", null), expected.get("gen-r@672,448"));
      // A detection is no region: tile (1792, 1568), centre (1904, 1680), lies in the detection's
      // area only.
      assertTrue(!expected.containsKey("gen-r@1792,1568"));

      // Filterable by exact value, like any metadata.
      for (String klass : List.of("Tumor", "Stroma", "Tissue")) {
        assertEquals(
            (long) byClass.get(klass),
            index.count(TileFilter.parse(SlideRegions.REGION_CLASS + ":" + klass)),
            klass);
      }
      assertEquals(
          (long) byClass.get("Tumor"),
          index.count(TileFilter.parse(SlideRegions.REGION_NAME + ":\"T-1\"")));
    }
  }

  /**
   * A slide ingested whole, then with regions: its tiles outside them would stay beside the
   * region's, so the slide is refused (reported, skipped) unless --replace removes its tiles first;
   * then the index holds the regions' tiles alone, as many as its record says.
   */
  @Test
  void tilesAnEarlierIngestLeftOutsideTheRegionsAreRefusedOrReplaced() throws Exception {
    TilingOptions everyTile = TilingOptions.defaults().withMinTissue(0);
    Map<String, List<String>> expected = numpy(null);
    RegionFiles regionFiles = RegionFiles.read(regions, List.of(slide));
    try (TileIndex index = openIndex()) {
      ingest(everyTile, RegionFiles.NONE).ingest(List.of(slide), index, IngestListener.NONE);
      int whole = (WIDTH / TILE) * (HEIGHT / TILE);
      assertEquals(whole, index.size());

      IngestSummary refused =
          ingest(everyTile, regionFiles).ingest(List.of(slide), index, IngestListener.NONE);
      assertEquals(1, refused.skipped().size());
      assertEquals(
          slide
              + ": slide id gen-r already holds "
              + (whole - expected.size())
              + " tiles outside the regions of "
              + regions
              + " (ingested without them, or with other regions); add --replace to remove the"
              + " slide's tiles and ingest only those inside the regions, or ingest into another"
              + " index",
          refused.skipped().getFirst().reason());
      assertEquals(whole, index.size(), "nothing changed");

      List<String> warnings = new ArrayList<>();
      ingest(everyTile, regionFiles)
          .withReplace(true)
          .ingest(
              List.of(slide),
              index,
              new IngestListener() {
                @Override
                public void warning(String message) {
                  warnings.add(message);
                }
              });
      assertEquals(expected, indexed(index));
      assertEquals(index.size(), SlideRecord.read(indexDir, "gen-r").tiles());
      assertTrue(
          warnings.contains(
              slide
                  + ": replaces slide gen-r ("
                  + whole
                  + " tiles, "
                  + (whole - expected.size())
                  + " of them outside the regions of "
                  + regions
                  + ")"),
          warnings.toString());
    }
  }

  @Test
  void withTissueDetectionOnlyTissueTilesInsideRegionsAreIngested() throws Exception {
    TilingOptions tiling = TilingOptions.defaults();
    List<String> tissue = new ArrayList<>();
    try (SlideReader reader = SlideReaders.open(slide)) {
      SlideTiler.of(reader, tiling, TissueDetector.defaults())
          .positions()
          .forEach(p -> tissue.add(p.x() + "," + p.y()));
    }
    Path tissueFile = dir.resolve("tissue.json");
    JSON.writeValue(tissueFile.toFile(), tissue);
    Map<String, List<String>> expected = numpy(tissueFile);
    assertTrue(!expected.isEmpty() && expected.size() < tissue.size(), expected + " " + tissue);
    try (TileIndex index = openIndex()) {
      ingest(tiling, RegionFiles.read(regions.getParent(), List.of(slide)))
          .ingest(List.of(slide), index, IngestListener.NONE);
      assertEquals(expected, indexed(index));
    }
  }

  /** Regions over glass hold grid tiles but no tissue tile: the no-tissue warning names them. */
  @Test
  void regionsOverGlassOnlyGiveTheNoTissueWarningNamingTheFile() throws IOException {
    Path corner =
        Files.writeString(
            Files.createDirectories(dir.resolve("corner")).resolve("gen-r.geojson"),
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                + "[[[0,0],[224,0],[224,224],[0,224],[0,0]]]},\"properties\":{}}");
    List<String> warnings = new ArrayList<>();
    try (TileIndex index = openIndex()) {
      IngestSummary summary =
          ingest(TilingOptions.defaults(), RegionFiles.read(corner, List.of(slide)))
              .ingest(
                  List.of(slide),
                  index,
                  new IngestListener() {
                    @Override
                    public void warning(String message) {
                      warnings.add(message);
                    }
                  });
      assertEquals(0, summary.tiles());
      assertEquals(0, index.size());
    }
    assertTrue(
        warnings.stream()
            .anyMatch(
                w ->
                    w.startsWith(
                        slide
                            + ": no tile inside the regions of "
                            + corner
                            + " has 50 % tissue (--min-tissue 0.5)")),
        warnings.toString());
  }

  @Test
  void regionFilesAreMatchedToSlidesByNameAndMustFitThem() throws IOException {
    Path other = dir.resolve("slides/other.tiff");
    if (!Files.exists(other)) {
      Files.copy(slide, other);
    }
    Path folder = regions.getParent();
    var missing =
        assertThrows(
            IllegalArgumentException.class, () -> RegionFiles.read(folder, List.of(slide, other)));
    assertEquals(
        "--regions "
            + folder
            + " has no regions for slide other.tiff: add <slide>.geojson for each (QuPath: File >"
            + " Export objects as GeoJSON), or leave these slides out of --slides",
        missing.getMessage());
    var onlyOne =
        assertThrows(
            IllegalArgumentException.class, () -> RegionFiles.read(regions, List.of(slide, other)));
    assertTrue(
        onlyOne.getMessage().contains("holds the regions of gen-r.tiff only, not of slide other"),
        onlyOne.getMessage());
    var named =
        assertThrows(
            IllegalArgumentException.class, () -> RegionFiles.read(regions, List.of(other)));
    assertTrue(
        named.getMessage().contains("is named for none of the slides (slide other.tiff)"),
        named.getMessage());
    // QuPath may keep the extension in the name.
    Path withExtension = Files.copy(regions, dir.resolve("gen-r.tiff.geojson"));
    try {
      assertEquals(
          4,
          RegionFiles.read(withExtension, List.of(slide))
              .forSlide("gen-r")
              .orElseThrow()
              .regions()
              .size());
      var two =
          assertThrows(
              IllegalArgumentException.class, () -> RegionFiles.read(folder, List.of(slide)));
      assertTrue(
          two.getMessage().contains("two region files for slide gen-r.tiff"), two.getMessage());
    } finally {
      Files.delete(withExtension);
    }

    // Between tile centres: a region that holds none (centres at 112 + 224 k).
    Path between =
        Files.writeString(
            Files.createDirectories(dir.resolve("between")).resolve("gen-r.geojson"),
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                + "[[[120,120],[300,120],[300,300],[120,300],[120,120]]]},\"properties\":{}}");
    var none =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RegionFiles.read(between, List.of(slide))
                    .requireFit(List.of(slide), TilingOptions.defaults()));
    assertEquals(
        between
            + ": no region holds the centre of a tile of slide gen-r (tiles of 224 x 224 level-0"
            + " px, 10 x 8 of them from the top-left corner): draw larger regions, or cut smaller"
            + " tiles (--mpp, --tile-size)",
        none.getMessage());
    // The same region holds a centre of a finer grid.
    RegionFiles.read(between, List.of(slide))
        .requireFit(List.of(slide), TilingOptions.defaults().withTileSize(112));
  }
}
