package org.pathlens.prompts.slides;

import java.util.List;
import java.util.OptionalDouble;
import java.util.TreeSet;
import org.pathlens.index.TileRecord;

/**
 * The level-0 square each tile of a slide is drawn on. The index records a tile's top-left corner,
 * not its size, so the size is read off the grid: the smallest gap between distinct x (or y)
 * coordinates is the tiling stride, and drawing stride-sized cells tiles the plane without overlap
 * even when tiles were cut overlapping. A slide with a single tile (no gap) needs the size from
 * elsewhere: {@code fallback}, the tile pixels × tile µm/px ÷ slide µm/px.
 *
 * @param side0 level-0 pixels per tile side
 */
public record TileFootprint(double side0) {

  public TileFootprint {
    if (!(side0 > 0)) {
      throw new IllegalArgumentException("a tile footprint needs a positive side, got " + side0);
    }
  }

  /**
   * The footprint of {@code tiles}, from their grid, else {@code fallback}.
   *
   * @throws IllegalArgumentException when a tile has no coordinates, or the grid shows no stride
   *     and there is no fallback
   */
  public static TileFootprint of(List<TileRecord> tiles, OptionalDouble fallback) {
    TreeSet<Integer> xs = new TreeSet<>(), ys = new TreeSet<>();
    for (TileRecord tile : tiles) {
      if (tile.x() == null || tile.y() == null) {
        throw new IllegalArgumentException(
            "tile " + tile.id() + " records no x/y position on its slide");
      }
      xs.add(tile.x());
      ys.add(tile.y());
    }
    int stride = Math.min(smallestGap(xs), smallestGap(ys));
    if (stride < Integer.MAX_VALUE) {
      return new TileFootprint(stride);
    }
    return new TileFootprint(
        fallback.orElseThrow(
            () ->
                new IllegalArgumentException(
                    "cannot tell the tile size of a slide with "
                        + tiles.size()
                        + " tile(s) in one grid cell: no stride,"
                        + " and no tile µm/px and slide µm/px to compute it from")));
  }

  private static int smallestGap(TreeSet<Integer> values) {
    int gap = Integer.MAX_VALUE;
    Integer previous = null;
    for (int v : values) {
      if (previous != null) {
        gap = Math.min(gap, v - previous);
      }
      previous = v;
    }
    return gap;
  }
}
