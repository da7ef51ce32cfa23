package org.pathlens.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.RegionTruth;
import org.pathlens.fixtures.synth.SlideRegions;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.ingest.IngestListener;
import org.pathlens.index.ingest.SlideIngest;
import org.pathlens.prompts.PromptSet;
import org.pathlens.prompts.ZeroShotClassifier;
import org.pathlens.prompts.slides.IndexClassifier;
import org.pathlens.prompts.slides.SlideClassification;
import org.pathlens.prompts.slides.SlidePooling;
import org.pathlens.prompts.slides.TileClassification;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;

/**
 * The slide-level zero-shot K sweep, reported rather than used to pick K: slide predictions with
 * top-K pooling for K in {1, 5, 10, 50, 100}, the automatic default and mean pooling, on one
 * generated slide per center (most of its tissue stroma), whole and as a "biopsy" of its tumour
 * (the tiles whose centre lies in the tumour region's bounding box). Slides are generated and
 * ingested as {@code pathlens ingest --slides} does it; the truth of a tile is the class at its
 * centre in the slide's regions file.
 */
public final class PoolingSweep {

  /** The poolings compared, in table order. */
  public static final List<SlidePooling> POOLINGS =
      List.of(
          new SlidePooling.TopK(1),
          new SlidePooling.TopK(5),
          new SlidePooling.TopK(10),
          new SlidePooling.TopK(50),
          new SlidePooling.TopK(100),
          SlidePooling.DEFAULT,
          new SlidePooling.Mean());

  static final List<String> CENTERS =
      List.of("center-a", "center-b", "center-c", "center-d", "center-e");
  static final int WIDTH = 2048;
  static final int HEIGHT = 1536;
  static final String TUMOUR = "TUM";

  private PoolingSweep() {}

  /** One prediction: the class and its probability. */
  public record Cell(String prediction, double probability) {}

  /**
   * One slide, whole or its tumour biopsy.
   *
   * @param truth tiles per true class
   * @param cells one per {@link #POOLINGS}
   */
  public record Row(
      String slideId, boolean biopsy, int tiles, Map<String, Integer> truth, List<Cell> cells) {

    /** The most common true class of the tiles. */
    public String majority() {
      return truth.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** What a right answer is: the tumour for a biopsy, the majority class for a whole slide. */
    public String expected() {
      return biopsy ? TUMOUR : majority();
    }
  }

  /** Generates the slides under {@code work}, ingests them and classifies each row. */
  public static List<Row> run(VisionLanguageModel model, PromptSet prompts, Path work)
      throws IOException {
    ZeroShotClassifier classifier =
        ZeroShotClassifier.build(prompts, model.texts(), model.logitScale());
    List<Row> rows = new ArrayList<>();
    try (TileIndex index =
        TileIndex.open(
            work.resolve("index"), IndexProvenance.of(model), IndexSettings.defaults())) {
      SlideIngest ingest =
          new SlideIngest(
              model.images(), TilingOptions.defaults(), TissueDetector.defaults(), 32, 2, 256);
      for (String center : CENTERS) {
        SyntheticSlide.Summary slide = generate(work, center);
        ingest.ingest(List.of(slide.slide()), index, IngestListener.NONE);
        String slideId = slide.slide().getFileName().toString().replace(".tiff", "");
        RegionTruth truth = RegionTruth.read(slide.regions());
        rows.add(row(index, classifier, slideId, false, "slide_id:" + slideId, truth));
        rows.add(row(index, classifier, slideId, true, biopsy(slideId, truth.regions()), truth));
      }
    }
    return rows;
  }

  /** The generator refuses a few layouts (a region hidden by later ones): the next seed then. */
  private static SyntheticSlide.Summary generate(Path work, String center) throws IOException {
    for (long seed = 7; ; seed++) {
      try {
        return SyntheticSlide.write(
            work.resolve("S-" + center + "-" + seed + ".tiff"),
            new SyntheticSlide.Options(
                WIDTH, HEIGHT, center, 5, seed, PyramidTiffWriter.Compression.JPEG, 2));
      } catch (IllegalStateException refused) {
        // next seed
      }
    }
  }

  /** The tiles whose centre (level-0 x, y + 112) lies in the tumour's bounding box. */
  private static String biopsy(String slideId, SlideRegions regions) {
    double[] b =
        regions.regions().stream()
            .filter(r -> r.label().equals(TUMOUR))
            .findFirst()
            .orElseThrow()
            .bbox();
    int half = TilingOptions.defaults().tileSize() / 2;
    return String.format(
        Locale.ROOT,
        "slide_id:%s AND x:[%d TO %d] AND y:[%d TO %d]",
        slideId,
        (int) b[0] - half,
        (int) (b[0] + b[2]) - half,
        (int) b[1] - half,
        (int) (b[1] + b[3]) - half);
  }

  private static Row row(
      TileIndex index,
      ZeroShotClassifier classifier,
      String slideId,
      boolean biopsy,
      String filter,
      RegionTruth truth)
      throws IOException {
    TileFilter tiles = TileFilter.parse(filter);
    int half = TilingOptions.defaults().tileSize() / 2;
    Map<String, Integer> classes = new TreeMap<>();
    for (TileClassification tile : IndexClassifier.tiles(index, tiles, classifier)) {
      classes.merge(truth.classAt(tile.tile().x() + half, tile.tile().y() + half), 1, Integer::sum);
    }
    List<Cell> cells = new ArrayList<>();
    int n = 0;
    for (SlidePooling pooling : POOLINGS) {
      SlideClassification slide =
          IndexClassifier.slides(index, tiles, classifier, pooling).getFirst();
      n = slide.tiles();
      int c = slide.result().predictedIndex();
      cells.add(new Cell(slide.result().prediction(), slide.result().probabilities()[c]));
    }
    return new Row(slideId, biopsy, n, classes, cells);
  }

  /** Per pooling, how many rows it got right: whole slides (majority class) and biopsies (TUM). */
  public static String summary(List<Row> rows) {
    StringBuilder out =
        new StringBuilder(
            "| tiles | top-1 | top-5 | top-10 | top-50 | top-100 | auto | mean |\n"
                + "|---|---|---|---|---|---|---|---|\n");
    for (boolean biopsy : new boolean[] {false, true}) {
      List<Row> part = rows.stream().filter(r -> r.biopsy() == biopsy).toList();
      out.append(
          biopsy
              ? "| tumour biopsy, predicted TUM |"
              : "| whole slide, predicted its majority class |");
      for (int p = 0; p < POOLINGS.size(); p++) {
        int pooling = p;
        long right =
            part.stream()
                .filter(r -> r.cells().get(pooling).prediction().equals(r.expected()))
                .count();
        out.append(' ').append(right).append('/').append(part.size()).append(" |");
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** Every row: tiles, true classes, and each pooling's prediction with its probability. */
  public static String details(List<Row> rows) {
    StringBuilder out =
        new StringBuilder(
            "| slide | tiles | true classes | top-1 | top-5 | top-10 | top-50 | top-100 | auto | mean |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row row : rows) {
      out.append("| ")
          .append(row.slideId())
          .append(row.biopsy() ? " TUM biopsy" : "")
          .append(" | ")
          .append(row.tiles())
          .append(" | ")
          .append(row.truth())
          .append(" |");
      for (Cell cell : row.cells()) {
        out.append(String.format(Locale.ROOT, " %s %.2f |", cell.prediction(), cell.probability()));
      }
      out.append('\n');
    }
    return out.toString();
  }
}
