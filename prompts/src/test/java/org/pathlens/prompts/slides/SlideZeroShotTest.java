package org.pathlens.prompts.slides;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.prompts.ClassEmbeddingCache;
import org.pathlens.prompts.PromptSetReader;
import org.pathlens.prompts.ZeroShotClassifier;

/**
 * Slide-level zero-shot and heatmaps on a generated 2048 x 1536 slide (center-a, seed 7: 35 tiles
 * of 224 px at 0.5 µm/px) indexed with the demo bundle; ground truth from its regions JSON.
 */
class SlideZeroShotTest {

  @TempDir static Path tmp;

  private static VisionLanguageModel model;
  private static TileIndex index;
  private static ZeroShotClassifier classifier;
  private static IndexedSlide slide;

  @BeforeAll
  static void indexTheSlide() throws IOException {
    model = IndexedSlide.demoModel();
    index = IndexedSlide.openIndex(tmp.resolve("index"), model);
    classifier =
        ClassEmbeddingCache.inMemory()
            .classifier(
                model,
                PromptSetReader.read(
                    Fixtures.root()
                        .resolve(
                            "prompts/src/main/resources/org/pathlens/prompts/sets/demo-crc9.json")));
    slide = IndexedSlide.write(tmp, "S-a7", "center-a", 7, 2048, 1536, model, index);
  }

  @AfterAll
  static void close() throws IOException {
    index.close();
    model.close();
  }

  @Test
  void theSlideIsPredictedAsItsMostCommonTissue() throws IOException {
    Map<String, Long> truth =
        slide.tiles().stream()
            .collect(Collectors.groupingBy(t -> t.label(), TreeMap::new, Collectors.counting()));
    String dominant =
        truth.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    assertEquals("STR", dominant, truth.toString()); // stroma fills the section around the regions
    List<SlideClassification> slides =
        IndexClassifier.slides(index, TileFilter.ALL, classifier, SlidePooling.DEFAULT);
    assertEquals(1, slides.size());
    SlideClassification result = slides.getFirst();
    assertEquals("S-a7", result.slideId());
    assertEquals(35, result.tiles());
    assertEquals("topk:5", result.pooling()); // 5 % of 35 is 2, raised to the minimum of 5
    assertEquals("STR", result.result().prediction());
    // The pooled scores are the top-5 means of the tiles' own cosines, and the probabilities their
    // softmax.
    float[][] cosines =
        IndexClassifier.slide(index, "S-a7", classifier).stream()
            .map(t -> t.result().scores())
            .toArray(float[][]::new);
    assertArrayEquals(new SlidePooling.TopK(5).pool(cosines), result.result().scores(), 1e-6f);
    float sum = 0;
    for (float p : result.result().probabilities()) {
      sum += p;
    }
    assertEquals(1, sum, 1e-5);
  }

  @Test
  void tilesComeBackInIdOrderAndFiltersApply() throws IOException {
    List<TileClassification> all = IndexClassifier.tiles(index, TileFilter.ALL, classifier);
    assertEquals(35, all.size());
    assertEquals(
        all.stream().map(t -> t.tile().id()).sorted().toList(),
        all.stream().map(t -> t.tile().id()).toList());
    long tumour = slide.tiles().stream().filter(t -> t.label().equals("TUM")).count();
    assertEquals(
        tumour, IndexClassifier.tiles(index, TileFilter.parse("label:TUM"), classifier).size());
    var none =
        assertThrows(
            IllegalArgumentException.class,
            () -> IndexClassifier.slide(index, "S-none", classifier));
    assertTrue(none.getMessage().contains("'S-none'"), none.getMessage());
  }

  @Test
  void theTumourHeatmapIsHotterInsideTheTumourThanOutside() throws IOException {
    double inside = 0, outside = 0;
    int in = 0, out = 0;
    int tum = classifier.classIds().indexOf("TUM");
    for (TileClassification t : IndexClassifier.slide(index, "S-a7", classifier)) {
      double p = t.result().probabilities()[tum];
      if (t.tile()
          .label()
          .equals("TUM")) { // the tile's centre lies in the TUM region (regions JSON)
        inside += p;
        in++;
      } else {
        outside += p;
        out++;
      }
    }
    inside /= in;
    outside /= out;
    System.out.printf(
        "P(TUM): %.3f mean over %d tiles inside the tumour, %.3f over %d outside%n",
        inside, in, outside, out);
    assertTrue(in >= 5 && out >= 20, in + " inside, " + out + " outside");
    assertTrue(inside > outside + 0.3, "inside " + inside + ", outside " + outside);
  }

  @Test
  void heatmapPngHasTheThumbnailAColourBarAndNoPaintOffTheTiles() throws IOException {
    Path png = Files.createDirectories(Path.of("target", "slide-views")).resolve("S-a7-TUM.png");
    BufferedImage written;
    try (SlideViews views = SlideViews.open(index, "S-a7", classifier, 224)) {
      assertEquals(
          224,
          views.footprint().side0(),
          1e-9); // the grid stride at 0.5 µm/px on a 0.5 µm/px slide
      ImageIO.write(views.heatmap("TUM", 1024), "png", png.toFile());
      written = ImageIO.read(png.toFile());
      var bad = assertThrows(IllegalArgumentException.class, () -> views.heatmap("CANCER", 1024));
      assertTrue(bad.getMessage().contains("TUM"), bad.getMessage());
    }
    int[] expected = HeatmapPlot.size(1024, 768); // 2048 x 1536 halved
    assertEquals(expected[0], written.getWidth());
    assertEquals(expected[1], written.getHeight());
    // Colour bar right of the thumbnail: 1 (yellow) at the top, 0 (purple) at the bottom.
    int barX = 12 + 1024 + 16 + 10;
    assertClose(Viridis.of(1), new Color(written.getRGB(barX, 40 + 1)), 8);
    assertClose(Viridis.of(0), new Color(written.getRGB(barX, 40 + 768 - 2)), 8);
    // The top-left corner of the slide is glass with no tile: the thumbnail shows through untouched
    // (light).
    Color corner = new Color(written.getRGB(12 + 2, 40 + 2));
    assertTrue(
        corner.getRed() > 200 && corner.getGreen() > 200 && corner.getBlue() > 200,
        corner.toString());
    // The most TUM-like tile is painted: its centre leans to viridis yellow (green well above
    // blue).
    TileClassification hottest;
    try (SlideViews views = SlideViews.open(index, "S-a7", classifier, 224)) {
      hottest = views.topTiles(views.classIndex("TUM"), 1).getFirst();
    }
    Color hot =
        new Color(
            written.getRGB(
                12 + (hottest.tile().x() + 112) / 2, 40 + (hottest.tile().y() + 112) / 2));
    assertTrue(hot.getGreen() > hot.getBlue() + 30, hot.toString());
  }

  @Test
  void overlayPaintsEachTileFootprintInItsColourAndNothingElse() throws IOException {
    // 700 x 525: a thumbnail size whose scale (700 / 2048) puts tile edges between pixels, so
    // rounding counts.
    int width = 700, height = 525;
    BufferedImage overlay;
    List<TileClassification> tiles;
    int tum;
    try (SlideViews views = SlideViews.open(index, "S-a7", classifier, 224)) {
      overlay = views.overlay("TUM", width, height);
      tiles = views.tiles();
      tum = views.classIndex("TUM");
      assertThrows(IllegalArgumentException.class, () -> views.overlay("TUM", 0, 10));
    }
    ImageIO.write(
        overlay,
        "png",
        Files.createDirectories(Path.of("target", "slide-views"))
            .resolve("S-a7-TUM-overlay.png")
            .toFile());
    assertEquals(width, overlay.getWidth());
    assertEquals(height, overlay.getHeight());
    // Expected by hand: a tile at level-0 (x, y), 224 px a side on a 2048 x 1536 slide, covers
    // thumbnail
    // columns round(x * 700 / 2048) up to (not including) round((x + 224) * 700 / 2048), rows
    // likewise.
    Color[] expected = new Color[width * height];
    for (TileClassification t : tiles) {
      int left = (int) Math.round(t.tile().x() * width / 2048.0),
          right = (int) Math.round((t.tile().x() + 224) * width / 2048.0);
      int top = (int) Math.round(t.tile().y() * height / 1536.0),
          bottom = (int) Math.round((t.tile().y() + 224) * height / 1536.0);
      for (int y = top; y < bottom; y++) {
        for (int x = left; x < right; x++) {
          expected[y * width + x] = Viridis.of(t.result().probabilities()[tum]);
        }
      }
    }
    int painted = 0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int argb = overlay.getRGB(x, y);
        Color want = expected[y * width + x];
        if (want == null) {
          assertEquals(0, argb >>> 24, "transparent off the tiles at " + x + "," + y);
        } else {
          assertEquals(0xFF000000 | want.getRGB(), argb, "tile colour at " + x + "," + y);
          painted++;
        }
      }
    }
    // 35 cells of about 76.6 x 76.6 px.
    assertEquals(35 * 76.56 * 76.56, painted, 35 * 2 * 77.0);
  }

  @Test
  void contactSheetShowsEachClassMostProbableTilesBestFirst() throws IOException {
    Path png =
        Files.createDirectories(Path.of("target", "slide-views")).resolve("S-a7-contact.png");
    try (SlideViews views = SlideViews.open(index, "S-a7", classifier, 224)) {
      BufferedImage sheet = views.contactSheet(4, 96);
      ImageIO.write(sheet, "png", png.toFile());
      int[] size = ContactSheetPlot.size(9, 4, 96);
      assertEquals(size[0], sheet.getWidth());
      assertEquals(size[1], sheet.getHeight());
      int tum = views.classIndex("TUM");
      List<TileClassification> top = views.topTiles(tum, 4);
      List<TileClassification> byHand =
          views.tiles().stream()
              .sorted(
                  Comparator.comparingDouble(
                          (TileClassification t) -> -t.result().probabilities()[tum])
                      .thenComparing(t -> t.tile().id()))
              .limit(4)
              .toList();
      assertEquals(byHand, top);
      assertTrue(
          top.getFirst().result().probabilities()[tum]
              >= top.getLast().result().probabilities()[tum]);
    }
  }

  private static void assertClose(Color expected, Color actual, int tolerance) {
    assertTrue(
        Math.abs(expected.getRed() - actual.getRed()) <= tolerance
            && Math.abs(expected.getGreen() - actual.getGreen()) <= tolerance
            && Math.abs(expected.getBlue() - actual.getBlue()) <= tolerance,
        "expected " + expected + ", got " + actual);
  }
}
