package org.pathlens.index.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.SlideRelocation;
import org.pathlens.index.TileIndex;
import org.pathlens.slides.SlideException;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TilingPlan;

/**
 * Keeps a slide id standing for one file and one tiling: before a slide is ingested under an id the
 * index already has a record of, the file must be the one recorded ({@link
 * org.pathlens.index.SlideFingerprint}) and be cut as it was, or the slide's tiles would mix two
 * files' pixels or two grids. A file moved elsewhere keeps its tiles (they follow it); another file
 * or another tiling is refused unless the ingest replaces the slide, which removes its tiles first.
 *
 * @param replace remove the slide's tiles and ingest the file in their place when they disagree
 */
record SlideIdentity(boolean replace) {

  /**
   * Relative difference of tile µm/px still counted as the same tiling (rounding of read sizes).
   */
  private static final double SAME_MPP = 1e-6;

  /**
   * Reconciles the index's record of {@code slideId} (if any) with the slide about to be ingested
   * from {@code slide}, whose fingerprint is {@code fingerprint} and which will be cut by {@code
   * plan}: nothing to do, the tiles follow a moved file, or (with {@link #replace}) the slide's
   * tiles are removed.
   *
   * @throws SlideException when the record is of another file or tiling and {@link #replace} is
   *     off; the message names both and the option
   */
  void reconcile(
      TileIndex index,
      String slideId,
      Path slide,
      String fingerprint,
      TilingOptions tiling,
      TilingPlan plan,
      IngestListener listener)
      throws IOException {
    Optional<SlideRecord> found = index.slideRecords().find(slideId);
    if (found.isEmpty()) {
      return;
    }
    SlideRecord earlier = found.get();
    String source = slide.toAbsolutePath().normalize().toString();
    String conflict = conflict(earlier, source, fingerprint, tiling, plan);
    if (conflict != null) {
      if (!replace) {
        throw new SlideException(
            slide,
            "slide id "
                + slideId
                + " already stands for "
                + conflict
                + " in this index ("
                + earlier.tiles()
                + " tiles); give this file another name, or add --replace to remove those tiles and"
                + " ingest this file in their place");
      }
      int removed = index.deleteSlide(slideId);
      listener.warning(
          slide
              + ": replaces slide "
              + slideId
              + " ("
              + removed
              + " tiles of "
              + earlier.path()
              + ")");
      return;
    }
    if (!earlier.path().equals(source)) {
      Path from = Path.of(earlier.path());
      long moved = SlideRelocation.move(index, earlier, from, Path.of(source));
      listener.warning(
          slide + ": the same file as " + from + " (moved): its " + moved + " tiles follow it");
    }
  }

  /** What makes the recorded slide another one, or null when it is this file cut this way. */
  private static String conflict(
      SlideRecord earlier,
      String source,
      String fingerprint,
      TilingOptions tiling,
      TilingPlan plan) {
    if (earlier.fingerprint() == null
        ? !earlier.path().equals(source)
        : !earlier.fingerprint().equals(fingerprint)) {
      return earlier.path().equals(source)
          ? "this file as it was before it changed"
          : "another file, " + earlier.path();
    }
    boolean sameGrid =
        earlier.tileSize() == tiling.tileSize()
            && Math.abs(earlier.tileMpp() - plan.tileMpp()) <= SAME_MPP * plan.tileMpp()
            && tiling.minTissue() <= earlier.minTissue(); // a lower threshold only adds tiles
    if (earlier.tiles() > 0 && !sameGrid) {
      return String.format(
          Locale.ROOT,
          "this file cut into %d px tiles at %.4f µm/px with --min-tissue %s (asked now: %d px at"
              + " %.4f µm/px, %s)",
          earlier.tileSize(),
          earlier.tileMpp(),
          earlier.minTissue(),
          tiling.tileSize(),
          plan.tileMpp(),
          tiling.minTissue());
    }
    return null;
  }
}
