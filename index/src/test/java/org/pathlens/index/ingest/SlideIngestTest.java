package org.pathlens.index.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.Embeddings;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.ImageEncoder;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.encoders.preprocess.stain.StainFit;
import org.pathlens.encoders.preprocess.stain.StainMethod;
import org.pathlens.encoders.preprocess.stain.StainNormalization;
import org.pathlens.encoders.preprocess.stain.StainOptions;
import org.pathlens.encoders.preprocess.stain.StainTargets;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.RegionTruth;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SearchHit;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.Thumbnails;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.slides.OpenSlideReader;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;
import org.pathlens.slides.SlideTile;
import org.pathlens.slides.SlideTiler;
import org.pathlens.slides.TilePosition;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;

/**
 * Whole-slide ingest of a small generated pyramidal TIFF (pure Java) and, where present, a real
 * SVS.
 */
class SlideIngestTest {
  static final int WIDTH = 1536, HEIGHT = 1024;
  @TempDir static Path slides;
  @TempDir Path indexDir;
  private static VisionLanguageModel model;
  private static Path slide;

  @BeforeAll
  static void generateSlideAndLoadModel() throws IOException {
    slide =
        SyntheticSlide.write(
                slides.resolve("gen-a.tiff"),
                new SyntheticSlide.Options(
                    WIDTH, HEIGHT, "center-a", 5, 11, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    model =
        VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults().withThreads(2));
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }

  private TileIndex openIndex() throws IOException {
    return TileIndex.open(
        indexDir, IndexProvenance.of(model.bundle()), IndexSettings.defaults().withCommitSize(7));
  }

  private SlideIngest ingest() {
    return new SlideIngest(
        model.images(), TilingOptions.defaults(), TissueDetector.defaults(), 4, 2, 256);
  }

  @Test
  void tissueTilesAtLevelZeroWithThumbnailAndRecordAndNoDuplicatesOnRerun() throws IOException {
    try (TileIndex index = openIndex()) {
      IngestSummary summary = ingest().ingest(List.of(slide), index, IngestListener.NONE);
      assertEquals(1, summary.slides());
      assertTrue(summary.skipped().isEmpty(), summary.skipped().toString());
      int grid = (WIDTH / 224) * (HEIGHT / 224);
      assertTrue(
          summary.tiles() > 0 && summary.tiles() < grid, summary.tiles() + " tiles of " + grid);
      assertEquals(summary.tiles(), index.size());

      RegionTruth truth = RegionTruth.read(SyntheticSlide.sidecar(slide));
      List<SearchHit> all =
          index.search(model.texts().encode("tissue"), index.size(), TileFilter.ALL);
      for (SearchHit hit : all) {
        TileRecord tile = hit.tile();
        assertEquals("gen-a", tile.slideId());
        assertEquals(
            0, tile.x() % 224, tile.id()); // 0.5 µm/px slide tiled at 0.5: level-0 grid of 224
        assertEquals(0, tile.y() % 224, tile.id());
        assertEquals("gen-a@" + tile.x() + "," + tile.y(), tile.id());
        assertTrue(
            truthFraction(truth, tile.x(), tile.y()) >= 0.25, "tile mostly on glass: " + tile.id());
        assertEquals(0.5, tile.mpp(), 1e-9);
        assertEquals(Map.of("vendor", "generic-tiff"), tile.extra());
        assertEquals(slide.toAbsolutePath().normalize().toString(), tile.source());
      }

      BufferedImage thumbnail = ImageIO.read(SlideRecord.thumbnailFile(indexDir, "gen-a").toFile());
      assertEquals(256, thumbnail.getWidth());
      assertEquals(171, thumbnail.getHeight());
      SlideRecord record = SlideRecord.read(indexDir, "gen-a");
      assertEquals("generic-tiff", record.vendor());
      assertEquals(WIDTH, record.width());
      assertEquals(HEIGHT, record.height());
      assertEquals(0.5, record.mppX(), 1e-9);
      assertEquals(summary.tiles(), record.tiles());
      assertEquals("thumbnails/gen-a.png", record.thumbnail());
      String thumbnailSha256 =
          Thumbnails.sha256(Files.readAllBytes(SlideRecord.thumbnailFile(indexDir, "gen-a")));
      assertEquals(thumbnailSha256, record.thumbnailSha256());

      long thumbnailWritten =
          Files.getLastModifiedTime(SlideRecord.thumbnailFile(indexDir, "gen-a")).toMillis();
      IngestSummary again = ingest().ingest(List.of(slide), index, IngestListener.NONE);
      assertEquals(0, again.tiles(), "every tile is in the index unchanged");
      assertEquals(summary.tiles(), again.unchanged());
      assertEquals(summary.tiles(), index.size());
      assertEquals(
          summary.tiles(),
          SlideRecord.read(indexDir, "gen-a").tiles(),
          "the record counts kept tiles");
      assertEquals(
          thumbnailWritten,
          Files.getLastModifiedTime(SlideRecord.thumbnailFile(indexDir, "gen-a")).toMillis(),
          "thumbnail rewritten");
      assertEquals(
          thumbnailSha256,
          SlideRecord.read(indexDir, "gen-a").thumbnailSha256(),
          "the rewritten record keeps the hash of the thumbnail that stays");

      IngestSummary reembedded =
          ingest()
              .withExistingTiles(ExistingTiles.REEMBED)
              .ingest(List.of(slide), index, IngestListener.NONE);
      assertEquals(summary.tiles(), reembedded.tiles());
      assertEquals(summary.tiles(), index.size(), "re-ingest replaced tiles by slide and position");
    }
  }

  /**
   * An ingest that dies after its first commit (here: its listener throws while the second commit
   * batch fills), then runs again, embeds only the tiles not committed, and ends with the index a
   * whole ingest gives. Per-slide Macenko: the resumed tiles are normalised with the mapping fitted
   * on the whole slide's sample, as the kept ones were.
   */
  @Test
  void aResumedIngestEmbedsOnlyWhatIsLeftAndEndsAsAWholeIngest() throws IOException {
    StainOptions stain =
        StainOptions.NONE.withNormalization(
            StainNormalization.toward(
                StainTargets.defaultFor(StainMethod.MACENKO), StainFit.SLIDE));
    SlideIngest ingest =
        new SlideIngest(
            model.images().withStain(stain),
            TilingOptions.defaults(),
            TissueDetector.defaults(),
            4,
            2,
            256);
    IndexProvenance provenance = IndexProvenance.of(model.bundle(), stain);
    IndexSettings commitsOf7 = IndexSettings.defaults().withCommitSize(7);
    Map<String, float[]> whole = new TreeMap<>();
    try (TileIndex index = TileIndex.open(indexDir.resolve("whole"), provenance, commitsOf7)) {
      ingest.ingest(List.of(slide), index, IngestListener.NONE);
      index.forEachTile(TileFilter.ALL, tile -> whole.put(tile.record().id(), tile.embedding()));
    }
    Path resumedDir = indexDir.resolve("resumed");
    try (TileIndex index = TileIndex.open(resumedDir, provenance, commitsOf7)) {
      IllegalStateException crash =
          Assertions.assertThrows(
              IllegalStateException.class,
              () ->
                  ingest.ingest(
                      List.of(slide),
                      index,
                      new IngestListener() {
                        int batches;

                        @Override
                        public void indexed(int tiles) {
                          if (++batches
                              == 3) { // batches of 4, commits of 7: 8 tiles committed, 4 buffered
                            throw new IllegalStateException("crash");
                          }
                        }
                      }));
      assertEquals("crash", crash.getMessage());
      assertEquals(8, index.size());
    }
    try (TileIndex index = TileIndex.open(resumedDir, provenance, commitsOf7)) {
      IngestSummary resumed = ingest.ingest(List.of(slide), index, IngestListener.NONE);
      assertEquals(8, resumed.unchanged());
      assertEquals(whole.size() - 8, resumed.tiles());
      Map<String, float[]> after = new TreeMap<>();
      index.forEachTile(TileFilter.ALL, tile -> after.put(tile.record().id(), tile.embedding()));
      assertEquals(whole.keySet(), after.keySet());
      for (String id : whole.keySet()) {
        float cosine = Embeddings.dot(whole.get(id), after.get(id));
        assertTrue(
            cosine > 0.99999f, id + ": cosine " + cosine + " to the whole ingest's embedding");
      }
      assertEquals(whole.size(), SlideRecord.read(resumedDir, "gen-a").tiles());
    }
  }

  @Test
  void anUnreadableSlideIsReportedByNameAndTheOthersGoOn(@TempDir Path dir) throws IOException {
    Path broken =
        Fixtures.shared()
            .map(s -> s.resolve("data/slides/broken.svs"))
            .filter(Files::isRegularFile)
            .orElse(dir.resolve("broken.svs"));
    if (!Files.exists(broken)) {
      Files.write(broken, new byte[0]);
    }
    try (TileIndex index = openIndex()) {
      IngestSummary summary = ingest().ingest(List.of(broken, slide), index, IngestListener.NONE);
      assertEquals(1, summary.slides());
      assertEquals(1, summary.skipped().size());
      SkippedInput skipped = summary.skipped().getFirst();
      assertEquals(broken.toString(), skipped.source());
      assertTrue(skipped.reason().startsWith(broken.toString()), skipped.reason());
      assertTrue(summary.tiles() > 0);
      assertEquals(summary.tiles(), index.count(TileFilter.slide("gen-a")));
    }
  }

  @Test
  void realSvsThroughOpenSlide() throws IOException {
    assumeTrue(
        OpenSlideReader.isAvailable(),
        "libopenslide.so.0 is not installed (apt-get install libopenslide0)");
    Path svs =
        Fixtures.shared()
            .map(s -> s.resolve("data/slides/CMU-1-Small-Region.svs"))
            .filter(Files::isRegularFile)
            .orElse(null);
    assumeTrue(
        svs != null, "../shared is absent (or set PATHLENS_SHARED): no CMU-1-Small-Region.svs");
    try (TileIndex index = openIndex()) {
      IngestSummary summary = ingest().ingest(List.of(svs), index, IngestListener.NONE);
      assertTrue(summary.skipped().isEmpty(), summary.skipped().toString());
      assertTrue(summary.tiles() > 10, summary.tiles() + " tiles");
      SlideRecord record = SlideRecord.read(indexDir, "CMU-1-Small-Region");
      assertEquals("aperio", record.vendor());
      assertEquals(2220, record.width());
      assertEquals("20", record.properties().get("aperio.AppMag"));
      assertEquals(summary.tiles(), index.count(TileFilter.parse("vendor:aperio")));
    }
  }

  /** Share of ground-truth tissue over an 8 x 8 grid of points in a 224-pixel tile at (x, y). */
  private static double truthFraction(RegionTruth truth, int x, int y) {
    int tissue = 0;
    for (int j = 0; j < 8; j++) {
      for (int i = 0; i < 8; i++) {
        tissue += truth.isTissue(x + (i + 0.5) * 28, y + (j + 0.5) * 28) ? 1 : 0;
      }
    }
    return tissue / 64.0;
  }

  /**
   * Per-slide Macenko: every tile is re-stained with the one mapping estimated from 16 evenly
   * spaced tissue tiles of the slide, so a tile's stored embedding is the encoder's for that
   * mapping. An index without stain handling refuses an encoder with it.
   */
  @Test
  void perSlideStainNormalisationAppliesTheSlidesMappingToEveryTile() throws IOException {
    StainOptions stain =
        StainOptions.NONE.withNormalization(
            StainNormalization.toward(
                StainTargets.defaultFor(StainMethod.MACENKO), StainFit.SLIDE));
    ImageEncoder encoder = model.images().withStain(stain);
    try (TileIndex index =
        TileIndex.open(
            indexDir, IndexProvenance.of(model.bundle(), stain), IndexSettings.defaults())) {
      new SlideIngest(encoder, TilingOptions.defaults(), TissueDetector.defaults(), 4, 2, 256)
          .ingest(List.of(slide), index, IngestListener.NONE);
      try (SlideReader reader = SlideReaders.open(slide)) {
        SlideTiler tiler =
            SlideTiler.of(reader, TilingOptions.defaults(), TissueDetector.defaults());
        List<RgbImage> sample = new ArrayList<>();
        for (TilePosition position : StainNormalization.sample(tiler.positions().toList())) {
          sample.add(tiler.read(position).image());
        }
        UnaryOperator<RgbImage> mapping = encoder.slideNormalizer(sample);
        for (SlideTile tile : tiler.tiles().limit(3).toList()) {
          float[] expected = encoder.encode(List.of(tile.image()), mapping).getFirst();
          SearchHit hit = index.search(expected, 1, TileFilter.ALL).getFirst();
          assertEquals("gen-a@" + tile.position().x() + "," + tile.position().y(), hit.tile().id());
          assertTrue(hit.score() > 0.9999, "score " + hit.score());
          float[] perTile =
              encoder.encode(List.of(tile.image()), encoder.tileNormalizer()).getFirst();
          assertTrue(
              Embeddings.dot(perTile, expected) < 0.99999, "per slide differs from per tile");
        }
      }
    }
    try (TileIndex plain =
        TileIndex.open(
            indexDir.resolve("plain"),
            IndexProvenance.of(model.bundle()),
            IndexSettings.defaults())) {
      IllegalArgumentException e =
          Assertions.assertThrows(
              IllegalArgumentException.class,
              () ->
                  new SlideIngest(
                          encoder, TilingOptions.defaults(), TissueDetector.defaults(), 4, 2, 256)
                      .ingest(List.of(slide), plain, IngestListener.NONE));
      assertTrue(
          e.getMessage().contains("stain normalisation macenko (per slide)"), e.getMessage());
    }
  }
}
