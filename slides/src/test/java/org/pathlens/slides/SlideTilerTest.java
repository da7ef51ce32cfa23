package org.pathlens.slides;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.pathlens.encoders.bundle.Interpolation;
import org.pathlens.encoders.preprocess.PilResize;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.fixtures.synth.RegionTruth;
import org.pathlens.fixtures.synth.SlideRegions;
import org.pathlens.fixtures.synth.SyntheticSlide;

class SlideTilerTest {
  private static final SyntheticSlide.Summary GENERATED = GeneratedSlides.standard();

  @Test
  void planPicksTheCoarsestLevelThatIsFineEnough() throws IOException {
    try (SlideReader slide = SlideReaders.open(GENERATED.slide())) {
      TilingPlan native20x =
          SlideTiler.of(slide, TilingOptions.defaults().withMinTissue(0), (TissueMask) null).plan();
      assertEquals(0, native20x.level());
      assertEquals(224, native20x.readWidth());
      assertEquals(224.0, native20x.tileWidth0());
      assertEquals(9, native20x.columns());
      assertEquals(6, native20x.rows());
      assertEquals(0.5, native20x.tileMpp());
      assertEquals(List.of(), native20x.warnings());

      TilingPlan at1 = SlideTiler.plan(slide, TilingOptions.defaults().withMpp(1.0));
      assertEquals(1, at1.level());
      assertEquals(224, at1.readWidth());
      assertEquals(448.0, at1.tileWidth0());
      assertEquals(4, at1.columns());
      assertEquals(3, at1.rows());

      TilingPlan at2 = SlideTiler.plan(slide, TilingOptions.defaults().withMpp(2.0));
      assertEquals(2, at2.level());

      TilingPlan between = SlideTiler.plan(slide, TilingOptions.defaults().withMpp(1.5));
      assertEquals(1, between.level(), "level 2 (2 µm/px) would be too coarse");
      assertEquals(336, between.readWidth());
    }
  }

  @Test
  void keptTilesLieInTissueAndWellInsideTissueNoneIsMissed() throws IOException {
    RegionTruth truth = RegionTruth.read(GENERATED.regions());
    try (SlideReader slide = SlideReaders.open(GENERATED.slide())) {
      SlideTiler tiler = SlideTiler.of(slide, TilingOptions.defaults(), TissueDetector.defaults());
      List<TilePosition> kept = tiler.positions().toList();
      int wellInside = 0, found = 0;
      for (int row = 0; row < tiler.plan().rows(); row++) {
        for (int column = 0; column < tiler.plan().columns(); column++) {
          TilePosition grid = tiler.plan().position(column, row, 0);
          double tissue = truthFraction(truth, grid);
          Optional<TilePosition> match =
              kept.stream().filter(p -> p.x() == grid.x() && p.y() == grid.y()).findFirst();
          if (match.isPresent()) {
            assertTrue(
                tissue >= 0.4,
                "tile at "
                    + grid.x()
                    + ","
                    + grid.y()
                    + " has "
                    + tissue
                    + " tissue by the ground truth");
            assertTrue(match.get().tissue() >= 0.5);
          }
          if (tissue >= 0.95) {
            wellInside++;
            found += match.isPresent() ? 1 : 0;
          }
        }
      }
      System.out.printf(
          "tiler: kept %d of %d tiles; %d of %d tiles with >= 95%% tissue by the ground truth%n",
          kept.size(), tiler.plan().gridSize(), found, wellInside);
      assertTrue(wellInside >= 15);
      assertTrue(found >= wellInside - 1, found + " of " + wellInside);
      assertTrue(kept.size() < tiler.plan().gridSize(), "some background tiles are dropped");
    }
  }

  @Test
  void tileCoordinatesMapBackToTheRegionTheyShow() throws IOException {
    RegionTruth truth = RegionTruth.read(GENERATED.regions());
    try (SlideReader slide = SlideReaders.open(GENERATED.slide())) {
      SlideTiler tiler = SlideTiler.of(slide, TilingOptions.defaults(), TissueDetector.defaults());
      List<TilePosition> kept = tiler.positions().toList();
      int checked = 0;
      for (SlideRegions.Region region : truth.regions().regions()) {
        int[] probe = region.probe();
        Optional<TilePosition> tile =
            kept.stream()
                .filter(
                    p ->
                        p.x() <= probe[0]
                            && probe[0] < p.x() + p.width()
                            && p.y() <= probe[1]
                            && probe[1] < p.y() + p.height())
                .findFirst();
        if (tile.isEmpty() || region.label().equals("ADI")) {
          continue;
        }
        TilePosition p = tile.get();
        // The tile's pixels are the slide's level-0 pixels at the recorded coordinates...
        SlideTile read = tiler.read(p);
        assertArrayEquals(slide.readRegion(0, p.x(), p.y(), 224, 224).rgb(), read.image().rgb());
        // ...so the tile pixel at the probe's offset is the probe pixel, which shows the region's
        // class, and
        // the tile's centre is tissue too.
        RgbImage probePixel = slide.readRegion(0, probe[0], probe[1], 1, 1);
        for (int c = 0; c < 3; c++) {
          assertEquals(
              probePixel.sample(0, 0, c),
              read.image().sample((int) (probe[0] - p.x()), (int) (probe[1] - p.y()), c));
        }
        assertNotEquals(
            "BACK",
            truth.classAt(p.x() + p.width() / 2.0, p.y() + p.height() / 2.0),
            region.label());
        checked++;
      }
      assertTrue(checked >= 5, "only " + checked + " probes fell in kept tiles");
    }
  }

  @Test
  void tilesAreRowMajorRepeatableAndReadOnlyWhenConsumed() throws IOException {
    try (SlideReader slide = SlideReaders.open(GENERATED.slide())) {
      CountingReader counting = new CountingReader(slide);
      SlideTiler tiler =
          SlideTiler.of(counting, TilingOptions.defaults(), TissueDetector.defaults());
      int afterDetection = counting.reads.get();
      List<TilePosition> positions = tiler.positions().toList();
      assertEquals(
          positions.stream()
              .sorted(
                  Comparator.comparingInt(TilePosition::row).thenComparingInt(TilePosition::column))
              .toList(),
          positions);
      assertEquals(positions, tiler.positions().toList());
      List<SlideTile> three = tiler.tiles().limit(3).toList();
      assertEquals(3, counting.reads.get() - afterDetection);
      assertEquals(positions.subList(0, 3), three.stream().map(SlideTile::position).toList());
    }
  }

  @Test
  void coarserTilesAreResampledWithPilBicubic() throws IOException {
    try (SlideReader slide = SlideReaders.open(GENERATED.slide())) {
      SlideTiler tiler =
          SlideTiler.of(slide, TilingOptions.defaults().withMpp(0.75), TissueDetector.defaults());
      assertEquals(0, tiler.plan().level());
      assertEquals(336, tiler.plan().readWidth());
      SlideTile tile = tiler.tiles().findFirst().orElseThrow();
      assertEquals(224, tile.image().width());
      TilePosition p = tile.position();
      RgbImage expected =
          PilResize.resize(
              slide.readRegion(0, p.x(), p.y(), 336, 336), 224, 224, Interpolation.BICUBIC);
      assertArrayEquals(expected.rgb(), tile.image().rgb());
      assertEquals(336, p.width());
    }
  }

  @Test
  void resolutionProblemsAreErrorsOrWarnings() throws IOException {
    try (SlideReader slide = SlideReaders.open(GENERATED.slide())) {
      SlideException tooFine =
          assertThrows(
              SlideException.class,
              () -> SlideTiler.plan(slide, TilingOptions.defaults().withMpp(0.25)));
      assertTrue(
          tooFine.getMessage().contains("0.5000 µm/px, coarser than the 0.2500 µm/px asked for"),
          tooFine.getMessage());
      TilingPlan slightly = SlideTiler.plan(slide, TilingOptions.defaults().withMpp(0.47));
      assertEquals(1, slightly.warnings().size());
      assertTrue(
          slightly.warnings().getFirst().contains("upsampled 1.064"),
          slightly.warnings().toString());
      assertEquals(
          211,
          slightly.readWidth(),
          "224 x 0.47 / 0.5 = 210.6 level-0 pixels, resampled up to 224");

      SlideReader noMpp =
          new CountingReader(slide) {
            @Override
            public Optional<Mpp> mpp() {
              return Optional.empty();
            }
          };
      SlideException missing =
          assertThrows(
              SlideException.class,
              () -> SlideTiler.of(noMpp, TilingOptions.defaults(), TissueDetector.defaults()));
      assertTrue(
          missing
              .getMessage()
              .startsWith(GENERATED.slide() + ": the slide records no microns per pixel"),
          missing.getMessage());
      // the fix is named as a user types it, not as a Java method
      assertTrue(missing.getMessage().contains("--mpp-override MPP"), missing.getMessage());
      assertTrue(!missing.getMessage().contains("TilingOptions"), missing.getMessage());
      TilingPlan assumed = SlideTiler.plan(noMpp, TilingOptions.defaults().withAssumedMpp(0.25));
      assertEquals(448.0, assumed.tileWidth0());
      assertNotEquals(List.of(), assumed.warnings());
    }
  }

  /** Share of ground-truth tissue over an 8 x 8 grid of points in the tile. */
  private static double truthFraction(RegionTruth truth, TilePosition p) {
    int tissue = 0;
    for (int j = 0; j < 8; j++) {
      for (int i = 0; i < 8; i++) {
        tissue +=
            truth.isTissue(p.x() + (i + 0.5) * p.width() / 8, p.y() + (j + 0.5) * p.height() / 8)
                ? 1
                : 0;
      }
    }
    return tissue / 64.0;
  }

  /** Counts region reads; otherwise the wrapped reader. */
  private static class CountingReader implements SlideReader {
    final SlideReader inner;
    final AtomicInteger reads = new AtomicInteger();

    CountingReader(SlideReader inner) {
      this.inner = inner;
    }

    @Override
    public Path path() {
      return inner.path();
    }

    @Override
    public List<SlideLevel> levels() {
      return inner.levels();
    }

    @Override
    public Optional<Mpp> mpp() {
      return inner.mpp();
    }

    @Override
    public String vendor() {
      return inner.vendor();
    }

    @Override
    public Map<String, String> properties() {
      return inner.properties();
    }

    @Override
    public RgbImage readRegion(int level, long x0, long y0, int width, int height)
        throws SlideException {
      reads.incrementAndGet();
      return inner.readRegion(level, x0, y0, width, height);
    }

    @Override
    public void close() {}
  }
}
