package org.pathlens.slides;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.pathlens.encoders.bundle.Interpolation;
import org.pathlens.encoders.preprocess.PilResize;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Cuts a slide into square tiles at a requested resolution. The level read is the coarsest whose
 * resolution is still at least as fine as requested (within 1 %, for rounded level sizes); the
 * region covering a tile there is resampled to the tile size with PIL's antialiased bicubic (a copy
 * when the sizes already agree). Tiles form a grid of whole tiles from the slide's top-left corner,
 * visited row by row, and those with less tissue than asked are skipped.
 *
 * <p>A slide coarser than requested is upsampled only within {@value #UPSAMPLE_TOLERANCE_PERCENT}%
 * (20× scanners report 0.5 to 0.55 µm/px), with a warning; beyond that it is an error, since an
 * upsampled tile is blurred in a way a model never saw in training: ask for a coarser resolution.
 *
 * <p>Nothing is read until tiles are consumed, and the tiler holds no pixels, so slides of 100k
 * tiles stream in constant memory. It is as thread-safe as its reader: {@link #read} may be called
 * from several threads when the reader allows it.
 */
public final class SlideTiler {
  static final int UPSAMPLE_TOLERANCE_PERCENT = 10;
  static final double LEVEL_TOLERANCE = 0.01;

  private final SlideReader slide;
  private final TilingOptions options;
  private final TissueMask mask;
  private final TilingPlan plan;

  private SlideTiler(SlideReader slide, TilingOptions options, TissueMask mask, TilingPlan plan) {
    this.slide = slide;
    this.options = options;
    this.mask = mask;
    this.plan = plan;
  }

  /**
   * A tiler for {@code slide}; {@code mask} may be null only when {@code options.minTissue()} is 0.
   *
   * @throws SlideException when the slide has no resolution and none is assumed, or is too coarse
   */
  public static SlideTiler of(SlideReader slide, TilingOptions options, TissueMask mask)
      throws SlideException {
    if (mask == null && options.minTissue() > 0) {
      throw new IllegalArgumentException(
          "a tissue mask is needed to keep tiles with at least " + options.minTissue() + " tissue");
    }
    return new SlideTiler(slide, options, mask, plan(slide, options));
  }

  /** Detects tissue with {@code detector} and makes a tiler keeping tiles with enough of it. */
  public static SlideTiler of(SlideReader slide, TilingOptions options, TissueDetector detector)
      throws SlideException {
    TilingPlan plan = plan(slide, options);
    // the mask's view is sized by the resolution tiles are cut at, assumed or not
    return new SlideTiler(
        slide,
        options,
        options.minTissue() > 0 ? detector.detect(slide, Optional.of(plan.slideMpp())) : null,
        plan);
  }

  public TilingPlan plan() {
    return plan;
  }

  /** The mask tiles are filtered by, or null when every tile is kept. */
  public TissueMask mask() {
    return mask;
  }

  /** Positions of the kept tiles, row-major, computed as consumed. */
  public Stream<TilePosition> positions() {
    int columns = plan.columns();
    return LongStream.range(0, plan.gridSize())
        .mapToObj(
            k -> {
              TilePosition grid = plan.position((int) (k % columns), (int) (k / columns), 1.0);
              double tissue =
                  mask == null
                      ? 1.0
                      : mask.fraction(grid.x(), grid.y(), plan.tileWidth0(), plan.tileHeight0());
              return new TilePosition(
                  grid.column(),
                  grid.row(),
                  grid.x(),
                  grid.y(),
                  grid.width(),
                  grid.height(),
                  tissue);
            })
        .filter(p -> p.tissue() >= options.minTissue());
  }

  /**
   * Kept tiles with their pixels, row-major, read as consumed. A read failure surfaces as an {@link
   * UncheckedIOException} whose cause is the {@link SlideException}.
   */
  public Stream<SlideTile> tiles() {
    return positions()
        .map(
            p -> {
              try {
                return read(p);
              } catch (SlideException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  /** The pixels of one tile, {@code tileSize x tileSize}. */
  public SlideTile read(TilePosition position) throws SlideException {
    RgbImage region =
        slide.readRegion(
            plan.level(), position.x(), position.y(), plan.readWidth(), plan.readHeight());
    int size = options.tileSize();
    RgbImage tile =
        region.width() == size && region.height() == size
            ? region
            : PilResize.resize(region, size, size, Interpolation.BICUBIC);
    return new SlideTile(position, tile);
  }

  static TilingPlan plan(SlideReader slide, TilingOptions options) throws SlideException {
    List<String> warnings = new ArrayList<>();
    SlideMppRule.SlideMpp resolved =
        options
            .slideMpp()
            .resolve(slide.path(), slide.mpp())
            .orElseThrow(
                () ->
                    new SlideException(
                        slide.path(),
                        "the slide records no microns per pixel ("
                            + slide.vendor()
                            + "); give its level-0 µm/px with --mpp-csv FILE (slide,mpp rows),"
                            + " --mpp-default MPP for every slide that records none, or"
                            + " --mpp-override MPP (0.25 for a 40x scan, 0.5 for 20x)"));
    Mpp mpp = resolved.mpp();
    if (resolved.source().assumed()) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "level-0 resolution assumed to be %.4f µm/px (%s)%s",
              mpp.x(),
              resolved.source().origin(),
              slide
                  .mpp()
                  .map(
                      m -> String.format(Locale.ROOT, "; the slide says %.4f x %.4f", m.x(), m.y()))
                  .orElse("")));
    }
    double requested = options.mpp();
    double upsample = mpp.coarser() / requested;
    if (upsample > 1 + UPSAMPLE_TOLERANCE_PERCENT / 100.0) {
      throw new SlideException(
          slide.path(),
          String.format(
              Locale.ROOT,
              "its finest level is %.4f µm/px, coarser than the %.4f µm/px asked for: tiles would be upsampled %.2f×;"
                  + " ask for %.4f µm/px or coarser",
              mpp.coarser(),
              requested,
              upsample,
              mpp.coarser()));
    }
    if (upsample > 1 + LEVEL_TOLERANCE) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "the slide's %.4f µm/px is slightly coarser than the %.4f asked for:"
                  + " tiles are upsampled %.3f×",
              mpp.coarser(),
              requested,
              upsample));
    }
    // The coarsest level still as fine as requested, within 1 %: pyramid sizes are rounded, so a
    // "2×" level
    // of an odd-sized slide has downsample 2.0005, and reading it is far better than reading level
    // 0.
    int level = 0;
    for (int k = 1; k < slide.levelCount(); k++) {
      if (mpp.coarser() * slide.level(k).downsample() <= requested * (1 + LEVEL_TOLERANCE)) {
        level = k;
      }
    }
    double downsample = slide.level(level).downsample();
    SlideLevel zero = slide.levels().getFirst();
    double width0 = options.tileSize() * requested / mpp.x(),
        height0 = options.tileSize() * requested / mpp.y();
    int readWidth = (int) Math.max(1, Math.round(width0 / downsample));
    int readHeight = (int) Math.max(1, Math.round(height0 / downsample));
    int columns = (int) Math.min(Integer.MAX_VALUE, (long) Math.floor(zero.width() / width0));
    int rows = (int) Math.min(Integer.MAX_VALUE, (long) Math.floor(zero.height() / height0));
    double tileMpp = readWidth * downsample * mpp.x() / options.tileSize();
    return new TilingPlan(
        mpp,
        resolved.source(),
        level,
        downsample,
        width0,
        height0,
        readWidth,
        readHeight,
        columns,
        rows,
        tileMpp,
        List.copyOf(warnings));
  }
}
