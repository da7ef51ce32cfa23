package org.pathlens.index.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIds;
import org.pathlens.index.TileIndex;
import org.pathlens.index.regions.SlideRegions;
import org.pathlens.slides.SlideException;
import org.pathlens.slides.TilePosition;

/**
 * Keeps a region-restricted slide's tiles the ones its regions hold: before the slide is ingested
 * with regions, tiles an earlier ingest of it left outside them (one without regions, or with other
 * regions) are refused, or removed with {@code --replace}. Kept, they would mix two selections
 * under one slide id: a slide label from tiles nobody annotated, and a slide record counting fewer
 * tiles than the index holds.
 *
 * @param replace remove the slide's tiles first rather than refuse it
 */
record TilesOutsideRegions(boolean replace) {

  /**
   * Refuses, or with {@link #replace} removes, the tiles of {@code slideId} in {@code index} that
   * are not among {@code kept}, the positions its {@code regions} hold.
   *
   * @throws SlideException naming the slide, the count and the options, when such tiles exist and
   *     {@link #replace} is off
   */
  void reconcile(
      TileIndex index,
      String slideId,
      Path slide,
      SlideRegions regions,
      List<TilePosition> kept,
      IngestListener listener)
      throws IOException {
    int held = index.count(TileFilter.slide(slideId));
    if (held == 0) {
      return;
    }
    List<String> ids =
        kept.stream()
            .map(p -> TileIds.ofPosition(slideId, Math.toIntExact(p.x()), Math.toIntExact(p.y())))
            .toList();
    int outside = held - index.records(ids).size();
    if (outside <= 0) {
      return;
    }
    if (!replace) {
      throw new SlideException(
          slide,
          "slide id "
              + slideId
              + " already holds "
              + outside
              + " tiles outside the regions of "
              + regions.file()
              + " (ingested without them, or with other regions); add --replace to remove the"
              + " slide's tiles and ingest only those inside the regions, or ingest into another"
              + " index");
    }
    int removed = index.deleteSlide(slideId);
    listener.warning(
        slide
            + ": replaces slide "
            + slideId
            + " ("
            + removed
            + " tiles, "
            + outside
            + " of them outside the regions of "
            + regions.file()
            + ")");
  }
}
