package org.pathlens.prompts.slides;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.pathlens.encoders.bundle.Interpolation;
import org.pathlens.encoders.preprocess.PilResize;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.encoders.preprocess.RgbImages;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.prompts.Classifier;
import org.pathlens.slides.SlideException;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;

/**
 * What the viewer shows of one indexed slide: a class's per-tile probability as a heatmap over the
 * slide's thumbnail (a figure, or the colour layer alone to stack on a thumbnail), and each class's
 * most probable tiles as a contact sheet. Tiles come from the index with their stored embeddings;
 * pixels from the slide file the tiles record as their {@code source}. The command line ({@code
 * pathlens heatmap}) and the server both use this.
 */
public final class SlideViews implements AutoCloseable {

  private final String slideId;
  private final List<String> classIds;
  private final List<TileClassification> tiles;
  private final SlideReader slide;
  private final TileFootprint footprint;

  private SlideViews(
      String slideId,
      List<String> classIds,
      List<TileClassification> tiles,
      SlideReader slide,
      TileFootprint footprint) {
    this.slideId = slideId;
    this.classIds = classIds;
    this.tiles = tiles;
    this.slide = slide;
    this.footprint = footprint;
  }

  /**
   * Classifies the tiles of {@code slideId} in {@code index} and opens their slide file.
   *
   * @param tilePixels the side in pixels the tiles were cut at (the model's input size, as a rule):
   *     used for the tile size only when the tiles' grid cannot show it (a one-tile slide)
   * @throws IllegalArgumentException when the slide has no tiles, or they record no slide file
   * @throws SlideException when the slide file cannot be opened
   */
  public static SlideViews open(
      TileIndex index, String slideId, Classifier classifier, int tilePixels) throws IOException {
    return open(index, slideId, TileFilter.ALL, classifier, tilePixels);
  }

  /**
   * As {@link #open(TileIndex, String, Classifier, int)}, with only the slide's tiles that pass
   * {@code filter} (those inside regions of one class, say): the heatmap leaves the others blank.
   */
  public static SlideViews open(
      TileIndex index, String slideId, TileFilter filter, Classifier classifier, int tilePixels)
      throws IOException {
    List<TileClassification> tiles = IndexClassifier.slide(index, slideId, filter, classifier);
    Path source = sourceOf(slideId, tiles);
    SlideReader slide = SlideReaders.open(source);
    try {
      TileRecord first = tiles.getFirst().tile();
      OptionalDouble fallback =
          first.mpp() != null && slide.mpp().isPresent()
              ? OptionalDouble.of(tilePixels * first.mpp() / slide.mpp().get().x())
              : OptionalDouble.empty();
      return new SlideViews(
          slideId,
          classifier.classIds(),
          tiles,
          slide,
          TileFootprint.of(tiles.stream().map(TileClassification::tile).toList(), fallback));
    } catch (RuntimeException e) {
      slide.close();
      throw e;
    }
  }

  private static Path sourceOf(String slideId, List<TileClassification> tiles) {
    String source = null;
    for (TileClassification t : tiles) {
      String s = t.tile().source();
      if (s == null) {
        throw new IllegalArgumentException(
            "tile "
                + t.tile().id()
                + " of slide '"
                + slideId
                + "' records no source slide file, so the slide cannot be drawn");
      }
      if (source != null && !source.equals(s)) {
        throw new IllegalArgumentException(
            "tiles of slide '" + slideId + "' name two source files: " + source + " and " + s);
      }
      source = s;
    }
    return Path.of(source);
  }

  public List<TileClassification> tiles() {
    return tiles;
  }

  public TileFootprint footprint() {
    return footprint;
  }

  /**
   * The per-tile probability of {@code classId} over the slide's thumbnail ({@code thumbnailSide}
   * pixels on its longer side), with a colour bar.
   *
   * @throws IllegalArgumentException for a class the classifier does not have, naming those it has
   */
  public BufferedImage heatmap(String classId, int thumbnailSide) throws SlideException {
    List<HeatmapPlot.Cell> cells = cells(classId);
    RgbImage thumbnail = slide.thumbnail(thumbnailSide);
    var zero = slide.levels().getFirst();
    String title =
        String.format(
            Locale.ROOT,
            "%s — probability per tile, slide %s (%d tiles)",
            classId,
            slideId,
            tiles.size());
    return HeatmapPlot.render(
        RgbImages.toBufferedImage(thumbnail),
        zero.width(),
        zero.height(),
        footprint.side0(),
        cells,
        title,
        "P(" + classId + ")");
  }

  /**
   * The per-tile probability of {@code classId} alone, for stacking over a thumbnail of the whole
   * slide that is {@code width} x {@code height} pixels: an ARGB image of that size, each tile's
   * cell opaque in its viridis colour, transparent where there is no tile ({@link
   * HeatmapPlot#cellLayer}).
   *
   * @throws IllegalArgumentException for a class the classifier does not have, or a size below 1
   */
  public BufferedImage overlay(String classId, int width, int height) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "an overlay needs a positive size, got " + width + " x " + height);
    }
    var zero = slide.levels().getFirst();
    return HeatmapPlot.cellLayer(
        width, height, zero.width(), zero.height(), footprint.side0(), cells(classId));
  }

  private List<HeatmapPlot.Cell> cells(String classId) {
    int c = classIndex(classId);
    return tiles.stream()
        .map(t -> new HeatmapPlot.Cell(t.tile().x(), t.tile().y(), t.result().probabilities()[c]))
        .toList();
  }

  /**
   * Every class's {@code top} most probable tiles (probability descending, then tile id), read from
   * the slide at {@code cropSide} pixels, one row per class in class order.
   */
  public BufferedImage contactSheet(int top, int cropSide) throws SlideException {
    if (top < 1 || cropSide < 8) {
      throw new IllegalArgumentException(
          "a contact sheet needs top >= 1 and crops of at least 8 px, got top "
              + top
              + ", crop "
              + cropSide);
    }
    List<ContactSheetPlot.Row> rows = new ArrayList<>();
    for (int c = 0; c < classIds.size(); c++) {
      List<ContactSheetPlot.Crop> crops = new ArrayList<>();
      for (TileClassification t : topTiles(c, top)) {
        String caption =
            String.format(
                Locale.ROOT,
                "p %.2f\nx %d, y %d",
                t.result().probabilities()[c],
                t.tile().x(),
                t.tile().y());
        crops.add(
            new ContactSheetPlot.Crop(
                RgbImages.toBufferedImage(crop(t.tile(), cropSide)), caption));
      }
      rows.add(new ContactSheetPlot.Row(classIds.get(c), crops));
    }
    return ContactSheetPlot.render(rows, cropSide, "Top tiles per class, " + slideId);
  }

  /** The {@code n} tiles most probable for class {@code c}, ties broken by tile id. */
  public List<TileClassification> topTiles(int c, int n) {
    return tiles.stream()
        .sorted(
            Comparator.comparingDouble((TileClassification t) -> -t.result().probabilities()[c])
                .thenComparing(t -> t.tile().id()))
        .limit(n)
        .toList();
  }

  /** A tile's footprint read from the coarsest level that still has {@code side} pixels for it. */
  private RgbImage crop(TileRecord tile, int side) throws SlideException {
    double side0 = footprint.side0();
    int level = slide.bestLevelForDownsample(side0 / side);
    double downsample = slide.level(level).downsample();
    int read = (int) Math.max(1, Math.round(side0 / downsample));
    RgbImage region = slide.readRegion(level, tile.x(), tile.y(), read, read);
    return read == side ? region : PilResize.resize(region, side, side, Interpolation.BICUBIC);
  }

  public int classIndex(String classId) {
    int c = classIds.indexOf(classId);
    if (c < 0) {
      throw new IllegalArgumentException(
          "no class '"
              + classId
              + "' in the prompt set; its classes: "
              + String.join(", ", classIds));
    }
    return c;
  }

  @Override
  public void close() {
    slide.close();
  }
}
