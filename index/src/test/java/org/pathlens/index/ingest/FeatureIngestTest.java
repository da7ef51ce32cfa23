package org.pathlens.index.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.Embeddings;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.ImageProjection;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SearchHit;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.StoredTile;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIds;
import org.pathlens.index.TileIndex;
import org.pathlens.index.features.FeatureExport;
import org.pathlens.index.features.FeatureFile;
import org.pathlens.index.features.FeatureFileException;
import org.pathlens.index.features.FeatureSpace;
import org.pathlens.slides.SlideLevel;
import org.pathlens.slides.SlideMppRule;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;
import org.pathlens.testkit.H5Files;
import org.pathlens.testkit.TestData;

/**
 * Features made elsewhere, in the files TRIDENT and CLAM write (by h5py), ingested as their slide's
 * tiles: the features here are the demo model's own embeddings of a generated slide's tiles, as
 * {@code ingest --slides} stored them, scaled per row (raw features are not unit length), so the
 * index they give must answer as the slide's own ingest does. Then every kind of bad file, each
 * refused in one line with the index left as it was.
 */
class FeatureIngestTest {

  static final String SLIDE_ID = "feat-a";
  static final double TILE_MPP =
      1.0; // the 0.5 µm/px slide read at half resolution: 448 px at level 0

  @TempDir static Path dir;
  private static VisionLanguageModel model;
  private static Path slide;
  private static Path reference;

  /** The reference index's tiles by id, and their level-0 positions in file order. */
  private static Map<String, StoredTile> referenceTiles;

  private static long[][] coords;
  private static float[][] features;

  @BeforeAll
  static void ingestTheSlideItself() throws Exception {
    assumeTrue(TestData.pythonWithH5py().isPresent(), "needs /usr/bin/python3 with h5py");
    slide =
        SyntheticSlide.write(
                dir.resolve("slides/" + SLIDE_ID + ".tiff"),
                new SyntheticSlide.Options(
                    4096, 3072, "center-a", 5, 3, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    model =
        VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults().withThreads(2));
    reference = dir.resolve("reference");
    try (TileIndex index = open(reference)) {
      new SlideIngest(
              model.images(),
              TilingOptions.defaults().withMpp(TILE_MPP),
              TissueDetector.defaults(),
              8,
              2,
              256)
          .ingest(List.of(slide), index, IngestListener.NONE);
      referenceTiles = new TreeMap<>();
      index.forEachTile(TileFilter.ALL, t -> referenceTiles.put(t.record().id(), t));
    }
    assertTrue(referenceTiles.size() >= 20, referenceTiles.size() + " tiles");
    List<StoredTile> tiles = new ArrayList<>(referenceTiles.values());
    coords = new long[tiles.size()][];
    features = new float[tiles.size()][];
    for (int i = 0; i < tiles.size(); i++) {
      StoredTile t = tiles.get(i);
      coords[i] = new long[] {t.record().x(), t.record().y()};
      float scale = 1 + i % 3; // raw features are not unit length
      features[i] = new float[t.embedding().length];
      for (int j = 0; j < features[i].length; j++) {
        features[i][j] = t.embedding()[j] * scale;
      }
    }
  }

  @AfterAll
  static void closeModel() {
    if (model != null) {
      model.close();
    }
  }

  private static TileIndex open(Path indexDir) throws IOException {
    return open(IndexLocation.of(indexDir));
  }

  private static TileIndex open(IndexLocation location) throws IOException {
    return TileIndex.open(
        location, IndexProvenance.of(model.bundle()), IndexSettings.defaults().withCommitSize(16));
  }

  /**
   * Where a test writes its index: a directory here; the cluster subclass ({@link
   * FeatureIngestOnClusterTest}) puts it on OpenSearch, so that both backends take features.
   */
  protected IndexLocation location(String name) {
    return IndexLocation.of(dir.resolve(name));
  }

  private static FeatureIngest ingest(boolean trust) {
    return new FeatureIngest(
        FeatureModel.of(model), trust, SlideMppRule.OWN, 256, ExistingTiles.KEEP, null);
  }

  /** TRIDENT's attributes for this slide's tiling: 224-px patches, 448 px at level 0. */
  private static Map<String, Object> tridentCoordsAttrs() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("patch_size", 224);
    a.put("patch_size_level0", 448);
    a.put("level0_magnification", 20);
    a.put("target_magnification", 10);
    a.put("overlap", 0);
    a.put("name", SLIDE_ID);
    a.put("savetodir", "/jobs/trident");
    a.put("level0_width", 4096);
    a.put("level0_height", 3072);
    return a;
  }

  private static Map<String, Object> featureAttrs(String encoder) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("name", SLIDE_ID);
    a.put("savetodir", "/jobs/trident");
    a.put("encoder", encoder);
    return a;
  }

  /** A TRIDENT-layout file, chunked with maxshape (None, ...) as TRIDENT writes it. */
  private static Path tridentFile(Path folder, long[][] xy, float[][] rows) throws Exception {
    Files.createDirectories(folder);
    return H5Files.write(
        folder.resolve(SLIDE_ID + ".h5"),
        Map.of(
            "coords", H5Files.Dataset.int64(xy, 8, tridentCoordsAttrs()),
            "features",
                H5Files.Dataset.float32(rows, 8, featureAttrs(model.bundle().config().name()))));
  }

  @Test
  void tridentFeaturesWithTheirSlideAnswerAsTheSlidesOwnIngest() throws Exception {
    Path file = tridentFile(dir.resolve("trident/features_demo"), coords, features);
    try (TileIndex index = open(location("from-trident"))) {
      IngestSummary summary =
          ingest(false).ingest(List.of(file), List.of(slide), index, IngestListener.NONE);
      assertEquals(coords.length, summary.tiles());
      assertTrue(summary.skipped().isEmpty(), summary.skipped().toString());
      try (TileIndex ref = open(reference)) {
        assertSameAnswers(ref, index);
      }
      SlideRecord record = index.slideRecords().find(SLIDE_ID).orElseThrow();
      assertEquals(224, record.tileSize());
      assertEquals(TILE_MPP, record.tileMpp(), 1e-12);
      assertEquals("448", record.properties().get("features.coords.patch_size_level0"));
      assertTrue(index.slideRecords().thumbnail(SLIDE_ID).isPresent());

      // A second run adds nothing.
      IngestSummary again =
          ingest(false).ingest(List.of(file), List.of(slide), index, IngestListener.NONE);
      assertEquals(0, again.tiles());
      assertEquals(coords.length, again.unchanged());
      assertEquals(coords.length, index.size());
    }
  }

  @Test
  void clamFeaturesAtAPyramidLevelNeedTheirSlideAndGiveTheSameTiles() throws Exception {
    int level = levelWithDownsample(2.0);
    Map<String, Object> clam = new LinkedHashMap<>();
    clam.put("patch_level", level);
    clam.put("patch_size", 224);
    Path file =
        H5Files.write(
            Files.createDirectories(dir.resolve("clam/h5_files")).resolve(SLIDE_ID + ".h5"),
            Map.of(
                "coords", H5Files.Dataset.int64(coords, 0, clam),
                "features", H5Files.Dataset.float32(features, 0, Map.of())));
    try (TileIndex index = open(location("from-clam"))) {
      FeatureFileException withoutSlide =
          assertThrows(
              FeatureFileException.class,
              () -> ingest(false).ingest(List.of(file), List.of(), index, IngestListener.NONE));
      assertTrue(withoutSlide.getMessage().contains("--slides"), withoutSlide.getMessage());
      assertEquals(0, index.size());
      ingest(false).ingest(List.of(file), List.of(slide), index, IngestListener.NONE);
      try (TileIndex ref = open(reference)) {
        assertSameAnswers(ref, index);
      }
    }
  }

  @Test
  void withoutTheSlideTheTilesAreSearchableAndNameTheFeatureFile() throws Exception {
    Path file = tridentFile(dir.resolve("trident-alone/features_demo"), coords, features);
    try (TileIndex index = open(location("no-slide"))) {
      ingest(false).ingest(List.of(file), List.of(), index, IngestListener.NONE);
      assertEquals(coords.length, index.size());
      assertTrue(index.slideRecords().find(SLIDE_ID).isEmpty());
      List<SearchHit> hits = index.search(model.texts().encode("tumor"), 1, TileFilter.ALL);
      assertEquals(file.toAbsolutePath().normalize().toString(), hits.getFirst().tile().source());
      assertEquals(null, hits.getFirst().tile().mpp());
    }
    // No record by design: index check does not call the slide damaged.
    var report = location("no-slide").check();
    assertTrue(report.ok(), report.problems().toString());
  }

  @Test
  void nonFiniteRowsAreNamedAndSkipped() throws Exception {
    float[][] rows = features.clone();
    rows[3] = rows[3].clone();
    rows[3][5] = Float.NaN;
    Path file = tridentFile(dir.resolve("nan/features_demo"), coords, rows);
    try (TileIndex index = open(location("nan-index"))) {
      IngestSummary summary =
          ingest(false).ingest(List.of(file), List.of(slide), index, IngestListener.NONE);
      assertEquals(coords.length - 1, summary.tiles());
      assertEquals(1, summary.nonFinite());
      assertTrue(summary.skipped().getFirst().reason().contains("row 3"), summary.toString());
    }
  }

  /**
   * Pre-projection features (the demo tower's pooled activations before its last linear, seeded
   * here: non-negative as post-ReLU features are) go through the bundle's projection: the stored
   * embeddings are the projection's, normalised, the text top-10 is the one those embeddings give,
   * and the tile keeps the feature bit for bit; the export writes it back with its space, and its
   * ingest needs no flag.
   */
  @Test
  void preProjectionFeaturesAreProjectedForTextAndKeptForExport() throws Exception {
    try (VisionLanguageModel projected = projectionModel("pre-projection")) {
      ImageProjection projection = projected.projection().orElseThrow();
      float[][] pre = preProjectionRows(projection.inputDim());
      Path file = tridentFile(dir.resolve("pre-projection/features_demo"), coords, pre);
      List<float[]> expected = projection.project(List.of(pre));
      FeatureIngest ingest = projectionIngest(projection, FeatureSpace.PRE_PROJECTION);
      try (TileIndex index = openWith(projected, location("pre-projection"))) {
        IngestSummary summary =
            ingest.ingest(List.of(file), List.of(slide), index, IngestListener.NONE);
        assertEquals(coords.length, summary.tiles());
        Map<String, StoredTile> stored = new TreeMap<>();
        index.forEachTile(TileFilter.ALL, t -> stored.put(t.record().id(), t));
        Map<String, float[]> expectedById = new TreeMap<>();
        for (int i = 0; i < coords.length; i++) {
          String id = TileIds.ofPosition(SLIDE_ID, (int) coords[i][0], (int) coords[i][1]);
          expectedById.put(id, expected.get(i));
          StoredTile tile = stored.get(id);
          assertEquals(1.0, Embeddings.dot(expected.get(i), tile.embedding()), 1e-6, id);
          assertArrayEquals(pre[i], tile.feature(), id);
        }
        for (String text : List.of("tumor", "adipose tissue", "lymphocytes")) {
          float[] query = projected.texts().encode(text);
          List<String> want =
              expectedById.entrySet().stream()
                  .sorted(
                      Comparator.comparingDouble(
                              (Map.Entry<String, float[]> e) ->
                                  -Embeddings.dot(e.getValue(), query))
                          .thenComparing(Map.Entry::getKey))
                  .limit(10)
                  .map(Map.Entry::getKey)
                  .toList();
          assertEquals(
              want,
              index.search(query, 10, TileFilter.ALL).stream().map(h -> h.tile().id()).toList(),
              text);
        }
        SlideRecord record = index.slideRecords().find(SLIDE_ID).orElseThrow();
        assertEquals("pre-projection", record.properties().get("features.space"));
        assertTrue(
            record.properties().get("features.projection").startsWith("image_projection.pt"),
            record.properties().toString());

        Path exported =
            new FeatureExport(index, FeatureExport.Format.TRIDENT)
                .export(
                    dir.resolve("pre-projection-export-" + index.location().toString().hashCode()),
                    List.of())
                .files()
                .getFirst();
        FeatureFile back = FeatureFile.open(exported);
        assertEquals(
            "pre-projection",
            back.attributes().get(FeatureFile.FEATURES + "." + FeatureSpace.ATTRIBUTE));
        Map<String, float[]> rowsBack = new TreeMap<>();
        back.forEachBlock(
            (first, rows) -> {
              for (int r = 0; r < rows.length; r++) {
                int row = (int) first + r;
                rowsBack.put(
                    TileIds.ofPosition(SLIDE_ID, (int) back.xs()[row], (int) back.ys()[row]),
                    rows[r]);
              }
            });
        for (int i = 0; i < coords.length; i++) {
          assertArrayEquals(
              pre[i],
              rowsBack.get(TileIds.ofPosition(SLIDE_ID, (int) coords[i][0], (int) coords[i][1])));
        }
        try (TileIndex again = openWith(projected, location("pre-projection-again"))) {
          projectionIngest(projection, null)
              .ingest(List.of(exported), List.of(slide), again, IngestListener.NONE);
          Map<String, StoredTile> reread = new TreeMap<>();
          again.forEachTile(TileFilter.ALL, t -> reread.put(t.record().id(), t));
          for (Map.Entry<String, StoredTile> e : stored.entrySet()) {
            assertArrayEquals(e.getValue().feature(), reread.get(e.getKey()).feature());
            assertEquals(
                1.0,
                Embeddings.dot(e.getValue().embedding(), reread.get(e.getKey()).embedding()),
                1e-6);
          }
        }
      }
    }
  }

  /**
   * Whether rows are pre-projection features is never guessed where it matters: both readings fit
   * the demo's 128 values, so a file that does not say is refused until the user does; a bundle
   * without a projection cannot take them; a file and a flag that disagree are refused. The index
   * stays empty each time.
   */
  @Test
  void preProjectionRowsAreNeverGuessed() throws Exception {
    try (VisionLanguageModel projected = projectionModel("ambiguous")) {
      ImageProjection projection = projected.projection().orElseThrow();
      float[][] pre = preProjectionRows(projection.inputDim());
      Path file = tridentFile(dir.resolve("ambiguous/features_demo"), coords, pre);
      try (TileIndex index = openWith(projected, location("ambiguous"))) {
        FeatureFileException unsaid =
            assertThrows(
                FeatureFileException.class,
                () ->
                    projectionIngest(projection, null)
                        .ingest(List.of(file), List.of(slide), index, IngestListener.NONE));
        assertTrue(unsaid.getMessage().startsWith(file.toString()), unsaid.getMessage());
        assertTrue(
            unsaid.getMessage().contains("--feature-space pre-projection"), unsaid.getMessage());
        assertEquals(0, index.size());

        Map<String, Object> says =
            new LinkedHashMap<>(featureAttrs(model.bundle().config().name()));
        says.put(FeatureSpace.ATTRIBUTE, "embedding");
        Path saysEmbedding =
            H5Files.write(
                Files.createDirectories(dir.resolve("ambiguous/says")).resolve(SLIDE_ID + ".h5"),
                Map.of(
                    "coords", H5Files.Dataset.int64(coords, 8, tridentCoordsAttrs()),
                    "features", H5Files.Dataset.float32(pre, 8, says)));
        FeatureFileException disagree =
            assertThrows(
                FeatureFileException.class,
                () ->
                    projectionIngest(projection, FeatureSpace.PRE_PROJECTION)
                        .ingest(
                            List.of(saysEmbedding), List.of(slide), index, IngestListener.NONE));
        assertTrue(disagree.getMessage().contains("attribute says"), disagree.getMessage());
        assertEquals(0, index.size());
      }
    }
    Path file = dir.resolve("ambiguous/features_demo/" + SLIDE_ID + ".h5");
    try (TileIndex index = open(location("no-projection"))) {
      FeatureFileException none =
          assertThrows(
              FeatureFileException.class,
              () ->
                  new FeatureIngest(
                          FeatureModel.of(model),
                          false,
                          SlideMppRule.OWN,
                          256,
                          ExistingTiles.KEEP,
                          FeatureSpace.PRE_PROJECTION)
                      .ingest(List.of(file), List.of(slide), index, IngestListener.NONE));
      assertTrue(none.getMessage().contains("carries none"), none.getMessage());
      assertEquals(0, index.size());
    }
  }

  /** The demo bundle with its projection, as a model (a copy per test: names must not clash). */
  private static VisionLanguageModel projectionModel(String name) throws IOException {
    return VisionLanguageModel.load(
        TestData.demoBundleWithProjection(dir.resolve("bundle-" + name)),
        EncoderOptions.defaults().withThreads(2));
  }

  private static TileIndex openWith(VisionLanguageModel vlm, IndexLocation location)
      throws IOException {
    return TileIndex.open(
        location, IndexProvenance.of(vlm.bundle()), IndexSettings.defaults().withCommitSize(16));
  }

  private static FeatureIngest projectionIngest(ImageProjection projection, FeatureSpace space) {
    return new FeatureIngest(
        new FeatureModel(
            model.bundle().config().name(),
            List.of(),
            model.bundle().config().embeddingDim(),
            projection),
        false,
        SlideMppRule.OWN,
        256,
        ExistingTiles.KEEP,
        space);
  }

  /** Seeded non-negative rows, one per tile, of the scale pooled post-ReLU activations have. */
  private static float[][] preProjectionRows(int dimension) {
    Random random = new Random(26);
    float[][] rows = new float[coords.length][dimension];
    for (float[] row : rows) {
      for (int j = 0; j < dimension; j++) {
        row[j] = (float) Math.max(0, random.nextGaussian() * 2);
      }
    }
    return rows;
  }

  /** Each bad file: refused in one line naming the file and what is wrong; nothing written. */
  @Test
  void badFilesAreRefusedInOneLineAndLeaveTheIndexAsItWas() throws Exception {
    Path bad = Files.createDirectories(dir.resolve("bad"));
    Map<String, Object> attrs = tridentCoordsAttrs();
    H5Files.Dataset goodCoords = H5Files.Dataset.int64(coords, 8, attrs);
    H5Files.Dataset goodFeatures =
        H5Files.Dataset.float32(features, 8, featureAttrs(model.bundle().config().name()));
    long[][] repeated = coords.clone();
    repeated[2] = repeated[1];
    long[][] outside = coords.clone();
    outside[0] = new long[] {5000, 10};
    Map<String, Object> noConvention = new LinkedHashMap<>(attrs);
    noConvention.remove("patch_size_level0");
    float[][] narrow = new float[coords.length][64];
    Map<String, Map<String, H5Files.Dataset>> cases = new LinkedHashMap<>();
    cases.put("no dataset 'features'", Map.of("coords", goodCoords));
    cases.put("no dataset 'coords'", Map.of("features", goodFeatures));
    cases.put(
        "rows but 'coords' has",
        Map.of(
            "coords",
            H5Files.Dataset.int64(java.util.Arrays.copyOf(coords, 5), 0, attrs),
            "features",
            goodFeatures));
    cases.put(
        "must hold integer level-0",
        Map.of("coords", goodCoords.asFloat64(), "features", goodFeatures));
    cases.put(
        "unknown coordinate convention",
        Map.of("coords", H5Files.Dataset.int64(coords, 0, noConvention), "features", goodFeatures));
    cases.put(
        "-dimensional, the bundle's image embeddings",
        Map.of("coords", goodCoords, "features", H5Files.Dataset.float32(narrow, 0, Map.of())));
    cases.put(
        "features made by 'uni_v1'",
        Map.of(
            "coords",
            goodCoords,
            "features",
            H5Files.Dataset.float32(features, 8, featureAttrs("uni_v1"))));
    cases.put(
        "one tile id, two features",
        Map.of("coords", H5Files.Dataset.int64(repeated, 0, attrs), "features", goodFeatures));
    cases.put(
        "lies outside slide",
        Map.of("coords", H5Files.Dataset.int64(outside, 0, attrs), "features", goodFeatures));
    Path good = tridentFile(dir.resolve("kept-features/features_demo"), coords, features);
    try (TileIndex index = open(location("kept"))) {
      ingest(false).ingest(List.of(good), List.of(slide), index, IngestListener.NONE);
      int before = index.size();
      int n = 0;
      for (Map.Entry<String, Map<String, H5Files.Dataset>> c : cases.entrySet()) {
        Path folder = Files.createDirectories(bad.resolve("case" + n++));
        Path file = H5Files.write(folder.resolve(SLIDE_ID + ".h5"), c.getValue());
        // Behind a good file of another slide: the bad one is found before anything is written.
        Path other = copyAs(good, folder.resolve("other-slide.h5"));
        FeatureFileException e =
            assertThrows(
                FeatureFileException.class,
                () ->
                    ingest(false)
                        .ingest(List.of(other, file), List.of(slide), index, IngestListener.NONE),
                c.getKey());
        assertTrue(e.getMessage().contains(c.getKey()), c.getKey() + " <- " + e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        assertEquals(before, index.size(), c.getKey());
      }
      // The same model under another name, vouched for by the user: ingested, and recorded.
      Path renamed =
          H5Files.write(
              Files.createDirectories(bad.resolve("trusted")).resolve(SLIDE_ID + ".h5"),
              Map.of(
                  "coords",
                  goodCoords,
                  "features",
                  H5Files.Dataset.float32(features, 8, featureAttrs("demo_v1"))));
      ingest(true).ingest(List.of(renamed), List.of(slide), index, IngestListener.NONE);
      assertTrue(
          index
              .slideRecords()
              .find(SLIDE_ID)
              .orElseThrow()
              .properties()
              .get("features.trusted")
              .contains("demo_v1"));
    }
    FeatureFileException notHdf5 =
        assertThrows(
            FeatureFileException.class,
            () ->
                org.pathlens.index.features.FeatureFile.open(
                    Files.writeString(bad.resolve("garbage.h5"), "not an HDF5 file")));
    assertTrue(notHdf5.getMessage().contains("not a readable HDF5 file"), notHdf5.getMessage());
  }

  private static Path copyAs(Path file, Path target) throws IOException {
    return Files.copy(file, target);
  }

  private static int levelWithDownsample(double downsample) throws IOException {
    try (SlideReader reader = SlideReaders.open(slide)) {
      List<SlideLevel> levels = reader.levels();
      for (int i = 0; i < levels.size(); i++) {
        if (Math.abs(levels.get(i).downsample() - downsample) < 1e-9) {
          return i;
        }
      }
    }
    throw new AssertionError("the generated slide has no level of downsample " + downsample);
  }

  /**
   * The same tiles with the same records, embeddings equal up to float rounding, and the same
   * top-10 for text queries.
   */
  private static void assertSameAnswers(TileIndex expected, TileIndex actual) throws IOException {
    Map<String, StoredTile> got = new TreeMap<>();
    actual.forEachTile(TileFilter.ALL, t -> got.put(t.record().id(), t));
    assertEquals(referenceTiles.keySet(), got.keySet());
    for (StoredTile want : referenceTiles.values()) {
      StoredTile have = got.get(want.record().id());
      assertEquals(want.record(), have.record());
      double dot = 0;
      for (int j = 0; j < want.embedding().length; j++) {
        dot += (double) want.embedding()[j] * have.embedding()[j];
      }
      assertEquals(1.0, dot, 1e-6, want.record().id());
    }
    for (String text : List.of("tumor", "adipose tissue", "lymphocytes", "stroma")) {
      float[] query = model.texts().encode(text);
      List<SearchHit> want = expected.search(query, 10, TileFilter.ALL);
      List<SearchHit> have = actual.search(query, 10, TileFilter.ALL);
      assertEquals(
          want.stream().map(h -> h.tile().id()).toList(),
          have.stream().map(h -> h.tile().id()).toList(),
          text);
      for (int i = 0; i < want.size(); i++) {
        assertEquals(want.get(i).score(), have.get(i).score(), 1e-5, text);
      }
    }
  }
}
