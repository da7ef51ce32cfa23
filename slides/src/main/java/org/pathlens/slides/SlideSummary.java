package org.pathlens.slides;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a slide is and what tiling it would give: the facts {@code pathlens slide info} prints and
 * the server will show. The tile count needs the tissue mask but reads no tile.
 */
public record SlideSummary(
    Path path,
    String reader,
    String vendor,
    List<SlideLevel> levels,
    Optional<Mpp> mpp,
    double tissueFraction,
    TilingPlan plan,
    long keptTiles) {

  /** Detects tissue on {@code slide} and plans tiling with {@code options}; reads no tile. */
  public static SlideSummary of(SlideReader slide, TilingOptions options, TissueDetector detector)
      throws SlideException {
    TissueMask mask = detector.detect(slide);
    SlideTiler tiler = SlideTiler.of(slide, options, mask);
    return new SlideSummary(
        slide.path(),
        slide.getClass().getSimpleName(),
        slide.vendor(),
        slide.levels(),
        slide.mpp(),
        mask.tissueFraction(),
        tiler.plan(),
        tiler.positions().count());
  }
}
